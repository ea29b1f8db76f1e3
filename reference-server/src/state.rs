//! What the server knows: tokens, login flows, web sessions, the calls it received, and the
//! faults it was told to inject. Shared by the gRPC service and the web pages.

use std::collections::{HashMap, HashSet};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use tokio::sync::watch;

use crate::{Fault, Options, random};

/// A token the server knows.
#[derive(Clone, Debug)]
pub struct Token {
    pub secret: String,
    pub workspace: String,
    pub user: String,
    /// Seconds since the epoch.
    pub created_at: i64,
    /// When it stops being accepted, in seconds since the epoch (`None`: never).
    pub expires_at: Option<i64>,
    pub state: TokenState,
}

impl Token {
    /// Whether its lifetime is over.
    pub fn expired(&self) -> bool {
        self.expires_at.is_some_and(|at| now() >= at)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenState {
    Valid,
    /// Deleted (TokenDelete): UNAUTHENTICATED from now on.
    Revoked,
    /// Valid, but without permission: PERMISSION_DENIED.
    Forbidden,
}

/// Where a login stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FlowState {
    Pending,
    /// Approved: the minted pair, not yet collected by TokenFlowWait.
    Approved {
        token_id: String,
    },
    Denied,
    /// The token was handed to the client: the flow is used up.
    Collected,
}

#[derive(Debug)]
pub struct Flow {
    pub wait_secret: String,
    pub code: String,
    pub localhost_port: u16,
    pub utm_source: String,
    pub next_url: String,
    pub created: Instant,
    /// Until when the login can be approved; after it, the server forgets the flow.
    pub expires_at: Instant,
    /// The lifetime the token will have (`expires_in_seconds`; `None`: it never expires).
    pub token_lifetime: Option<Duration>,
    pub state: watch::Sender<FlowState>,
}

/// A call the server received. Secrets are never recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recorded {
    pub rpc: String,
    /// `x-modal-token-id`, when sent.
    pub token_id: Option<String>,
    /// The token whose secret `x-modal-token-secret` was, when it was one this server minted:
    /// which secret a client sent, without keeping it.
    pub secret_of: Option<String>,
    /// The `environment_name` a call carried (AppGetOrCreate), when it named one.
    pub environment: Option<String>,
    /// Every header but the secret's value (shown as `<redacted>`), in the order received.
    pub headers: Vec<(String, String)>,
}

/// An OAuth grant: what a third-party integration holds, sent as `x-modal-refresh-token`,
/// `x-modal-oauth-client-id` and `x-modal-oauth-client-secret` (as Modal's Python client 1.6.4
/// sends them).
#[derive(Clone, Debug)]
pub struct OAuthGrant {
    pub refresh_token: String,
    pub client_id: String,
    pub client_secret: String,
    /// The token whose state and workspace the grant shares.
    pub token_id: String,
}

#[derive(Debug, Default)]
pub struct State {
    pub tokens: HashMap<String, Token>,
    /// OAuth grants (Modal's second kind of credential): each stands for the token it was
    /// minted with, whose state and workspace it shares.
    pub oauth: Vec<OAuthGrant>,
    pub flows: HashMap<String, Flow>,
    /// Session id → its CSRF token.
    pub sessions: HashMap<String, String>,
    /// One-time CSRF tokens of sign-in forms.
    pub sign_in_tokens: HashSet<String>,
    pub requests: Vec<Recorded>,
    /// Faults by RPC name.
    /// Per RPC: the fault and how many more calls it fails (`None`: all of them).
    pub faults: Vec<(String, Fault, Option<usize>)>,
    /// When each flow was approved, oldest first.
    pub approvals: Vec<Instant>,
    /// App ids by (workspace, environment, name), as AppGetOrCreate made them.
    pub apps: HashMap<(String, String, String), String>,
}

impl State {
    /// Mints a valid token of the configured workspace, living `lifetime` (`None`: for
    /// ever): its id and secret.
    pub fn mint(&mut self, options: &Options, lifetime: Option<Duration>) -> (String, String) {
        let token_id = format!("ak-{}", random::alphanumeric(22));
        let secret = format!("as-{}", random::alphanumeric(22));
        self.tokens.insert(
            token_id.clone(),
            Token {
                secret: secret.clone(),
                workspace: options.workspace.clone(),
                user: options.user.clone(),
                created_at: now(),
                expires_at: lifetime
                    .map(|l| now() + i64::try_from(l.as_secs()).unwrap_or(i64::MAX / 2)),
                state: TokenState::Valid,
            },
        );
        (token_id, secret)
    }

