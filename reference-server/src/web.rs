//! The web pages of modal.com's login, served by tiny_http: sign in, then approve (after the
//! page checked the CLI's loopback) or deny. Plain forms, so a browser without script can
//! finish too. A small front owns the port: a gRPC client pointed here by mistake (its first
//! bytes are HTTP/2's greeting) is answered UNAVAILABLE with the API's URL instead of hanging;
//! every other connection is piped to tiny_http on a port of its own.

use std::collections::HashMap;
use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Instant;

use tiny_http::{Header, Method, Request, Response, Server};

use crate::html::constant_time_eq;
use crate::pages;
use crate::random;
use crate::state::{FlowState, Shared, lock};

const MAX_BODY: u64 = 64 * 1024;

/// The web server: bound first (its URL goes into the flows' `web_url`), then serving.
pub struct Running {
    server: Arc<Server>,
    /// The public port's listener, until `serve` hands it to the front.
    front: Option<TcpListener>,
    port: u16,
    stopping: Arc<AtomicBool>,
    threads: Vec<JoinHandle<()>>,
}

type Reply = Response<io::Cursor<Vec<u8>>>;

impl Running {
    pub fn bind(port: u16) -> io::Result<Self> {
        let front = TcpListener::bind(("127.0.0.1", port))?;
        let port = front.local_addr()?.port();
        let server = Server::http(("127.0.0.1", 0)).map_err(io::Error::other)?;
        Ok(Self {
            server: Arc::new(server),
            front: Some(front),
            port,
            stopping: Arc::default(),
            threads: Vec::new(),
        })
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn serve(mut self, shared: Arc<Shared>, api_url: String) -> io::Result<Self> {
        let server = Arc::clone(&self.server);
        self.threads.push(
            std::thread::Builder::new()
                .name("reference-web".into())
                .spawn(move || {
                    for request in server.incoming_requests() {
                        let shared = Arc::clone(&shared);
                        // The approval may fetch the CLI's loopback: one thread a request.
                        std::thread::spawn(move || handle(&shared, request));
                    }
                })?,
        );
        let front = self.front.take().expect("served once");
        let inner = self
            .server
            .server_addr()
            .to_ip()
            .ok_or_else(|| io::Error::other("the web server is not on an IP socket"))?;
        let stopping = Arc::clone(&self.stopping);
        self.threads.push(
            std::thread::Builder::new()
                .name("reference-web-front".into())
                .spawn(move || {
                    for client in front.incoming() {
                        if stopping.load(Ordering::SeqCst) {
                            break;
                        }
                        let Ok(client) = client else { continue };
                        let api_url = api_url.clone();
                        std::thread::spawn(move || {
                            let _ = pass_on(client, inner, &api_url);
                        });
                    }
                })?,
        );
        Ok(self)
    }

    pub fn stop(&mut self) {
        self.stopping.store(true, Ordering::SeqCst);
        // Wakes the front's accept, which then sees that it is stopping.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        self.server.unblock();
        for thread in self.threads.drain(..) {
            let _ = thread.join();
        }
    }
}

/// HTTP/2's greeting, as a gRPC client opens a connection with it.
const HTTP2_PREFACE: &[u8] = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

/// One connection to the web port: a gRPC client gets [`answer_grpc`], anything else is piped
/// to tiny_http at `inner`.
fn pass_on(client: TcpStream, inner: std::net::SocketAddr, api_url: &str) -> io::Result<()> {
    let mut first = [0; 14];
    let seen = client.peek(&mut first)?;
    if seen > 0 && HTTP2_PREFACE.starts_with(&first[..seen]) && first[0] == b'P' {
        return answer_grpc(client, api_url);
    }
    let server = TcpStream::connect(inner)?;
    let (mut from_client, mut to_server) = (client.try_clone()?, server.try_clone()?);
    let upstream = std::thread::spawn(move || {
        let _ = io::copy(&mut from_client, &mut to_server);
        let _ = to_server.shutdown(Shutdown::Write);
    });
    let (mut from_server, mut to_client) = (server, client);
    let _ = io::copy(&mut from_server, &mut to_client);
    let _ = to_client.shutdown(Shutdown::Write);
    let _ = upstream.join();
    Ok(())
}

/// Answers a gRPC client by hand, in HTTP/2: its greeting read, ours (empty SETTINGS) sent, and
/// its first request answered UNAVAILABLE, naming the API's URL, in trailers only; then GOAWAY.
fn answer_grpc(mut client: TcpStream, api_url: &str) -> io::Result<()> {
    let frame = |kind: u8, flags: u8, stream: u32, payload: &[u8]| {
        let len = (payload.len() as u32).to_be_bytes();
        let mut frame = vec![len[1], len[2], len[3], kind, flags];
        frame.extend(stream.to_be_bytes());
        frame.extend(payload);
        frame
    };
    client.set_read_timeout(Some(std::time::Duration::from_secs(10)))?;
    let mut preface = [0; 24];
    client.read_exact(&mut preface)?;
    client.write_all(&frame(0x4, 0, 0, &[]))?;
    let stream = loop {
        let mut head = [0; 9];
        client.read_exact(&mut head)?;
        let len = u32::from_be_bytes([0, head[0], head[1], head[2]]) as usize;
        let mut payload = vec![0; len];
        client.read_exact(&mut payload)?;
        match head[3] {
            // HEADERS: a request, on this stream.
            0x1 => break u32::from_be_bytes([head[5], head[6], head[7], head[8]]) & 0x7fff_ffff,
            // SETTINGS (not an ack): acknowledged.
            0x4 if head[4] & 0x1 == 0 => client.write_all(&frame(0x4, 0x1, 0, &[]))?,
            _ => {}
        }
    };
    let message = format!(
        "this is the reference server's login pages port, not its gRPC API; the API is at {api_url}"
    );
    // HPACK literals without indexing, no Huffman: 0, then each string with its length.
    let mut block = Vec::new();
    let mut string = |text: &str| {
        let mut len = text.len();
        if len < 127 {
            block.push(len as u8);
        } else {
            block.push(127);
            len -= 127;
            while len >= 128 {
                block.push((len % 128) as u8 | 0x80);
                len /= 128;
            }
            block.push(len as u8);
        }
        block.extend(text.as_bytes());
    };
    for (name, value) in [
        (":status", "200"),
        ("content-type", "application/grpc"),
        ("grpc-status", "14"),
        ("grpc-message", message.as_str()),
    ] {
        string("");
        string(name);
        string(value);
    }
    // The empty string above stands for the 0 that starts each literal.
    client.write_all(&frame(0x1, 0x5, stream, &block))?;
    let mut goaway = stream.to_be_bytes().to_vec();
    goaway.extend(0u32.to_be_bytes());
    client.write_all(&frame(0x7, 0, 0, &goaway))?;
    let _ = client.shutdown(Shutdown::Write);
    // Read what the client still sends until it closes, so that it sees the answer.
    let _ = io::copy(&mut client, &mut io::sink());
    Ok(())
}

fn handle(shared: &Shared, mut request: Request) {
    let path = request.url().split('?').next().unwrap_or("").to_owned();
    let mut body = Vec::new();
    let _ = request.as_reader().take(MAX_BODY).read_to_end(&mut body);
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    let reply = match (request.method(), segments.as_slice()) {
        (Method::Get, [""]) => message(
            200,
            "Reference server",
            "This is modal-setup's stand-in for modal.com's login pages. Run `modal-setup setup` with MODAL_SERVER_URL pointing at its API.",
        ),
        (Method::Get, ["token-flow", id]) => flow_page(shared, &request, id),
        (Method::Post, ["signin"]) => sign_in(shared, &body),
        (Method::Post, ["token-flow", id, action @ ("approve" | "deny")]) => {
            decide(shared, &request, &body, id, *action == "approve")
        }
        _ => message(404, "Not found", "There is nothing here."),
    };
    let _ = request.respond(reply);
}

/// `GET /token-flow/{id}`: the sign-in page, or the approval page once signed in.
fn flow_page(shared: &Shared, request: &Request, flow_id: &str) -> Reply {
    let nonce = random::hex(16);
    let mut state = lock(&shared.state);
    let session_csrf = session(request).and_then(|id| state.sessions.get(&id).cloned());
    let Some(flow) = state.flows.get(flow_id) else {
        return message(
            404,
            "Unknown login",
            "This login link is not valid, or the login expired: start it again in your terminal.",
        );
    };
    if *flow.state.borrow() != FlowState::Pending || Instant::now() > flow.expires_at {
        return used_up();
    }
    let Some(csrf) = session_csrf else {
        let csrf = random::hex(16);
        state.sign_in_tokens.insert(csrf.clone());
        let next = format!("/token-flow/{flow_id}");
        return html_reply(
            200,
            pages::sign_in(&nonce, &csrf, &next, &shared.options.user),
        );
    };
    let page = pages::approve(
        &nonce,
        &pages::Approval {
            flow_id,
            csrf: &csrf,
            code: &flow.code,
            source: &flow.utm_source,
            localhost_port: flow.localhost_port,
            workspace: &shared.options.workspace,
            user: &shared.options.user,
        },
    );
    html_reply(200, page)
}

/// `POST /signin`: starts a session and goes back to the flow.
fn sign_in(shared: &Shared, body: &[u8]) -> Reply {
    let form = parse_form(body);
    let csrf = form.get("csrf").cloned().unwrap_or_default();
    let next = form.get("next").cloned().unwrap_or_default();
    let mut state = lock(&shared.state);
    if !state.sign_in_tokens.remove(&csrf) || !next.starts_with("/token-flow/") {
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

/// `POST /token-flow/{id}/approve` or `/deny`: checks the session and CSRF token. Approving
/// needs the loopback check: the page's (the `loopback` field holds what the CLI's loopback
/// answered), or, from a browser without script, the server's own.
fn decide(shared: &Shared, request: &Request, body: &[u8], flow_id: &str, approve: bool) -> Reply {
    let form = parse_form(body);
    let csrf_ok = {
        let state = lock(&shared.state);
        let expected = session(request).and_then(|id| state.sessions.get(&id).cloned());
        match (expected, form.get("csrf")) {
            (Some(expected), Some(sent)) => constant_time_eq(expected.as_bytes(), sent.as_bytes()),
            _ => false,
        }
    };
    if !csrf_ok {
        return message(
            403,
            "Refused",
            "The form expired or did not come from this page. Reload the page.",
        );
    }
    let pending = lock(&shared.state).flows.get(flow_id).is_some_and(|flow| {
        *flow.state.borrow() == FlowState::Pending && Instant::now() < flow.expires_at
    });
    if !pending {
        return used_up();
    }
    if !approve {
        return if lock(&shared.state).decide(flow_id, false, &shared.options) {
            message(
                200,
                "Login denied",
                "No token was created. You can close this page.",
            )
        } else {
            used_up()
        };
    }
    let checked = form.get("loopback").map(String::as_str).unwrap_or_default();
    let approved = if checked.is_empty() {
        shared.approve_after_loopback_check(flow_id)
    } else if checked == flow_id {
        if lock(&shared.state).decide(flow_id, true, &shared.options) {
            Ok(())
        } else {
            Err("the login was already used or has expired".into())
        }
    } else {
        Err("the modal-setup on this computer is running another login".into())
    };
    match approved {
        Ok(()) => message(
            200,
            "Login approved",
            "The new token is on its way to your terminal. You can close this page.",
        ),
        Err(why) => message(
            409,
            "Not approved",
            &format!("{why}. Run `modal-setup setup` again."),
        ),
    }
}

fn used_up() -> Reply {
    message(
        410,
        "Login finished",
        "This login was already used or has expired. Run `modal-setup setup` again.",
    )
}

/// The `session` cookie of a request.
fn session(request: &Request) -> Option<String> {
    let cookies = request
        .headers()
        .iter()
        .find(|h| h.field.equiv("Cookie"))
        .map(|h| h.value.as_str().to_owned())?;
    cookies
        .split(';')
        .filter_map(|c| c.trim().split_once('='))
        .find(|(name, _)| *name == "session")
        .map(|(_, value)| value.to_owned())
}

fn parse_form(body: &[u8]) -> HashMap<String, String> {
    form_urlencoded::parse(body).into_owned().collect()
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("headers built here are valid")
}

fn html_reply(status: u16, page: pages::Page) -> Reply {
    Response::from_data(page.html.into_bytes())
        .with_status_code(status)
        .with_header(header("Content-Type", "text/html; charset=utf-8"))
        .with_header(header("Content-Security-Policy", &page.csp))
        .with_header(header("Cache-Control", "no-store"))
        .with_header(header("Referrer-Policy", "no-referrer"))
        .with_header(header("X-Content-Type-Options", "nosniff"))
        .with_header(header("X-Frame-Options", "DENY"))
}

fn message(status: u16, title: &str, text: &str) -> Reply {
    html_reply(status, pages::message(&random::hex(16), title, text))
}
