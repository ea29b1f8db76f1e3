//! A local stand-in for Modal, for modal-setup's examples, tests and benchmarks: the gRPC API
//! of api.modal.com (`modal.client.ModalClient`: the token flow, ClientHello,
//! WorkspaceNameLookup, TokenInfoGet, TokenDelete) on one port, and modal.com's login pages
//! (sign in, approve with the pairing code, deny) on another, as they are two hosts.
//!
//! It enforces what Modal's server is known to enforce (docs/protocol.md): only the token flow
//! is anonymous, bad or deleted tokens are UNAUTHENTICATED, calls without the client headers (or
//! from too old a client) are FAILED_PRECONDITION, and TokenFlowWait is held up to its
//! `timeout`. It is not part of modal-setup: the binary never links it.

mod grpc;
mod html;
mod pages;
mod random;
mod state;
mod web;

use std::io;
use std::sync::Arc;
use std::time::Duration;

pub use state::{Recorded, TokenState};
use state::{Shared, lock};

/// How the server behaves.
#[derive(Clone, Debug)]
pub struct Options {
    /// Port of the gRPC API; 0 picks a free one.
    pub api_port: u16,
    /// Port of the web pages; 0 picks a free one.
    pub web_port: u16,
    /// The workspace minted tokens belong to (also the username WorkspaceNameLookup answers).
    pub workspace: String,
    /// The user shown as signed in.
    pub user: String,
    /// Approve every flow without a browser after this delay, doing what the approval page
    /// does: check the CLI's loopback, then approve.
    pub auto_approve: Option<Duration>,
    /// How long a login can be approved, whatever the token's lifetime
    /// (`expires_in_seconds`); after it, TokenFlowWait answers NOT_FOUND.
    pub flow_ttl: Duration,
    /// The lowest `x-modal-client-version` accepted; older clients get FAILED_PRECONDITION
    /// "Old client", as Modal's server answers them.
    pub min_client_version: (u32, u32, u32),
    /// Warnings ClientHello sends in `server_warnings`.
    pub warnings: Vec<String>,
    /// Says each call on stderr as it is admitted or refused: the RPC, the token id, the
    /// outcome (never a secret).
    pub log_calls: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            api_port: 0,
            web_port: 0,
            workspace: "demo-workspace".into(),
            user: "demo-user".into(),
            auto_approve: None,
            flow_ttl: Duration::from_secs(600),
            min_client_version: (1, 0, 0),
            warnings: Vec::new(),
            log_calls: false,
        }
    }
}

/// A way for an RPC to misbehave, so that tests (and people) can see how a client copes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Answer with this status code (its number, e.g. 14 for UNAVAILABLE) and message.
    Status(i32, String),
    /// Never answer (until the client gives up or the server stops).
    Hang,
}

impl Fault {
    /// Parses `CODE` (a gRPC code name such as `UNAVAILABLE`, or its number).
    pub fn parse_status(code: &str) -> Option<Self> {
        let number = code
            .parse::<i32>()
            .ok()
            .or_else(|| grpc::code_number(code))?;
        Some(Self::Status(number, format!("injected fault: {code}")))
    }
}

/// The RPCs served, by name.
pub const RPCS: &[&str] = &[
    "TokenFlowCreate",
    "TokenFlowWait",
    "ClientHello",
    "WorkspaceNameLookup",
    "TokenInfoGet",
    "TokenDelete",
    "AuthTokenGet",
    "AppGetOrCreate",
];

/// A running server; it stops when dropped.
pub struct ReferenceServer {
    api_url: String,
    web_url: String,
    shared: Arc<Shared>,
    api: Option<grpc::Running>,
    web: web::Running,
}

impl ReferenceServer {
    /// Starts both servers on 127.0.0.1 in background threads.
    pub fn start(options: Options) -> io::Result<Self> {
        let web = web::Running::bind(options.web_port)?;
        let web_url = web.url();
        let shared = Arc::new(Shared::new(options, web_url.clone()));
        let api = grpc::Running::start(Arc::clone(&shared))?;
        let api_url = api.url();
        let web = web.serve(Arc::clone(&shared), api_url.clone())?;
        Ok(Self {
            api_url,
            web_url,
            shared,
            api: Some(api),
            web,
        })
    }

    /// The API's URL, e.g. `http://127.0.0.1:41234`: the MODAL_SERVER_URL for a client.
    pub fn api_url(&self) -> &str {
        &self.api_url
    }

