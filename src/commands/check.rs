//! `profile list --check`: WorkspaceNameLookup for every profile's token at once, each with
//! that profile's own values (as 1.6.4), each bounded by a short timeout.

use std::time::Duration;

use super::Context;
use crate::api::{self, Credentials};
use crate::config::Config;
use crate::error::{Error, NetFailure, Result};

/// How long one profile's check may take (connecting included).
pub const PER_PROFILE: Duration = Duration::from_secs(5);

/// What the server said about one profile's token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Status {
    /// Valid; the username the server answered.
    Ok {
        workspace: String,
    },
    Rejected,
    Unreachable,
    TimedOut,
    /// The server answered something else (the gRPC code's name).
    Failed(String),
    /// The profile has no token id or secret.
    NoToken,
    /// The profile's server URL is not a URL.
    Misconfigured,
    /// Not asked: the server is plain http:// on another machine (MODAL_SETUP_ALLOW_HTTP).
    ClearText,
}

impl Status {
    /// The word for the JSON `status` field.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Ok { .. } => "ok",
            Self::Rejected => "rejected",
            Self::Unreachable => "unreachable",
            Self::TimedOut => "timed out",
            Self::Failed(_) => "error",
            Self::NoToken => "no token",
            Self::Misconfigured => "misconfigured",
            Self::ClearText => "not asked: http",
        }
    }

    /// What the STATUS column shows: the JSON's word, with the code of an error.
    pub fn shown(&self) -> String {
        match self {
            Self::Failed(code) => format!("error {code}"),
            other => other.code().to_owned(),
        }
    }

    fn of(result: std::result::Result<String, std::sync::Arc<Error>>) -> Self {
        let error = match result {
            Ok(workspace) => return Self::Ok { workspace },
            Err(error) => error,
        };
        match &*error {
            Error::Rejected { .. } => Self::Rejected,
            Error::Unreachable {
                failure: NetFailure::Timeout(_),
                ..
            } => Self::TimedOut,
            Error::Server { code, .. } => Self::Failed(code.clone()),
            Error::ClientRefused { .. } => Self::Failed("FAILED_PRECONDITION".into()),
            Error::NotModalApi { .. } | Error::InvalidServerUrl { .. } => Self::Misconfigured,
            _ => Self::Unreachable,
        }
    }
}

/// One profile's check: its status and the server URL that was asked.
#[derive(Clone, Debug)]
pub struct Checked {
    pub status: Status,
    pub server_url: Option<String>,
}

/// The status of every profile of `config`, in the file's order.
pub fn check_all(ctx: &Context, config: &Config) -> Result<Vec<Checked>> {
    // Many servers can mean many sockets at once: use what the hard limit allows (macOS's
    // soft default is 256).
    crate::flow::loopback::raise_open_file_limit();
    let mut settings = ctx.api_settings()?;
    settings.timeout = settings.timeout.min(PER_PROFILE);
    let mut checked = Vec::new();
    let mut lookups = Vec::new();
    for (index, profile) in config.profiles().enumerate() {
        let server_url = ctx.server_url_for(config, Some(profile.name()));
        let credentials = match (profile.token_id(), profile.token_secret()) {
            (Some(token_id), Some(secret)) => Credentials::new(token_id, secret),
            _ => {
                checked.push(Checked {
                    status: Status::NoToken,
                    server_url: None,
                });
                continue;
            }
        };
        match ctx.server(&server_url) {
            Ok(server) => {
                checked.push(Checked {
                    status: Status::TimedOut,
                    server_url: Some(server.candidates[0].url.clone()),
                });
                lookups.push((index, server, credentials));
            }
            Err(error) => checked.push(Checked {
                status: match error {
                    Error::ClearTextServer { .. } => Status::ClearText,
                    _ => Status::Misconfigured,
                },
                server_url: Some(crate::output::sanitize(&server_url.value)),
            }),
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
        checked[index] = Checked {
            status: Status::of(lookup.result),
            server_url: Some(lookup.asked),
        };
    }
    Ok(checked)
}
