//! `profile list --check`: every profile's token asked about at once, each bounded by a short
//! timeout, the whole bounded too.

use std::collections::VecDeque;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::Context;
use crate::api::Api;
use crate::config::Config;
use crate::config::resolve::Sourced;
use crate::error::{Error, NetFailure};
use crate::secret::Secret;

/// How long one profile's check may take.
pub const PER_PROFILE: Duration = Duration::from_secs(5);
/// Checks run at once.
const WORKERS: usize = 16;

/// What the server said about one profile's token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Status {
    /// Valid, in this workspace.
    Ok {
        workspace: String,
    },
    Rejected,
    Unreachable,
    TimedOut,
    /// The server answered something else (its status code).
    Failed(u16),
    /// The profile has no token id or secret.
    NoToken,
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
        }
    }

    /// What the table shows: the workspace, or what went wrong.
    pub fn shown(&self) -> String {
        match self {
            Self::Ok { workspace } => workspace.clone(),
            Self::Failed(status) => format!("error {status}"),
            other => other.code().to_owned(),
        }
    }

    fn of(result: Result<String, Error>) -> Self {
        match result {
            Ok(workspace) => Self::Ok { workspace },
            Err(Error::Rejected { .. }) => Self::Rejected,
            Err(Error::Unreachable {
                failure: NetFailure::Timeout(_),
                ..
            }) => Self::TimedOut,
            Err(Error::Server { status, .. }) => Self::Failed(status),
            Err(_) => Self::Unreachable,
        }
    }
}

struct Job {
    index: usize,
    server_url: Sourced<String>,
    token_id: String,
    secret: Secret,
}

/// The status of every profile of `config`, in the file's order.
pub fn check_all(ctx: &Context, config: &Config) -> Vec<Status> {
    let mut statuses: Vec<Option<Status>> = Vec::new();
    let mut jobs = VecDeque::new();
    for (index, profile) in config.profiles().enumerate() {
        match (profile.token_id(), profile.token_secret()) {
            (Some(token_id), Some(secret)) => {
                statuses.push(None);
                jobs.push_back(Job {
                    index,
                    server_url: ctx.server_url_for(config, Some(profile.name())),
                    token_id: token_id.to_owned(),
                    secret,
                });
            }
            _ => statuses.push(Some(Status::NoToken)),
        }
    }
    let pending = jobs.len();
    let timeout = ctx.http_timeout().min(PER_PROFILE);
    // Each check stops after `timeout`; the whole waits for at most the rounds the workers
    // need, plus a margin, and what is still out then counts as timed out.
    let rounds = pending.div_ceil(WORKERS).max(1) as u32;
    let deadline = Instant::now() + timeout * rounds + Duration::from_secs(1);
    let jobs = Arc::new(Mutex::new(jobs));
    let (sender, receiver) = mpsc::channel();
    for _ in 0..pending.min(WORKERS) {
        let jobs = Arc::clone(&jobs);
        let sender = sender.clone();
        // Detached: a server that hangs past the deadline must not hold the command up.
        std::thread::spawn(move || {
            loop {
                let job = jobs.lock().map(|mut q| q.pop_front()).ok().flatten();
                let Some(job) = job else { break };
                let result = Api::new(&job.server_url, timeout)
                    .and_then(|api| api.whoami(&job.token_id, &job.secret))
                    .map(|whoami| whoami.workspace);
                if sender.send((job.index, Status::of(result))).is_err() {
                    break;
                }
            }
        });
    }
    drop(sender);
    for _ in 0..pending {
        let left = deadline.saturating_duration_since(Instant::now());
        match receiver.recv_timeout(left) {
            Ok((index, status)) => statuses[index] = Some(status),
            Err(_) => break,
        }
    }
    statuses
        .into_iter()
        .map(|s| s.unwrap_or(Status::TimedOut))
        .collect()
}
