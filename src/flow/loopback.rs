//! The loopback server of a login, as Modal's client runs it: `GET /` (and `HEAD /`) answers the
//! token flow's id as text, with `Access-Control-Allow-Origin: *`, so that the login page can
//! check that the CLI that started the flow runs on the machine of the browser. The token never
//! comes this way: it arrives through TokenFlowWait.
//!
//! Beyond Modal's: it listens on 127.0.0.1 and ::1 only (never every interface), answers CORS
//! and Private Network Access preflights so a page on https://modal.com may fetch it, checks
//! the Host header, and closes when the flow ends. Everything else is 404 or 405.

use std::net::{Ipv6Addr, SocketAddr};
use std::sync::{Arc, OnceLock};
use std::thread::JoinHandle;

use tiny_http::{Header, Method, Request, Response, Server};

use crate::error::{Error, Result};

/// The loopback server; it stops when dropped.
pub struct Loopback {
    port: u16,
    servers: Vec<Arc<Server>>,
    threads: Vec<JoinHandle<()>>,
    flow_id: Arc<OnceLock<String>>,
}

impl Loopback {
    /// Listens on 127.0.0.1:`port` (a free port when `None`), and on [::1] at the same port
    /// where IPv6 is available.
    pub fn bind(port: Option<u16>) -> Result<Self> {
        let wanted = port.unwrap_or(0);
        let bind_error = |cause: Box<dyn std::error::Error + Send + Sync>| Error::Bind {
            port: wanted,
            cause,
        };
        crate::platform::raise_open_file_limit();
        let v4 = Server::http(("127.0.0.1", wanted)).map_err(bind_error)?;
        let port = v4
            .server_addr()
            .to_ip()
            .map(|a| a.port())
            .ok_or_else(|| bind_error("not an IP socket".into()))?;
        let mut servers = vec![Arc::new(v4)];
        // Browsers resolve `localhost` to ::1 as often as to 127.0.0.1. Without IPv6 (or with
        // the port taken there by someone else), 127.0.0.1 alone still serves.
        if let Ok(v6) = Server::http(SocketAddr::from((Ipv6Addr::LOCALHOST, port))) {
            servers.push(Arc::new(v6));
        }
        let flow_id = Arc::new(OnceLock::new());
        let threads = servers
            .iter()
            .map(|server| {
                let server = Arc::clone(server);
                let flow_id = Arc::clone(&flow_id);
                std::thread::Builder::new()
                    .name("loopback".into())
                    .spawn(move || {
                        // Answers are a few bytes and need no body: one thread serves them all.
                        for request in server.incoming_requests() {
                            respond(request, port, flow_id.get().map(String::as_str));
                        }
                    })
                    .map_err(|e| bind_error(e.into()))
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Self {
            port,
            servers,
            threads,
            flow_id,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Whether it listens on [::1] too.
    pub fn ipv6(&self) -> bool {
        self.servers.len() > 1
    }

    /// From now on `GET /` answers this flow id (until then, 503).
    pub fn serve(&self, token_flow_id: &str) {
        let _ = self.flow_id.set(token_flow_id.to_owned());
    }
}

impl Drop for Loopback {
    fn drop(&mut self) {
        for server in &self.servers {
            server.unblock();
        }
        for thread in self.threads.drain(..) {
            let _ = thread.join();
        }
    }
}

/// An answer: status, body, headers.
#[derive(Debug, PartialEq, Eq)]
pub struct Answer {
    pub status: u16,
    pub body: String,
    pub headers: Vec<(&'static str, String)>,
}

/// The parts of a request the answer depends on.
#[derive(Debug, Clone, Copy, Default)]
pub struct Asked<'a> {
    pub method: &'a str,
    pub target: &'a str,
    pub host: Option<&'a str>,
    /// `Access-Control-Request-Private-Network` of a preflight.
    pub private_network: Option<&'a str>,
}

impl Answer {
    fn text(status: u16, body: &str) -> Self {
        Self {
            status,
            body: body.to_owned(),
            headers: vec![("Content-Type", "text/plain; charset=utf-8".to_owned())],
        }
    }

    fn with(mut self, name: &'static str, value: &str) -> Self {
        self.headers.push((name, value.to_owned()));
        self
    }
}

/// What to answer. Pure, so that it can be tested with any request.
pub fn answer(asked: &Asked<'_>, port: u16, flow_id: Option<&str>) -> Answer {
    let host_ok = asked.host.is_some_and(|host| {
        [
            format!("127.0.0.1:{port}"),
            format!("localhost:{port}"),
            format!("[::1]:{port}"),
        ]
        .iter()
        .any(|allowed| host.eq_ignore_ascii_case(allowed))
    });
    if !host_ok {
        return Answer::text(421, "wrong Host header\n");
    }
    let path = asked.target.split('?').next().unwrap_or_default();
    if path != "/" {
        return Answer::text(404, "not found\n");
    }
    match (asked.method, flow_id) {
        ("GET" | "HEAD", Some(id)) => Answer::text(200, id)
            .with("Access-Control-Allow-Origin", "*")
            .with("Cache-Control", "no-store"),
        ("GET" | "HEAD", None) => {
            Answer::text(503, "the login is starting; try again\n").with("Retry-After", "1")
        }
        ("OPTIONS", _) => {
            let preflight = Answer::text(204, "")
                .with("Access-Control-Allow-Origin", "*")
                .with("Access-Control-Allow-Methods", "GET, HEAD")
                .with("Access-Control-Max-Age", "600");
            let private_network = asked
                .private_network
                .is_some_and(|v| v.eq_ignore_ascii_case("true"));
            if private_network {
                preflight.with("Access-Control-Allow-Private-Network", "true")
            } else {
                preflight
            }
        }
        _ => Answer::text(405, "only GET, HEAD and OPTIONS\n").with("Allow", "GET, HEAD, OPTIONS"),
    }
}

fn respond(request: Request, port: u16, flow_id: Option<&str>) {
    let method = match request.method() {
        Method::Get => "GET",
        Method::Head => "HEAD",
        Method::Options => "OPTIONS",
        _ => "OTHER",
    };
    let host = request_header(&request, "Host");
    let private_network = request_header(&request, "Access-Control-Request-Private-Network");
    let answer = answer(
        &Asked {
            method,
            target: request.url(),
            host: host.as_deref(),
            private_network: private_network.as_deref(),
        },
        port,
        flow_id,
    );
    let mut response = Response::from_string(answer.body).with_status_code(answer.status);
    for (name, value) in &answer.headers {
        response.add_header(header(name, value));
    }
    // A request with a body the server did not read must not keep the connection.
    if method == "OTHER" {
        response.add_header(header("Connection", "close"));
    }
    let _ = request.respond(response);
}

/// The value of a request header, matched without regard to case.
pub fn request_header(request: &Request, name: &str) -> Option<String> {
    request
        .headers()
        .iter()
        .find(|h| h.field.as_str().as_str().eq_ignore_ascii_case(name))
        .map(|h| h.value.as_str().to_owned())
}

/// A response header built from text this crate writes itself.
pub fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("headers built here are valid")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn asked<'a>(method: &'a str, target: &'a str, host: &'a str) -> Asked<'a> {
        Asked {
            method,
            target,
            host: Some(host),
            private_network: None,
        }
    }

    #[test]
    fn get_answers_the_flow_id_to_any_origin() {
        for host in [
            "127.0.0.1:4000",
            "localhost:4000",
            "[::1]:4000",
            "LOCALHOST:4000",
        ] {
            let answer = answer(&asked("GET", "/", host), 4000, Some("tf-abc"));
            assert_eq!(answer.status, 200, "{host}");
            assert_eq!(answer.body, "tf-abc");
            assert!(
                answer
                    .headers
                    .contains(&("Access-Control-Allow-Origin", "*".into()))
            );
        }
        let head = answer(
            &asked("HEAD", "/?x=1", "127.0.0.1:4000"),
            4000,
            Some("tf-abc"),
        );
        assert_eq!(head.status, 200);
    }

    #[test]
    fn everything_else_is_refused() {
        let flow = Some("tf-abc");
        assert_eq!(
            answer(&asked("GET", "/", "127.0.0.1:4000"), 4000, None).status,
            503
        );
        assert_eq!(
            answer(&asked("GET", "/x", "127.0.0.1:4000"), 4000, flow).status,
            404
        );
        assert_eq!(
            answer(&asked("POST", "/", "127.0.0.1:4000"), 4000, flow).status,
            405
        );
        assert_eq!(
            answer(&asked("OTHER", "/", "127.0.0.1:4000"), 4000, flow).status,
            405
        );
        for host in ["evil.example:4000", "127.0.0.1:4001", "127.0.0.1"] {
            assert_eq!(
                answer(&asked("GET", "/", host), 4000, flow).status,
                421,
                "{host}"
            );
        }
        let no_host = Asked {
            host: None,
            ..asked("GET", "/", "")
        };
        assert_eq!(answer(&no_host, 4000, flow).status, 421);
    }

    #[test]
    fn preflights_allow_private_network_access() {
        let preflight = Asked {
            private_network: Some("true"),
            ..asked("OPTIONS", "/", "localhost:4000")
        };
        let answer = answer(&preflight, 4000, Some("tf-abc"));
        assert_eq!(answer.status, 204);
        assert!(
            answer
                .headers
                .contains(&("Access-Control-Allow-Private-Network", "true".into()))
        );
        assert!(answer.body.is_empty(), "a preflight never carries the id");
    }
}
