//! `profile list --check`: WorkspaceNameLookup for every profile's token at once, each with
//! that profile's own values (as 1.6.4), each bounded by a short timeout.

use std::time::Duration;

use super::Context;
use crate::api::{self, Credentials};
use crate::config::Config;
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
        let credentials = match (profile.token_id(), profile.token_secret()) {
            (Some(token_id), Some(secret)) => Credentials::new(token_id, secret),
            _ => {
                checked.push(Checked::new(Outcome::NoToken, None));
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
