//! The reference dashboard: Modal's side of the protocol in docs/protocol.md, served from
//! memory by tiny_http. `cargo run --example dashboard` serves it for people; the tests start it
//! in-process on 127.0.0.1:0. There is no second fake.

mod pages;
mod time;

use std::collections::{HashMap, HashSet};
use std::io::{self, Read};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde_json::json;
use tiny_http::{Method, Request, Response, Server};

use crate::api::{TOKEN_ID_HEADER, TOKEN_SECRET_HEADER};
use crate::flow::protocol::{
    ACCESS_DENIED, CreateFlow, Flow, field, is_loopback_callback, origin_of,
};
use crate::http::{header, request_header};
use crate::random;
use crate::secret::{Secret, constant_time_eq};
use crate::token_format::{TOKEN_ID_PREFIX, TOKEN_SECRET_PREFIX};

/// How the dashboard behaves.
#[derive(Clone, Debug)]
pub struct Options {
    /// 0 picks a free port.
    pub port: u16,
    /// The workspace that minted tokens belong to.
    pub workspace: String,
    /// The user shown as signed in.
    pub user: String,
    /// Approve every flow without a browser, after this delay: the dashboard posts the
    /// callback itself, as the browser would.
    pub auto_approve: Option<Duration>,
    /// How long a flow can be approved.
    pub flow_ttl: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            port: 0,
            workspace: "demo-workspace".into(),
            user: "demo-user".into(),
            auto_approve: None,
            flow_ttl: Duration::from_secs(600),
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

/// A way for the API to misbehave, so that tests (and people) can see how the CLI copes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Answer with this status and a JSON error.
    Status(u16),
    /// Never answer (until the dashboard stops).
    Hang,
}

/// One callback the dashboard posted itself (auto-approve), timed.
#[derive(Clone, Copy, Debug)]
pub struct Handoff {
    /// Just before the post was sent.
    pub sent: Instant,
    /// When the CLI's answer (the success page) had arrived.
    pub answered: Instant,
    pub status: u16,
}

/// A request the dashboard received. Secrets are never recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    /// The `x-modal-token-id` header, when sent.
    pub token_id: Option<String>,
}

#[derive(Debug)]
struct FlowRecord {
    request: CreateFlow,
    code: String,
    expires_at: Instant,
    /// Approved or denied already: a flow is single-use.
    finished: bool,
}

#[derive(Debug, Default)]
struct State {
    tokens: HashMap<String, Token>,
    flows: HashMap<String, FlowRecord>,
    /// Session id → its CSRF token.
    sessions: HashMap<String, String>,
    /// One-time CSRF tokens of sign-in forms.
    sign_in_tokens: HashSet<String>,
    requests: Vec<Recorded>,
    handoffs: Vec<Handoff>,
    /// Faults by the start of "METHOD /path" they apply to.
    faults: Vec<(String, Fault)>,
}

