//! `profile list --check`: WorkspaceNameLookup for every profile's token at once, each with
//! that profile's own values (as 1.6.4), each bounded by a short timeout.

use std::time::Duration;

use super::Context;
use crate::api::{self, Auth, Credentials, OAuthCredentials};
use crate::config::{Config, Profile};
use crate::error::{Error, Outcome, Result};

/// How long one profile's check may take (connecting included).
pub const PER_PROFILE: Duration = Duration::from_secs(5);

/// What the server said about one profile's token, and the URL that was asked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checked {
    pub outcome: Outcome,
    /// With `ok`: the workspace the server answered; with `error`: the gRPC code's name.
    pub detail: Option<String>,
    pub server_url: Option<String>,
}

impl Checked {
    fn new(outcome: Outcome, server_url: Option<String>) -> Self {
        Self {
            outcome,
            detail: None,
            server_url,
        }
    }

    fn of(result: std::result::Result<String, std::sync::Arc<Error>>, asked: String) -> Self {
        let (outcome, detail) = match result {
            Ok(workspace) => (Outcome::Ok, Some(workspace)),
            Err(error) => (
                error.outcome(),
                match &*error {
                    Error::Server { code, .. } => Some(code.clone()),
                    Error::ClientRefused { .. } => Some("FAILED_PRECONDITION".into()),
                    _ => None,
                },
            ),
        };
        Self {
            outcome,
            detail,
            server_url: Some(asked),
        }
    }

    /// The workspace, when the server accepted the token.
    pub fn workspace(&self) -> Option<&str> {
        self.detail
            .as_deref()
            .filter(|_| self.outcome == Outcome::Ok)
    }

    /// What the STATUS column shows: the JSON's word, with the code of an error.
    pub fn shown(&self) -> String {
        match (&self.outcome, &self.detail) {
            (Outcome::Error, Some(code)) => format!("error {code}"),
            (outcome, _) => outcome.word().to_owned(),
        }
    }
}

/// What a profile's own values authenticate as, by the rule of Modal's `profile list` (1.6.4:
/// the file's values only): a token pair, or OAuth's refresh token, client id and client
/// secret; both kinds, or OAuth in part, is a misconfiguration; a JWT key is not asked about
/// (modal-setup signs no client assertions).
fn auth_of(profile: &Profile<'_>) -> std::result::Result<Auth, Outcome> {
    let [refresh, client_id, secret, jwt_key] =
        crate::config::OAUTH_KEYS.map(|(key, _)| profile.oauth(key));
    let oauth = refresh.is_some() || client_id.is_some() || secret.is_some() || jwt_key.is_some();
    let token = (profile.token_id(), profile.token_secret());
    match (token, oauth) {
        ((None, None), true) => match (refresh, client_id, secret) {
            (Some(refresh_token), Some(client_id), Some(client_secret)) => {
                Ok(Auth::OAuth(OAuthCredentials {
                    refresh_token,
                    client_id: client_id.expose().to_owned(),
                    client_secret,
                }))
            }
            _ if jwt_key.is_some() => Err(Outcome::NotAsked),
            _ => Err(Outcome::Misconfigured),
        },
        (_, true) => Err(Outcome::Misconfigured),
        ((Some(token_id), Some(secret)), false) => {
            Ok(Auth::Token(Credentials::new(token_id, secret)))
        }
        _ => Err(Outcome::NoToken),
    }
}

/// The status of every profile of `config`, in the file's order.
pub fn check_all(ctx: &Context, config: &Config) -> Result<Vec<Checked>> {
    // Many servers can mean many sockets at once: use what the hard limit allows (macOS's
    // soft default is 256).
    crate::platform::raise_open_file_limit();
    let mut settings = ctx.api_settings()?;
    settings.timeout = settings.timeout.min(PER_PROFILE);
    let mut checked = Vec::new();
    let mut lookups = Vec::new();
    for (index, profile) in config.profiles().enumerate() {
        let server_url = ctx.server_url_for(config, Some(profile.name()));
        let credentials = match auth_of(&profile) {
            Ok(auth) => auth,
            Err(outcome) => {
                checked.push(Checked::new(outcome, None));
                continue;
            }
        };
        match ctx.server(&server_url) {
            Ok(server) => {
                let asked = server.candidates[0].url.clone();
                checked.push(Checked::new(Outcome::TimedOut, Some(asked)));
                lookups.push((index, server, credentials));
            }
            Err(error) => checked.push(Checked::new(
                match error.outcome() {
                    Outcome::NotAsked => Outcome::NotAsked,
                    _ => Outcome::Misconfigured,
                },
                Some(crate::text::sanitize(&server_url.value)),
            )),
        }
    }
    let (indices, jobs): (Vec<usize>, Vec<_>) = lookups
        .into_iter()
        .map(|(index, server, credentials)| (index, (server, credentials)))
        .unzip();
    for (index, lookup) in indices
        .into_iter()
        .zip(api::lookup_usernames(jobs, &settings)?)
    {
        checked[index] = Checked::of(lookup.result, lookup.asked);
    }
    Ok(checked)
}