    /// Forgets a login whose time to be approved is over while it was still pending, as
    /// Modal's server does: its TokenFlowWait answers NOT_FOUND from then on. Returns
    /// whether it did.
    pub fn forget_if_expired(&mut self, flow_id: &str) -> bool {
        let expired = self.flows.get(flow_id).is_some_and(|flow| {
            *flow.state.borrow() == FlowState::Pending && Instant::now() >= flow.expires_at
        });
        if expired {
            self.flows.remove(flow_id);
        }
        expired
    }

    /// Approves or denies a pending, unexpired flow. Returns whether it was pending.
    pub fn decide(&mut self, flow_id: &str, approve: bool, options: &Options) -> bool {
        let pending = self.flows.get(flow_id).is_some_and(|flow| {
            *flow.state.borrow() == FlowState::Pending && Instant::now() < flow.expires_at
        });
        if !pending {
            return false;
        }
        let decided = if approve {
            let lifetime = self.flows[flow_id].token_lifetime;
            let (token_id, _) = self.mint(options, lifetime);
            self.approvals.push(Instant::now());
            FlowState::Approved { token_id }
        } else {
            FlowState::Denied
        };
        self.flows[flow_id].state.send_replace(decided);
        true
    }
}

/// The state and what does not change.
pub struct Shared {
    pub state: Mutex<State>,
    pub options: Options,
    /// Where the web pages are, for the flows' `web_url`.
    pub web_url: String,
    stopping: AtomicBool,
}

impl Shared {
    pub fn new(options: Options, web_url: String) -> Self {
        Self {
            state: Mutex::new(State::default()),
            options,
            web_url,
            stopping: AtomicBool::new(false),
        }
    }

    pub fn stop(&self) {
        self.stopping.store(true, Ordering::SeqCst);
    }

    pub fn stopping(&self) -> bool {
        self.stopping.load(Ordering::SeqCst)
    }

    /// Does what the approval page does, from the server's side: checks that the CLI's
    /// loopback answers this flow's id, then approves. For `--auto-approve` and pages opened
    /// without script.
    pub fn approve_after_loopback_check(&self, flow_id: &str) -> Result<(), String> {
        let port = lock(&self.state)
            .flows
            .get(flow_id)
            .map(|f| f.localhost_port)
            .ok_or("unknown flow")?;
        let answered = loopback_answer(port)?;
        if answered != flow_id {
            return Err("the CLI's loopback answers another login".into());
        }
        if lock(&self.state).decide(flow_id, true, &self.options) {
            Ok(())
        } else {
            Err("the login was already used or has expired".into())
        }
    }
}

/// `GET http://127.0.0.1:PORT/`: what the CLI's loopback server answers.
pub fn loopback_answer(port: u16) -> Result<String, String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))
        .map_err(|e| format!("the CLI's loopback on port {port} does not answer: {e}"))?;
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    write!(
        stream,
        "GET / HTTP/1.1\r\nHost: localhost:{port}\r\nOrigin: null\r\nConnection: close\r\n\r\n"
    )
    .map_err(|e| e.to_string())?;
    let mut response = String::new();
    stream
        .take(64 * 1024)
        .read_to_string(&mut response)
        .map_err(|e| e.to_string())?;
    let (head, body) = response
        .split_once("\r\n\r\n")
        .ok_or("the loopback's answer is not HTTP")?;
    if !head.starts_with("HTTP/1.1 200") {
        return Err(format!(
            "the loopback answered {}",
            head.lines().next().unwrap_or_default()
        ));
    }
    Ok(body.to_owned())
}

pub fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    // A panic in one handler must not take every later request down with it.
    state
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// A pairing code such as `KXQT-MRZD` (no I or O, which read like digits).
pub fn pairing_code() -> String {
    const LETTERS: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ";
    let raw = random::alphanumeric(64);
    let letters: String = raw
        .bytes()
        .map(|b| LETTERS[usize::from(b) % LETTERS.len()] as char)
        .take(8)
        .collect();
    format!("{}-{}", &letters[..4], &letters[4..])
}