/// A running dashboard; it stops when dropped.
pub struct Dashboard {
    url: String,
    state: Arc<Mutex<State>>,
    options: Options,
    server: Arc<Server>,
    stopping: Arc<AtomicBool>,
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
        let url = format!("http://127.0.0.1:{port}");
        let server = Arc::new(server);
        let state = Arc::new(Mutex::new(State::default()));
        let stopping = Arc::new(AtomicBool::new(false));
        let handler = Arc::new(Handler {
            url: url.clone(),
            options: options.clone(),
            state: Arc::clone(&state),
            stopping: Arc::clone(&stopping),
        });
        let thread = {
            let server = Arc::clone(&server);
            std::thread::Builder::new()
                .name("dashboard".into())
                .spawn(move || {
                    // One thread a request, so that a hanging answer holds up only itself.
                    for request in server.incoming_requests() {
                        let handler = Arc::clone(&handler);
                        std::thread::spawn(move || handler.handle(request));
                    }
                })?
        };
        Ok(Self {
            url,
            state,
            options,
            server,
            stopping,
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

    /// Makes requests whose "METHOD /path" starts with `route` fail this way, e.g.
    /// `("GET /v1/whoami", Fault::Status(500))` or `("DELETE /v1/tokens/", Fault::Hang)`.
    /// `None` clears the faults of that route.
    pub fn set_fault(&self, route: &str, fault: Option<Fault>) {
        let mut state = lock(&self.state);
        state.faults.retain(|(r, _)| r != route);
        if let Some(fault) = fault {
            state.faults.push((route.to_owned(), fault));
        }
    }

    /// The callbacks posted by auto-approval so far, oldest first.
    pub fn handoffs(&self) -> Vec<Handoff> {
        lock(&self.state).handoffs.clone()
    }

    /// Every request so far, oldest first.
    pub fn requests(&self) -> Vec<Recorded> {
        lock(&self.state).requests.clone()
    }
}

impl Drop for Dashboard {
    fn drop(&mut self) {
        self.stopping.store(true, Ordering::SeqCst);
        self.server.unblock();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    // A panic in one handler must not take every later request down with it.
    state
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn mint(state: &mut State, workspace: &str) -> (String, Secret) {
    let token_id = format!("{TOKEN_ID_PREFIX}{}", random::alphanumeric(22));
    let secret = Secret::new(format!("{TOKEN_SECRET_PREFIX}{}", random::alphanumeric(22)));
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

/// A pairing code such as `KXQT-MRZD` (no I or O, which read like digits).
fn pairing_code() -> String {
    const LETTERS: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ";
    let raw = random::alphanumeric(64);
    let letters: String = raw
        .bytes()
        .map(|b| LETTERS[usize::from(b) % LETTERS.len()] as char)
        .take(8)
        .collect();
    format!("{}-{}", &letters[..4], &letters[4..])
}

const MAX_BODY: u64 = 64 * 1024;

struct Handler {
    url: String,
    options: Options,
    state: Arc<Mutex<State>>,
    stopping: Arc<AtomicBool>,
}

type Reply = Response<io::Cursor<Vec<u8>>>;

impl Handler {
    fn handle(self: &Arc<Self>, mut request: Request) {
        let path = request.url().split('?').next().unwrap_or("").to_owned();
        let token_id = request_header(&request, TOKEN_ID_HEADER);
        lock(&self.state).requests.push(Recorded {
            method: request.method().to_string(),
            path: path.clone(),
            token_id,
        });
        let route = format!("{} {path}", request.method());
        let fault = lock(&self.state)
            .faults
            .iter()
            .find(|(r, _)| route.starts_with(r.as_str()))
            .map(|(_, f)| f.clone());
        match fault {
            Some(Fault::Status(status)) => {
                let body = json!({ "error": format!("injected fault: {status}") });
                let _ = request.respond(json_reply(status, &body));
                return;
            }
            Some(Fault::Hang) => {
                while !self.stopping.load(Ordering::SeqCst) {
                    std::thread::sleep(Duration::from_millis(50));
                }
                return;
            }
            None => {}
        }
        let mut body = Vec::new();
        let _ = request.as_reader().take(MAX_BODY).read_to_end(&mut body);
        let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
        let reply = match (request.method(), segments.as_slice()) {
            (Method::Get, ["v1", "whoami"]) => self.whoami(&request),
            (Method::Post, ["v1", "token-flows"]) => self.create_flow(&body),
            (Method::Delete, ["v1", "tokens", id]) => self.revoke(&request, id),
            (Method::Get, [""]) => html_reply(
                200,
                pages::message(
                    &random::hex(16),
                    "Reference dashboard",
                    "This server implements the modal-setup login protocol (docs/protocol.md). Run `modal-setup setup` with MODAL_SERVER_URL pointing here.",
                ),
            ),
            (Method::Get, ["flows", id]) => self.flow_page(&request, id),
            (Method::Post, ["signin"]) => self.sign_in(&body),
            (Method::Post, ["flows", id, action @ ("approve" | "deny")]) => {
                self.decide(&request, &body, id, *action == "approve")
            }
            (_, ["v1", ..]) => json_reply(404, &json!({ "error": "not found" })),
            _ => message(404, "Not found", "There is nothing here."),
        };
        let _ = request.respond(reply);
    }

    /// The token named by the request's headers, when they authenticate it.
    fn authenticate(&self, request: &Request) -> Result<(String, Token), Reply> {
        let unauthorized = |message: &str| json_reply(401, &json!({ "error": message }));
        let (Some(id), Some(secret)) = (
            request_header(request, TOKEN_ID_HEADER),
            request_header(request, TOKEN_SECRET_HEADER),
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

    /// `POST /v1/token-flows`.
    fn create_flow(self: &Arc<Self>, body: &[u8]) -> Reply {
        let bad = |message: &str| json_reply(400, &json!({ "error": message }));
        let Ok(request) = serde_json::from_slice::<CreateFlow>(body) else {
            return bad("expected JSON {callback_url, state, device_name, client}");
        };
        if !is_loopback_callback(&request.callback_url) {
            return bad("callback_url must be http on 127.0.0.1, [::1] or localhost, with a port");
        }
        if request.state.len() < 43 {
            return bad("state must carry at least 256 bits");
        }
        let flow_id = format!("tf-{}", random::alphanumeric(20));
        let code = pairing_code();
        let flow = Flow {
            web_url: format!("{}/flows/{flow_id}", self.url),
            flow_id: flow_id.clone(),
            code: code.clone(),
            expires_in: self.options.flow_ttl.as_secs(),
        };
        lock(&self.state).flows.insert(
            flow_id.clone(),
            FlowRecord {
                request,
                code,
                expires_at: Instant::now() + self.options.flow_ttl,
                finished: false,
            },
        );
        if let Some(delay) = self.options.auto_approve {
            let handler = Arc::clone(self);
            std::thread::spawn(move || {
                std::thread::sleep(delay);
                handler.auto_approve(&flow_id);
            });
        }
        json_reply(
            201,
            &serde_json::to_value(&flow).expect("plain data serializes"),
        )
    }

    /// Does what a browser does with the handoff page: posts the form to the callback.
    fn auto_approve(&self, flow_id: &str) {
        let Some((callback_url, fields)) = self.finish(flow_id, true) else {
            return;
        };
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields.iter().map(|(k, v)| (*k, v.as_str())))
            .finish();
        let client = reqwest::blocking::Client::builder()
            .no_proxy()
            .timeout(Duration::from_secs(10))
            .build();
        let Ok(client) = client else { return };
        let sent = Instant::now();
        let answer = client
            .post(callback_url)
            .header("Origin", &self.url)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .and_then(|response| {
                let status = response.status().as_u16();
                response.bytes().map(|_| status)
            });
        if let Ok(status) = answer {
            lock(&self.state).handoffs.push(Handoff {
                sent,
                answered: Instant::now(),
                status,
            });
        }
    }

    /// Ends a pending flow: mints a token (approve) or not (deny). Returns the callback URL
    /// and the form fields for it; `None` when the flow is unknown, expired or used.
    fn finish(
        &self,
        flow_id: &str,
        approve: bool,
    ) -> Option<(String, Vec<(&'static str, String)>)> {
        let mut state = lock(&self.state);
        let flow = state.flows.get_mut(flow_id)?;
        if flow.finished || Instant::now() > flow.expires_at {
            return None;
        }
        flow.finished = true;
        let callback_url = flow.request.callback_url.clone();
        let mut fields = vec![
            (field::FLOW_ID, flow_id.to_owned()),
            (field::STATE, flow.request.state.clone()),
        ];
        if approve {
            let (token_id, secret) = mint(&mut state, &self.options.workspace);
            fields.push((field::TOKEN_ID, token_id));
            fields.push((field::TOKEN_SECRET, secret.expose().to_owned()));
            fields.push((field::WORKSPACE, self.options.workspace.clone()));
        } else {
            fields.push((field::ERROR, ACCESS_DENIED.to_owned()));
        }
        Some((callback_url, fields))
    }

    /// `GET /flows/{id}`: the sign-in page, or the approval page once signed in.
    fn flow_page(&self, request: &Request, flow_id: &str) -> Reply {
        let nonce = random::hex(16);
        let mut state = lock(&self.state);
        let session_csrf = session(request).and_then(|id| state.sessions.get(&id).cloned());
        let Some(flow) = state.flows.get(flow_id) else {
            return message(404, "Unknown login", "This login link is not valid.");
        };
        if flow.finished || Instant::now() > flow.expires_at {
            return message(
                410,
                "Login finished",
                "This login was already used or has expired. Run `modal-setup setup` again.",
            );
        }
        let Some(csrf) = session_csrf else {
            let csrf = random::hex(16);
            state.sign_in_tokens.insert(csrf.clone());
            let next = format!("/flows/{flow_id}");
            return html_reply(
                200,
                pages::sign_in(&nonce, &csrf, &next, &self.options.user),
            );
        };
        let page = pages::approve(
            &nonce,
            &pages::Approval {
                flow_id,
                csrf: &csrf,
                device_name: &flow.request.device_name,
                client: &flow.request.client,
                code: &flow.code,
                workspace: &self.options.workspace,
                user: &self.options.user,
            },
        );
        html_reply(200, page)
    }

    /// `POST /signin`: starts a session and goes back to the flow.
    fn sign_in(&self, body: &[u8]) -> Reply {
        let form = parse_form(body);
        let csrf = form.get("csrf").cloned().unwrap_or_default();
        let next = form.get("next").cloned().unwrap_or_default();
        let mut state = lock(&self.state);
        if !state.sign_in_tokens.remove(&csrf) || !next.starts_with("/flows/") {
            return message(
                403,
                "Sign-in refused",
                "The form expired. Go back and reload the page.",
            );
        }
        let session_id = random::hex(32);
        state.sessions.insert(session_id.clone(), random::hex(16));
        Response::from_data(Vec::new())
            .with_status_code(303)
            .with_header(header("Location", &next))
            .with_header(header(
                "Set-Cookie",
                &format!("session={session_id}; Path=/; HttpOnly; SameSite=Lax"),
            ))
            .with_header(header("Cache-Control", "no-store"))
    }

    /// `POST /flows/{id}/approve` or `/deny`: checks the session and CSRF token, then answers
    /// with the handoff page.
    fn decide(&self, request: &Request, body: &[u8], flow_id: &str, approve: bool) -> Reply {
        let form = parse_form(body);
        let csrf_ok = {
            let state = lock(&self.state);
            let expected = session(request).and_then(|id| state.sessions.get(&id).cloned());
            match (expected, form.get("csrf")) {
                (Some(expected), Some(sent)) => {
                    constant_time_eq(expected.as_bytes(), sent.as_bytes())
                }
                _ => false,
            }
        };
        if !csrf_ok {
            return message(
                403,
                "Refused",
                "The form expired or did not come from this dashboard. Reload the page.",
            );
        }
        let Some((callback_url, fields)) = self.finish(flow_id, approve) else {
            return message(
                410,
                "Login finished",
                "This login was already used or has expired. Run `modal-setup setup` again.",
            );
        };
        let callback_origin = origin_of(&callback_url).unwrap_or_else(|| "'none'".into());
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        html_reply(
            200,
            pages::handoff(
                &random::hex(16),
                &callback_url,
                &callback_origin,
                &fields,
                approve,
            ),
        )
    }
}

/// The `session` cookie of a request.
fn session(request: &Request) -> Option<String> {
    let cookies = request_header(request, "Cookie")?;
    cookies
        .split(';')
        .filter_map(|c| c.trim().split_once('='))
        .find(|(name, _)| *name == "session")
        .map(|(_, value)| value.to_owned())
}

fn parse_form(body: &[u8]) -> HashMap<String, String> {
    form_urlencoded::parse(body).into_owned().collect()
}

fn json_reply(status: u16, body: &serde_json::Value) -> Reply {
    Response::from_data(body.to_string().into_bytes())
        .with_status_code(status)
        .with_header(header("Content-Type", "application/json"))
        .with_header(header("Cache-Control", "no-store"))
}

fn html_reply(status: u16, page: pages::Page) -> Reply {
    Response::from_data(page.html.into_bytes())
        .with_status_code(status)
        .with_header(header("Content-Type", "text/html; charset=utf-8"))
        .with_header(header("Content-Security-Policy", &page.csp))
        .with_header(header("Cache-Control", "no-store"))
        .with_header(header("Referrer-Policy", page.referrer_policy))
        .with_header(header("X-Content-Type-Options", "nosniff"))
        .with_header(header("X-Frame-Options", "DENY"))
}

fn message(status: u16, title: &str, text: &str) -> Reply {
    html_reply(status, pages::message(&random::hex(16), title, text))
}