    /// The web pages' URL, e.g. `http://127.0.0.1:41235`.
    pub fn web_url(&self) -> &str {
        &self.web_url
    }

    /// Mints a valid token for the configured workspace.
    pub fn mint_token(&self) -> (String, String) {
        let mut state = lock(&self.shared.state);
        let token = state.mint(&self.shared.options, None);
        (token.0, token.1)
    }

    /// Mints OAuth credentials (refresh token, client id, client secret) for the configured
    /// workspace, standing for a token of their own (whose id is returned last: its state is
    /// theirs).
    pub fn mint_oauth(&self) -> (String, String, String, String) {
        let mut state = lock(&self.shared.state);
        let (token_id, _) = state.mint(&self.shared.options, None);
        let grant = state::OAuthGrant {
            refresh_token: format!("rt-{}", random::alphanumeric(22)),
            client_id: format!("oc-{}", random::alphanumeric(12)),
            client_secret: format!("os-{}", random::alphanumeric(22)),
            token_id,
        };
        state.oauth.push(grant.clone());
        (
            grant.refresh_token,
            grant.client_id,
            grant.client_secret,
            grant.token_id,
        )
    }

    /// Changes what the server says about a token.
    pub fn set_token_state(&self, token_id: &str, token_state: TokenState) {
        if let Some(token) = lock(&self.shared.state).tokens.get_mut(token_id) {
            token.state = token_state;
        }
    }

    pub fn token_state(&self, token_id: &str) -> Option<TokenState> {
        lock(&self.shared.state)
            .tokens
            .get(token_id)
            .map(|t| t.state)
    }

    /// When a token stops being accepted, in seconds since the epoch (`None`: never, or no
    /// such token).
    pub fn token_expires_at(&self, token_id: &str) -> Option<i64> {
        lock(&self.shared.state)
            .tokens
            .get(token_id)
            .and_then(|t| t.expires_at)
    }

    /// Sets when a token stops being accepted (seconds since the epoch; `None`: never).
    pub fn set_token_expires_at(&self, token_id: &str, at: Option<i64>) {
        if let Some(token) = lock(&self.shared.state).tokens.get_mut(token_id) {
            token.expires_at = at;
        }
    }

    /// Makes calls of `rpc` (e.g. "ClientHello") fail this way; `None` clears it.
    pub fn set_fault(&self, rpc: &str, fault: Option<Fault>) {
        let mut state = lock(&self.shared.state);
        state.faults.retain(|(r, _, _)| r != rpc);
        if let Some(fault) = fault {
            state.faults.push((rpc.to_owned(), fault, None));
        }
    }

    /// Makes the next `calls` calls of `rpc` fail this way, and the ones after succeed.
    pub fn set_fault_for(&self, rpc: &str, fault: Fault, calls: usize) {
        let mut state = lock(&self.shared.state);
        state.faults.retain(|(r, _, _)| r != rpc);
        if calls > 0 {
            state.faults.push((rpc.to_owned(), fault, Some(calls)));
        }
    }

    /// Every call so far, oldest first (secrets are never recorded).
    pub fn requests(&self) -> Vec<Recorded> {
        lock(&self.shared.state).requests.clone()
    }

    /// How many calls of `rpc` arrived.
    pub fn count(&self, rpc: &str) -> usize {
        self.requests().iter().filter(|r| r.rpc == rpc).count()
    }

    /// When each login was approved, oldest first.
    pub fn approvals(&self) -> Vec<std::time::Instant> {
        lock(&self.shared.state).approvals.clone()
    }

    /// What the newest TokenFlowCreate asked: `(utm_source, next_url, localhost_port)`.
    pub fn last_flow_request(&self) -> Option<(String, String, u16)> {
        lock(&self.shared.state)
            .flows
            .values()
            .max_by_key(|f| f.created)
            .map(|f| (f.utm_source.clone(), f.next_url.clone(), f.localhost_port))
    }

    /// The pairing code of the newest flow, as its page shows it.
    pub fn last_code(&self) -> Option<String> {
        lock(&self.shared.state)
            .flows
            .values()
            .max_by_key(|f| f.created)
            .map(|f| f.code.clone())
    }
}

impl Drop for ReferenceServer {
    fn drop(&mut self) {
        self.shared.stop();
        if let Some(api) = self.api.take() {
            api.stop();
        }
        self.web.stop();
    }
}
