//! Proxies: which one a connection to a server goes through (hyper-util's curl-compatible
//! matcher, with loopback always direct). `dial.rs` makes the connection through it.

use hyper_util::client::proxy::matcher::{Intercept, Matcher};

use crate::api::status::DialError;
use crate::server_url::{Candidate, Scheme};

/// The proxy settings in effect: the first set of HTTPS_PROXY/https_proxy/ALL_PROXY/all_proxy
/// for https:// servers, of HTTP_PROXY/http_proxy/ALL_PROXY/all_proxy for http:// ones, and
/// NO_PROXY, as the environment snapshot holds them. They are matched by hyper-util's
/// curl-compatible matcher (the rules reqwest uses: `http://`, `socks5://`, `socks5h://`,
/// `socks4://` proxies, NO_PROXY with domains, IPs, CIDR ranges and `*`), and a value is read
/// only for a connection that would go through it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Proxies {
    /// The variable and value for https:// servers.
    pub https: Option<(&'static str, String)>,
    /// The variable and value for http:// servers.
    pub http: Option<(&'static str, String)>,
    pub no_proxy: Option<String>,
}

/// The proxy one connection goes through.
#[derive(Clone, Debug)]
pub struct Proxy {
    /// The variable it came from, for messages.
    pub variable: &'static str,
    pub(super) intercept: Intercept,
}

impl Proxy {
    /// `host:port`, for messages (never the credentials).
    pub fn address(&self) -> String {
        let uri = self.intercept.uri();
        let host = uri.host().unwrap_or_default();
        let port = uri.port_u16().unwrap_or(match uri.scheme_str() {
            Some("https") => 443,
            Some("http") => 80,
            _ => 1080,
        });
        format!("{host}:{port}")
    }
}

impl Proxies {
    /// The proxy a connection to `candidate` goes through, if any. Loopback never does. A
    /// variable that holds no proxy URL is an error here, for a connection that would use it,
    /// and nowhere else.
    pub fn for_candidate(&self, candidate: &Candidate) -> Result<Option<Proxy>, DialError> {
        if candidate.is_loopback() {
            return Ok(None);
        }
        let setting = match candidate.scheme {
            Scheme::Https => &self.https,
            Scheme::Http => &self.http,
        };
        let Some((variable, value)) = setting else {
            return Ok(None);
        };
        let destination = destination(candidate, candidate.scheme.as_str());
        let matcher = |no_proxy: &str| {
            Matcher::builder()
                .https(value.as_str())
                .http(value.as_str())
                .no(no_proxy)
                .build()
        };
        if let Some(intercept) =
            matcher(self.no_proxy.as_deref().unwrap_or_default()).intercept(&destination)
        {
            return Ok(Some(Proxy {
                variable,
                intercept,
            }));
        }
        // NO_PROXY bypasses it, or the value is no proxy URL at all.
        match matcher("").intercept(&destination) {
            Some(_) => Ok(None),
            None => Err(DialError {
                failure: crate::error::NetFailure::Other,
                detail: format!(
                    "{variable} holds '{}', which {}; fix or unset it",
                    crate::text::sanitize(value),
                    match value.parse::<http::Uri>() {
                        Ok(_) => "is not a proxy URL (http://, socks5://, socks5h://, socks4://)",
                        Err(_) => "cannot be read as a URL",
                    }
                ),
            }),
        }
    }
}

/// `scheme://host:port/` of a candidate, for the matcher and the proxy connectors; a trailing
/// `.` of a host name is left out (`example.com.` is `example.com` to NO_PROXY).
pub(super) fn destination(candidate: &Candidate, scheme: &str) -> http::Uri {
    let host = candidate.host.trim_end_matches('.');
    let host = if host.contains(':') {
        format!("[{host}]")
    } else {
        host.to_owned()
    };
    format!("{scheme}://{host}:{}/", candidate.port)
        .parse()
        .expect("a parsed candidate makes a URI")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server_url::ServerUrl;

    #[test]
    fn no_proxy_and_loopback_bypass_the_proxy_with_curl_s_rules() {
        let proxies = |value: &str, no_proxy: &str| Proxies {
            https: Some(("HTTPS_PROXY", value.to_owned())),
            http: Some(("ALL_PROXY", value.to_owned())),
            no_proxy: Some(no_proxy.to_owned()),
        };
        let candidate = |url: &str| ServerUrl::parse(url, "t").unwrap().candidates[0].clone();
        let via = |proxies: &Proxies, url: &str| {
            proxies
                .for_candidate(&candidate(url))
                .map(|p| p.map(|p| (p.variable, p.address())))
        };
        let corp = proxies(
            "http://u:p%40ss@proxy.corp:3128",
            ".internal.example,modal2.com,10.0.0.0/8,::ffff:127.0.0.1",
        );
        assert_eq!(
            via(&corp, "https://api.modal.com").unwrap(),
            Some(("HTTPS_PROXY", "proxy.corp:3128".to_owned()))
        );
        assert_eq!(
            via(&corp, "http://api.modal.com").unwrap(),
            Some(("ALL_PROXY", "proxy.corp:3128".to_owned()))
        );
        for bypassed in [
            "https://api.modal2.com",
            "https://a.internal.example",
            "https://10.1.2.3",
            "https://127.0.0.1:1",
            "https://127.1:1",
            "https://localhost.:1",
            "https://[::ffff:127.0.0.1]:1",
            "https://0.0.0.0:1",
        ] {
            assert_eq!(via(&corp, bypassed).unwrap(), None, "{bypassed}");
        }
        assert_eq!(
            via(&proxies("http://proxy:1", "*"), "https://api.modal.com").unwrap(),
            None
        );
        // SOCKS works; an unknown value is an error only for a connection that would use it.
        assert!(
            via(
                &proxies("socks5h://127.0.0.1:1080", ""),
                "https://api.modal.com"
            )
            .unwrap()
            .is_some()
        );
        assert!(
            via(&proxies("HTTP://proxy:1", ""), "https://api.modal.com")
                .unwrap()
                .is_some()
        );
        let broken = proxies("ftp://proxy:1", "");
        assert!(via(&broken, "https://api.modal.com").is_err());
        assert_eq!(via(&broken, "http://127.0.0.1:9").unwrap(), None);
        // RFC 7617: a user without a password is sent as `user:`.
        let alice = proxies("http://alice@proxy:1", "");
        let proxy = alice
            .for_candidate(&candidate("https://api.modal.com"))
            .unwrap()
            .unwrap();
        use base64::Engine;
        let sent = proxy
            .intercept
            .basic_auth()
            .unwrap()
            .to_str()
            .unwrap()
            .to_owned();
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(sent.trim_start_matches("Basic "))
            .unwrap();
        assert_eq!(decoded, b"alice:");
    }
}
