//! The loopback callback server: it listens on 127.0.0.1 only, accepts exactly one valid
//! callback from the dashboard's page, and refuses everything else with a 4xx page while it
//! keeps waiting.

use std::io::Read;
use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use tiny_http::{Request, Response, Server};

use super::protocol::{ACCESS_DENIED, MAX_CALLBACK_BODY, field};
use crate::error::{Error, Result};
use crate::html;
use crate::http::{header, request_header};
use crate::random;
use crate::secret::{Secret, constant_time_eq};
use crate::token_format::{is_token_id, is_token_secret};

/// Requests handled at once; past that, 503 at once, so a flood cannot pile up threads here.
const MAX_IN_FLIGHT: usize = 32;
/// How often the wait loop wakes up to tick the spinner and check the deadline.
const TICK: Duration = Duration::from_millis(100);

/// What the callback must match; everything here comes from the CLI's own side.
#[derive(Debug)]
pub struct Expected {
    pub path: String,
    pub port: u16,
    pub state: Secret,
    pub flow_id: String,
    /// The dashboard's origin, e.g. `https://modal.com`: the only Origin header accepted.
    pub dashboard_origin: String,
}

/// The parts of an HTTP request the judge looks at.
#[derive(Debug, Clone, Copy)]
pub struct Incoming<'a> {
    pub method: &'a str,
    /// The request target exactly as sent (no decoding).
    pub target: &'a str,
    pub host: Option<&'a str>,
    pub origin: Option<&'a str>,
    pub content_type: Option<&'a str>,
    pub body: &'a [u8],
}

/// The token pair the dashboard handed over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Approval {
    pub token_id: String,
    pub token_secret: Secret,
    pub workspace: Option<String>,
}

/// What to do with a request.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    Approved(Approval),
    /// An authentic answer (state and flow matched) that says no.
    Denied {
        error: String,
    },
    /// An authentic answer that is broken: the flow cannot succeed.
    Broken {
        reason: String,
    },
    /// Not the callback: answer `status` and keep waiting.
    Refused {
        status: u16,
        reason: &'static str,
    },
}

impl Verdict {
    fn refused(status: u16, reason: &'static str) -> Self {
        Self::Refused { status, reason }
    }
}

/// Judges one request against what the flow expects. Pure, so that it can be tested with any
/// bytes.
pub fn judge(expected: &Expected, request: &Incoming<'_>) -> Verdict {
    if request.target != expected.path {
        return Verdict::refused(404, "not found");
    }
    if request.method != "POST" {
        return Verdict::refused(405, "only POST is accepted here");
    }
    let host_ok = request.host.is_some_and(|host| {
        host == format!("127.0.0.1:{}", expected.port)
            || host.eq_ignore_ascii_case(&format!("localhost:{}", expected.port))
    });
    if !host_ok {
        return Verdict::refused(421, "wrong Host header");
    }
    if let Some(origin) = request.origin
        && !origin.eq_ignore_ascii_case(&expected.dashboard_origin)
    {
        return Verdict::refused(403, "this origin may not post here");
    }
    let media_type = request
        .content_type
        .and_then(|ct| ct.split(';').next())
        .map(str::trim);
    if !media_type.is_some_and(|mt| mt.eq_ignore_ascii_case("application/x-www-form-urlencoded")) {
        return Verdict::refused(415, "expected a form post");
    }
    if request.body.len() > MAX_CALLBACK_BODY {
        return Verdict::refused(413, "body too large");
    }
    let mut fields: Vec<(String, String)> = Vec::new();
    for (key, value) in form_urlencoded::parse(request.body) {
        if fields.iter().any(|(k, _)| *k == key) {
            return Verdict::refused(400, "a field appears twice");
        }
        fields.push((key.into_owned(), value.into_owned()));
    }
    let get = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let (Some(state), Some(flow_id)) = (get(field::STATE), get(field::FLOW_ID)) else {
        return Verdict::refused(400, "missing state or flow_id");
    };
    if !constant_time_eq(state.as_bytes(), expected.state.expose().as_bytes()) {
        return Verdict::refused(403, "state does not match");
    }
    if flow_id != expected.flow_id {
        return Verdict::refused(403, "flow_id does not match");
    }
    if let Some(error) = get(field::ERROR) {
        return Verdict::Denied {
            error: error.chars().take(64).collect(),
        };
    }
    match (get(field::TOKEN_ID), get(field::TOKEN_SECRET)) {
        (Some(id), Some(secret)) if is_token_id(id) && is_token_secret(secret) => {
            Verdict::Approved(Approval {
                token_id: id.to_owned(),
                token_secret: Secret::new(secret),
                workspace: get(field::WORKSPACE)
                    .filter(|w| !w.is_empty())
                    .map(str::to_owned),
            })
        }
        _ => Verdict::Broken {
            reason: "the dashboard's answer holds no valid token id and secret".into(),
        },
    }
}

