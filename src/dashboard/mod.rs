//! The reference dashboard: Modal's side of the protocol in docs/protocol.md, served from
//! memory by tiny_http. `cargo run --example dashboard` serves it for people; the tests start it
//! in-process on 127.0.0.1:0. There is no second fake.

mod time;

use std::collections::HashMap;
use std::io;
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;

use serde_json::json;
use tiny_http::{Header, Method, Request, Response, Server};

use crate::api::{TOKEN_ID_HEADER, TOKEN_SECRET_HEADER};
use crate::random;
use crate::secret::Secret;

/// How the dashboard behaves.
#[derive(Clone, Debug)]
pub struct Options {
    /// 0 picks a free port.
    pub port: u16,
    /// The workspace that minted tokens belong to.
    pub workspace: String,
    /// The user shown as signed in.
    pub user: String,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            port: 0,
            workspace: "demo-workspace".into(),
            user: "demo-user".into(),
        }
    }
}

/// A token the dashboard knows.
#[derive(Clone, Debug)]
struct Token {
    secret: Secret,
    workspace: String,
    created_at: String,
    state: TokenState,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenState {
    Valid,
    Revoked,
    /// Valid, but without permission for its workspace (answers 403).
    Forbidden,
}

/// A request the dashboard received. Secrets are never recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    /// The `x-modal-token-id` header, when sent.
    pub token_id: Option<String>,
}

#[derive(Debug, Default)]
struct State {
    tokens: HashMap<String, Token>,
    requests: Vec<Recorded>,
}

/// A running dashboard; it stops when dropped.
pub struct Dashboard {
    url: String,
    options: Options,
    state: Arc<Mutex<State>>,
    server: Arc<Server>,
    thread: Option<JoinHandle<()>>,
}

impl Dashboard {
    /// Starts serving on 127.0.0.1 in a background thread.
    pub fn start(options: Options) -> io::Result<Self> {
        let server = Server::http(("127.0.0.1", options.port)).map_err(io::Error::other)?;
        let port = server
            .server_addr()
            .to_ip()
            .map(|a| a.port())
            .ok_or_else(|| io::Error::other("the dashboard is not on an IP socket"))?;
        let server = Arc::new(server);
        let state = Arc::new(Mutex::new(State::default()));
        let handler = Handler {
            options: options.clone(),
            state: Arc::clone(&state),
        };
        let thread = {
            let server = Arc::clone(&server);
            std::thread::Builder::new()
                .name("dashboard".into())
                .spawn(move || {
                    for request in server.incoming_requests() {
                        handler.handle(request);
                    }
                })?
        };
        Ok(Self {
            url: format!("http://127.0.0.1:{port}"),
            options,
            state,
            server,
            thread: Some(thread),
        })
    }

    /// The base URL, e.g. `http://127.0.0.1:41234`: the MODAL_SERVER_URL for the CLI.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Mints a valid token for the configured workspace.
    pub fn mint_token(&self) -> (String, Secret) {
        mint(&mut lock(&self.state), &self.options.workspace)
    }

    /// Changes what the dashboard says about a token.
    pub fn set_token_state(&self, token_id: &str, state: TokenState) {
        if let Some(token) = lock(&self.state).tokens.get_mut(token_id) {
            token.state = state;
        }
    }

    pub fn token_state(&self, token_id: &str) -> Option<TokenState> {
        lock(&self.state).tokens.get(token_id).map(|t| t.state)
    }

    /// Every request so far, oldest first.
    pub fn requests(&self) -> Vec<Recorded> {
        lock(&self.state).requests.clone()
    }
}

impl Drop for Dashboard {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    // A panic in one handler must not take every later test request down with it.
    state
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn mint(state: &mut State, workspace: &str) -> (String, Secret) {
    let token_id = format!("ak-{}", random::alphanumeric(22));
    let secret = Secret::new(format!("as-{}", random::alphanumeric(22)));
    state.tokens.insert(
        token_id.clone(),
        Token {
            secret: secret.clone(),
            workspace: workspace.to_owned(),
            created_at: time::now_rfc3339(),
            state: TokenState::Valid,
        },
    );
    (token_id, secret)
}

struct Handler {
    options: Options,
    state: Arc<Mutex<State>>,
}

type Reply = Response<io::Cursor<Vec<u8>>>;

impl Handler {
    fn handle(&self, request: Request) {
        let path = request.url().split('?').next().unwrap_or("").to_owned();
        let token_id = header(&request, TOKEN_ID_HEADER);
        lock(&self.state).requests.push(Recorded {
            method: request.method().to_string(),
            path: path.clone(),
            token_id: token_id.clone(),
        });
        let reply = match (request.method(), path.as_str()) {
            (Method::Get, "/v1/whoami") => self.whoami(&request),
            (Method::Delete, p) if p.starts_with("/v1/tokens/") => {
                self.revoke(&request, &p["/v1/tokens/".len()..])
            }
            _ => json_reply(404, &json!({ "error": "not found" })),
        };
        let _ = request.respond(reply);
    }

    /// The token named by the request's headers, when they authenticate it.
    fn authenticate(&self, request: &Request) -> Result<(String, Token), Reply> {
        let unauthorized = |message: &str| json_reply(401, &json!({ "error": message }));
        let (Some(id), Some(secret)) = (
            header(request, TOKEN_ID_HEADER),
            header(request, TOKEN_SECRET_HEADER),
        ) else {
            return Err(unauthorized("missing token headers"));
        };
        let state = lock(&self.state);
        let Some(token) = state.tokens.get(&id) else {
            return Err(unauthorized("unknown token"));
        };
        if !constant_time_eq(token.secret.expose().as_bytes(), secret.as_bytes()) {
            return Err(unauthorized("wrong token secret"));
        }
        match token.state {
            TokenState::Valid => Ok((id, token.clone())),
            TokenState::Revoked => Err(unauthorized("token revoked")),
            TokenState::Forbidden => Err(json_reply(
                403,
                &json!({ "error": "token has no permission for this workspace" }),
            )),
        }
    }

    fn whoami(&self, request: &Request) -> Reply {
        match self.authenticate(request) {
            Ok((id, token)) => json_reply(
                200,
                &json!({
                    "token_id": id,
                    "workspace": token.workspace,
                    "user": self.options.user,
                    "created_at": token.created_at,
                    "expires_at": null,
                }),
            ),
            Err(reply) => reply,
        }
    }

    /// `DELETE /v1/tokens/{id}`, authenticated by any valid token of the same workspace.
    fn revoke(&self, request: &Request, target: &str) -> Reply {
        let (_, caller) = match self.authenticate(request) {
            Ok(found) => found,
            Err(reply) => return reply,
        };
        let mut state = lock(&self.state);
        match state.tokens.get_mut(target) {
            Some(token) if token.workspace == caller.workspace => {
                token.state = TokenState::Revoked;
                json_reply(200, &json!({ "token_id": target, "revoked": true }))
            }
            _ => json_reply(404, &json!({ "error": "no such token" })),
        }
    }
}

fn header(request: &Request, name: &str) -> Option<String> {
    request
        .headers()
        .iter()
        .find(|h| h.field.as_str().as_str().eq_ignore_ascii_case(name))
        .map(|h| h.value.as_str().to_owned())
}

fn json_reply(status: u16, body: &serde_json::Value) -> Reply {
    Response::from_data(body.to_string().into_bytes())
        .with_status_code(status)
        .with_header(static_header("Content-Type", "application/json"))
        .with_header(static_header("Cache-Control", "no-store"))
}

fn static_header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("static headers are valid")
}

/// Compares two byte strings in time that depends only on their lengths.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
