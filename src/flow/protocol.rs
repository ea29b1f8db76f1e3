//! The wire types of the token flow (docs/protocol.md), shared by the CLI and the reference
//! dashboard.

use serde::{Deserialize, Serialize};

/// `POST /v1/token-flows` request body.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct CreateFlow {
    /// `http://127.0.0.1:PORT/callback/<random>`.
    pub callback_url: String,
    /// At least 256 random bits; echoed back to the callback.
    pub state: String,
    /// The machine's hostname, shown on the approval page.
    pub device_name: String,
    /// `modal-setup/VERSION`.
    pub client: String,
}

/// `POST /v1/token-flows` answer (201).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Flow {
    pub flow_id: String,
    /// The page the user approves the login on.
    pub web_url: String,
    /// The pairing code shown by both the CLI and the page.
    pub code: String,
    /// Seconds until the flow expires.
    pub expires_in: u64,
}

/// The form fields the dashboard's page posts to the callback URL.
pub mod field {
    pub const FLOW_ID: &str = "flow_id";
    pub const STATE: &str = "state";
    pub const TOKEN_ID: &str = "token_id";
    pub const TOKEN_SECRET: &str = "token_secret";
    pub const WORKSPACE: &str = "workspace";
    pub const ERROR: &str = "error";
}

/// The `error` value of a denied flow.
pub const ACCESS_DENIED: &str = "access_denied";

/// The largest callback body accepted.
pub const MAX_CALLBACK_BODY: usize = 16 * 1024;

/// Whether `url` is `http://` on 127.0.0.1, [::1] or localhost, with a port: the only callback
/// URLs the dashboard accepts.
pub fn is_loopback_callback(url: &str) -> bool {
    let Some(rest) = url.strip_prefix("http://") else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    if authority.contains('@') {
        return false;
    }
    let (host, port) = match authority.rsplit_once(':') {
        Some((host, port)) => (host, port),
        None => return false,
    };
    let port_ok = !port.is_empty()
        && port.bytes().all(|b| b.is_ascii_digit())
        && port.parse::<u16>().is_ok_and(|p| p != 0);
    port_ok && matches!(host, "127.0.0.1" | "[::1]" | "localhost")
}

/// The origin (`scheme://host[:port]`) of a URL, lowercased, as a browser sends it.
pub fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    if authority.is_empty() {
        return None;
    }
    Some(format!(
        "{}://{}",
        scheme.to_ascii_lowercase(),
        authority.to_ascii_lowercase()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_http_callbacks() {
        for ok in [
            "http://127.0.0.1:4000/callback/x",
            "http://[::1]:1/",
            "http://localhost:65535/cb",
        ] {
            assert!(is_loopback_callback(ok), "{ok}");
        }
        for bad in [
            "https://127.0.0.1:4000/callback/x",
            "http://127.0.0.1/callback",
            "http://127.0.0.1:0/x",
            "http://0.0.0.0:4000/x",
            "http://10.0.0.1:4000/x",
            "http://127.0.0.1.evil.example:4000/x",
            "http://evil.example@127.0.0.1:4000/x",
            "http://localhost.:4000/x",
            "http://127.0.0.1:99999/x",
            "ftp://127.0.0.1:21/",
        ] {
            assert!(!is_loopback_callback(bad), "{bad}");
        }
    }

    #[test]
    fn origins() {
        assert_eq!(
            origin_of("http://127.0.0.1:8080/flows/x?y").as_deref(),
            Some("http://127.0.0.1:8080")
        );
        assert_eq!(
            origin_of("HTTPS://Modal.com/x").as_deref(),
            Some("https://modal.com")
        );
        assert_eq!(origin_of("nonsense"), None);
    }
}