/// How a flow ended, from the server's side.
#[derive(Debug)]
pub enum Outcome {
    Approved(Approval),
    Denied { error: String },
}

/// The listening callback server.
pub struct CallbackServer {
    server: Arc<Server>,
    port: u16,
    path: String,
    state: Secret,
}

impl CallbackServer {
    /// Binds 127.0.0.1 (never another interface) on `port`, or on a free one.
    pub fn bind(port: Option<u16>) -> Result<Self> {
        let port = port.unwrap_or(0);
        let listener = TcpListener::bind(("127.0.0.1", port)).map_err(|e| Error::Bind {
            port,
            cause: e.to_string(),
        })?;
        let port = listener
            .local_addr()
            .map_err(|e| Error::Bind {
                port,
                cause: e.to_string(),
            })?
            .port();
        let server = Server::from_listener(listener, None).map_err(|e| Error::Bind {
            port,
            cause: e.to_string(),
        })?;
        Ok(Self {
            server: Arc::new(server),
            port,
            path: format!("/callback/{}", random::hex(16)),
            state: Secret::new(random::hex(32)),
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn callback_url(&self) -> String {
        format!("http://127.0.0.1:{}{}", self.port, self.path)
    }

    /// The state to send to the server; it must come back with the callback.
    pub fn state(&self) -> &Secret {
        &self.state
    }

    /// Waits for the valid callback until `deadline`, calling `tick` with the time left about
    /// ten times a second. The socket closes when this returns.
    pub fn wait(
        self,
        flow_id: &str,
        dashboard_origin: &str,
        deadline: Instant,
        mut tick: impl FnMut(Duration),
    ) -> Result<Option<Outcome>> {
        let expected = Arc::new(Expected {
            path: self.path.clone(),
            port: self.port,
            state: self.state.clone(),
            flow_id: flow_id.to_owned(),
            dashboard_origin: dashboard_origin.to_owned(),
        });
        let (sender, receiver) = mpsc::channel::<Result<Outcome>>();
        let in_flight = Arc::new(AtomicUsize::new(0));
        loop {
            if let Ok(result) = receiver.try_recv() {
                return result.map(Some);
            }
            let now = Instant::now();
            if now >= deadline {
                return Ok(None);
            }
            tick(deadline - now);
            let request = match self.server.recv_timeout(TICK.min(deadline - now)) {
                Ok(Some(request)) => request,
                Ok(None) => continue,
                Err(e) => {
                    return Err(Error::Bind {
                        port: self.port,
                        cause: e.to_string(),
                    });
                }
            };
            if in_flight.fetch_add(1, Ordering::SeqCst) >= MAX_IN_FLIGHT {
                in_flight.fetch_sub(1, Ordering::SeqCst);
                let _ = request.respond(page(503, "Busy", "Too many requests at once."));
                continue;
            }
            let expected = Arc::clone(&expected);
            let sender = sender.clone();
            let in_flight = Arc::clone(&in_flight);
            let server = Arc::clone(&self.server);
            // A slow client blocks only its own thread, never the wait loop.
            std::thread::spawn(move || {
                if let Some(result) = handle(&expected, request) {
                    let _ = sender.send(result);
                    // Wake the wait loop now rather than at its next tick.
                    server.unblock();
                }
                in_flight.fetch_sub(1, Ordering::SeqCst);
            });
        }
    }
}

/// Answers one request; `Some` when it ends the flow.
fn handle(expected: &Expected, mut request: Request) -> Option<Result<Outcome>> {
    let header = |name: &str| request_header(&request, name);
    let host = header("Host");
    let origin = header("Origin");
    let content_type = header("Content-Type");
    let declared_length = header("Content-Length").and_then(|l| l.trim().parse::<usize>().ok());
    let method = request.method().as_str().to_owned();
    let target = request.url().to_owned();

    let mut body = Vec::new();
    // Read the body only for the exact path, and never more than the limit (+1 to notice).
    if target == expected.path
        && method == "POST"
        && declared_length.is_none_or(|l| l <= MAX_CALLBACK_BODY)
    {
        let _ = request
            .as_reader()
            .take(MAX_CALLBACK_BODY as u64 + 1)
            .read_to_end(&mut body);
    } else if declared_length.is_some_and(|l| l > MAX_CALLBACK_BODY) {
        body = vec![0; MAX_CALLBACK_BODY + 1];
    }
    let incoming = Incoming {
        method: &method,
        target: &target,
        host: host.as_deref(),
        origin: origin.as_deref(),
        content_type: content_type.as_deref(),
        body: &body,
    };
    match judge(expected, &incoming) {
        Verdict::Refused { status, reason } => {
            let _ = request.respond(page(status, "Not accepted", reason));
            None
        }
        Verdict::Approved(approval) => {
            let _ = request.respond(page(
                200,
                "Login received",
                "modal-setup received your token. You can close this tab and return to your terminal.",
            ));
            Some(Ok(Outcome::Approved(approval)))
        }
        Verdict::Denied { error } => {
            let message = if error == ACCESS_DENIED {
                "You denied the login. Nothing was written; return to your terminal."
            } else {
                "The login did not succeed. Return to your terminal."
            };
            let _ = request.respond(page(200, "Login denied", message));
            Some(Ok(Outcome::Denied { error }))
        }
        Verdict::Broken { reason } => {
            let _ = request.respond(page(400, "Login failed", &reason));
            Some(Err(Error::FlowFailed { reason }))
        }
    }
}

type Page = Response<std::io::Cursor<Vec<u8>>>;

/// A self-contained page: no outside assets, no script, nothing cached, no referrer, no CORS.
fn page(status: u16, title: &str, message: &str) -> Page {
    let nonce = random::hex(16);
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title} · modal-setup</title>\
<style nonce=\"{nonce}\">body{{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#222}}h1{{font-size:1.4rem}}</style>\
</head><body><h1>{title}</h1><p>{message}</p></body></html>",
        title = html::escape(title),
        message = html::escape(message),
    );
    let csp = format!(
        "default-src 'none'; style-src 'nonce-{nonce}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    );
    Response::from_data(html.into_bytes())
        .with_status_code(status)
        .with_header(header("Content-Type", "text/html; charset=utf-8"))
        .with_header(header("Cache-Control", "no-store"))
        .with_header(header("Referrer-Policy", "no-referrer"))
        .with_header(header("X-Content-Type-Options", "nosniff"))
        .with_header(header("Content-Security-Policy", &csp))
        .with_header(header("Connection", "close"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expected() -> Expected {
        Expected {
            path: "/callback/abc".into(),
            port: 4000,
            state: Secret::new("s".repeat(64)),
            flow_id: "fl-1".into(),
            dashboard_origin: "http://127.0.0.1:9000".into(),
        }
    }

    fn body(state: &str) -> String {
        format!("flow_id=fl-1&state={state}&token_id=ak-1&token_secret=as-1&workspace=ws")
    }

    fn post<'a>(body: &'a str) -> Incoming<'a> {
        Incoming {
            method: "POST",
            target: "/callback/abc",
            host: Some("127.0.0.1:4000"),
            origin: Some("http://127.0.0.1:9000"),
            content_type: Some("application/x-www-form-urlencoded"),
            body: body.as_bytes(),
        }
    }

    fn status(verdict: Verdict) -> u16 {
        match verdict {
            Verdict::Refused { status, .. } => status,
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn accepts_the_real_callback() {
        let good = body(&"s".repeat(64));
        let Verdict::Approved(approval) = judge(&expected(), &post(&good)) else {
            panic!()
        };
        assert_eq!(approval.token_id, "ak-1");
        assert_eq!(approval.token_secret.expose(), "as-1");
        assert_eq!(approval.workspace.as_deref(), Some("ws"));
        // No Origin (some browsers omit it) and localhost are fine too.
        let request = Incoming {
            origin: None,
            host: Some("LOCALHOST:4000"),
            ..post(&good)
        };
        assert!(matches!(judge(&expected(), &request), Verdict::Approved(_)));
        let charset = Incoming {
            content_type: Some("application/x-www-form-urlencoded; charset=UTF-8"),
            ..post(&good)
        };
        assert!(matches!(judge(&expected(), &charset), Verdict::Approved(_)));
    }

    #[test]
    fn refuses_everything_else() {
        let good = body(&"s".repeat(64));
        let e = expected();
        let big = format!("{good}&pad={}", "x".repeat(MAX_CALLBACK_BODY));
        let wrong_state = body("wrong");
        let wrong_case_state = body(&"S".repeat(64));
        let other_flow = good.replace("fl-1", "fl-2");
        let duplicated = format!("{good}&state=x");
        let base = post(&good);
        let cases: Vec<(Incoming<'_>, u16)> = vec![
            (
                Incoming {
                    target: "/callback/abd",
                    ..base
                },
                404,
            ),
            (
                Incoming {
                    target: "/callback/abc?x=1",
                    ..base
                },
                404,
            ),
            (
                Incoming {
                    target: "/callback/%61bc",
                    ..base
                },
                404,
            ),
            (
                Incoming {
                    target: "/favicon.ico",
                    method: "GET",
                    ..base
                },
                404,
            ),
            (
                Incoming {
                    method: "GET",
                    ..base
                },
                405,
            ),
            (
                Incoming {
                    host: Some("evil.example:4000"),
                    ..base
                },
                421,
            ),
            (
                Incoming {
                    host: Some("127.0.0.1:4001"),
                    ..base
                },
                421,
            ),
            (Incoming { host: None, ..base }, 421),
            (
                Incoming {
                    origin: Some("https://evil.example"),
                    ..base
                },
                403,
            ),
            (
                Incoming {
                    origin: Some("null"),
                    ..base
                },
                403,
            ),
            (
                Incoming {
                    content_type: Some("application/json"),
                    ..base
                },
                415,
            ),
            (
                Incoming {
                    content_type: None,
                    ..base
                },
                415,
            ),
            (post(&big), 413),
            (post(&wrong_state), 403),
            (post(&wrong_case_state), 403),
            (post("token_id=ak-1&token_secret=as-1"), 400),
            (post(&other_flow), 403),
            (post(&duplicated), 400),
        ];
        for (request, expected_status) in cases {
            assert_eq!(status(judge(&e, &request)), expected_status, "{request:?}");
        }
    }

    #[test]
    fn denial_and_broken_answers_end_the_flow() {
        let state = "s".repeat(64);
        let denied = format!("flow_id=fl-1&state={state}&error=access_denied");
        assert_eq!(
            judge(&expected(), &post(&denied)),
            Verdict::Denied {
                error: "access_denied".into()
            }
        );
        let broken = format!("flow_id=fl-1&state={state}&token_id=ak-1&token_secret=nope");
        assert!(matches!(
            judge(&expected(), &post(&broken)),
            Verdict::Broken { .. }
        ));
    }
}
