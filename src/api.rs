//! The client for Modal's HTTP API as the reference dashboard serves it (docs/protocol.md).
//! Every failure becomes one error that says what happened and what to do.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::config::resolve::Sourced;
use crate::env::{HTTP_PROXY_VARIABLES, HTTPS_PROXY_VARIABLES};
use crate::error::{Error, NetFailure, Result};
use crate::flow::protocol::{CreateFlow, Flow};
use crate::secret::Secret;

/// Header carrying the token id.
pub const TOKEN_ID_HEADER: &str = "x-modal-token-id";
/// Header carrying the token secret.
pub const TOKEN_SECRET_HEADER: &str = "x-modal-token-secret";

/// How long a request may take by default (MODAL_SETUP_HTTP_TIMEOUT changes it).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

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
    /// Where the server URL came from, for error messages.
    source: String,
    timeout: Duration,
}

impl Api {
    pub fn new(server_url: &Sourced<String>, timeout: Duration) -> Result<Self> {
        let url = server_url.value.trim_end_matches('/').to_owned();
        let mut builder = reqwest::blocking::Client::builder()
            .user_agent(concat!("modal-setup/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(timeout)
            .timeout(timeout);
        // Loopback is never sent through HTTP(S)_PROXY.
        if is_loopback(&url) {
            builder = builder.no_proxy();
        }
        let source = server_url.origin.to_string();
        let http = builder.build().map_err(|e| Error::Unreachable {
            url: url.clone(),
            cause: error_chain(&e),
            failure: NetFailure::Other,
            server_source: source.clone(),
            skippable: false,
        })?;
        Ok(Self {
            http,
            server_url: url,
            source,
            timeout,
        })
    }

    pub fn server_url(&self) -> &str {
        &self.server_url
    }

    /// Asks the server who owns this token. 401/403 become [`Error::Rejected`].
    pub fn whoami(&self, token_id: &str, token_secret: &Secret) -> Result<WhoAmI> {
        let url = format!("{}/v1/whoami", self.server_url);
        let request = authenticated(self.http.get(&url), token_id, token_secret);
        let (status, body) = self.send(request, &url, true)?;
        match status {
            200 => self.parse(&url, status, &body),
            _ => Err(self.failure(url, status, &body)),
        }
    }

    /// Starts a token flow: `POST /v1/token-flows`, answered 201 with the flow.
    pub fn create_flow(&self, request: &CreateFlow) -> Result<Flow> {
        let url = format!("{}/v1/token-flows", self.server_url);
        let (status, body) = self.send(self.http.post(&url).json(request), &url, false)?;
        match status {
            201 => self.parse(&url, status, &body),
            _ => Err(self.failure(url, status, &body)),
        }
    }

    /// Revokes `target` (`DELETE /v1/tokens/{id}`), authenticated by a token of the same
    /// workspace.
    pub fn revoke(&self, token_id: &str, token_secret: &Secret, target: &str) -> Result<()> {
        let url = format!("{}/v1/tokens/{target}", self.server_url);
        let request = authenticated(self.http.delete(&url), token_id, token_secret);
        let (status, body) = self.send(request, &url, false)?;
        match status {
            200 | 204 => Ok(()),
            _ => Err(self.failure(url, status, &body)),
        }
    }

    fn send(
        &self,
        request: reqwest::blocking::RequestBuilder,
        url: &str,
        skippable: bool,
    ) -> Result<(u16, String)> {
        let response = request
            .send()
            .map_err(|e| self.network_error(url, &e, skippable))?;
        let status = response.status().as_u16();
        let body = response
            .text()
            .map_err(|e| self.network_error(url, &e, skippable))?;
        Ok((status, body))
    }

    fn parse<T: serde::de::DeserializeOwned>(
        &self,
        url: &str,
        status: u16,
        body: &str,
    ) -> Result<T> {
        serde_json::from_str(body).map_err(|e| Error::Server {
            url: url.to_owned(),
            status,
            message: format!("unexpected answer: {e}"),
            server_source: self.source.clone(),
        })
    }

    fn failure(&self, url: String, status: u16, body: &str) -> Error {
        let message = error_message(body);
        match status {
            401 | 403 => Error::Rejected {
                server_url: self.server_url.clone(),
                status,
                message,
            },
            _ => Error::Server {
                url,
                status,
                message,
                server_source: self.source.clone(),
            },
        }
    }

    fn network_error(&self, url: &str, error: &reqwest::Error, skippable: bool) -> Error {
        let cause = error_chain(error);
        let lower = cause.to_ascii_lowercase();
        let failure = if error.is_timeout() {
            NetFailure::Timeout(self.timeout.as_secs())
        } else if [
            "certificate",
            "tls",
            "handshake",
            "corrupt message",
            "invalidcontenttype",
        ]
        .iter()
        .any(|word| lower.contains(word))
        {
            NetFailure::Tls
        } else if let Some(proxy) = proxy_for(url) {
            NetFailure::Proxy(proxy)
        } else if error.is_connect() {
            NetFailure::Connect
        } else {
            NetFailure::Other
        };
        Error::Unreachable {
            url: url.to_owned(),
            cause,
            failure,
            server_source: self.source.clone(),
            skippable,
        }
    }
}

fn authenticated(
    request: reqwest::blocking::RequestBuilder,
    token_id: &str,
    token_secret: &Secret,
) -> reqwest::blocking::RequestBuilder {
    request
        .header(TOKEN_ID_HEADER, token_id)
        .header(TOKEN_SECRET_HEADER, token_secret.expose())
}

/// The proxy variable a request to `url` goes through, when one is set and applies.
fn proxy_for(url: &str) -> Option<String> {
    if is_loopback(url) {
        return None;
    }
    let names = if url.starts_with("https://") {
        HTTPS_PROXY_VARIABLES
    } else {
        HTTP_PROXY_VARIABLES
    };
    names
        .iter()
        .find(|name| std::env::var_os(name).is_some_and(|v| !v.is_empty()))
        .map(|name| (*name).to_owned())
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
