//! The client for Modal's HTTP API as the reference dashboard serves it (docs/protocol.md).

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::flow::protocol::{CreateFlow, Flow};
use crate::secret::Secret;

/// Header carrying the token id.
pub const TOKEN_ID_HEADER: &str = "x-modal-token-id";
/// Header carrying the token secret.
pub const TOKEN_SECRET_HEADER: &str = "x-modal-token-secret";

const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// What `GET /v1/whoami` says about a token.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
pub struct WhoAmI {
    pub token_id: String,
    pub workspace: String,
    #[serde(default)]
    pub user: Option<String>,
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default)]
    pub expires_at: Option<String>,
}

#[derive(Deserialize)]
struct ErrorBody {
    error: String,
}

/// A client for one server.
pub struct Api {
    http: reqwest::blocking::Client,
    server_url: String,
}

impl Api {
    pub fn new(server_url: &str) -> Result<Self> {
        let server_url = server_url.trim_end_matches('/').to_owned();
        let mut builder = reqwest::blocking::Client::builder()
            .user_agent(concat!("modal-setup/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(REQUEST_TIMEOUT);
        // Loopback is never sent through HTTP(S)_PROXY.
        if is_loopback(&server_url) {
            builder = builder.no_proxy();
        }
        let http = builder.build().map_err(|e| Error::Unreachable {
            url: server_url.clone(),
            cause: error_chain(&e),
            skippable: false,
        })?;
        Ok(Self { http, server_url })
    }

    pub fn server_url(&self) -> &str {
        &self.server_url
    }

    /// Asks the server who owns this token. 401/403 become [`Error::Rejected`].
    pub fn whoami(&self, token_id: &str, token_secret: &Secret) -> Result<WhoAmI> {
        let url = format!("{}/v1/whoami", self.server_url);
        let response = self
            .http
            .get(&url)
            .header(TOKEN_ID_HEADER, token_id)
            .header(TOKEN_SECRET_HEADER, token_secret.expose())
            .send()
            .map_err(|e| Error::Unreachable {
                url: url.clone(),
                cause: error_chain(&e),
                skippable: true,
            })?;
        let status = response.status().as_u16();
        let body = response.text().unwrap_or_default();
        match status {
            200 => serde_json::from_str(&body).map_err(|e| Error::Server {
                url,
                status,
                message: format!("unexpected answer: {e}"),
            }),
            401 | 403 => Err(Error::Rejected {
                server_url: self.server_url.clone(),
                status,
                message: error_message(&body),
            }),
            _ => Err(Error::Server {
                url,
                status,
                message: error_message(&body),
            }),
        }
    }
}

impl Api {
    /// Starts a token flow: `POST /v1/token-flows`, answered 201 with the flow.
    pub fn create_flow(&self, request: &CreateFlow) -> Result<Flow> {
        let url = format!("{}/v1/token-flows", self.server_url);
        let response =
            self.http
                .post(&url)
                .json(request)
                .send()
                .map_err(|e| Error::Unreachable {
                    url: url.clone(),
                    cause: error_chain(&e),
                    skippable: false,
                })?;
        let status = response.status().as_u16();
        let body = response.text().unwrap_or_default();
        if status != 201 {
            return Err(Error::Server {
                url,
                status,
                message: error_message(&body),
            });
        }
        serde_json::from_str(&body).map_err(|e| Error::Server {
            url,
            status,
            message: format!("unexpected answer: {e}"),
        })
    }
}

/// The `error` field of a JSON error body, else the start of the body.
fn error_message(body: &str) -> String {
    serde_json::from_str::<ErrorBody>(body)
        .map(|b| b.error)
        .unwrap_or_else(|_| body.chars().take(200).collect::<String>().trim().to_owned())
}

/// reqwest's message with its causes ("error sending request: connection refused").
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

fn is_loopback(url: &str) -> bool {
    let host = url
        .split_once("://")
        .map_or(url, |(_, rest)| rest)
        .split(['/', '?'])
        .next()
        .unwrap_or("");
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    let host = if host.starts_with('[') {
        host.split(']').next().unwrap_or("").trim_start_matches('[')
    } else {
        host.split(':').next().unwrap_or("")
    };
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_hosts() {
        assert!(is_loopback("http://127.0.0.1:8080"));
        assert!(is_loopback("http://127.5.0.1/x"));
        assert!(is_loopback("http://[::1]:80/"));
        assert!(is_loopback("http://LOCALHOST:1"));
        assert!(!is_loopback("https://api.modal.com"));
        assert!(!is_loopback("http://127.0.0.1.evil.example"));
    }
}
