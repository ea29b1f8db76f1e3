//! A `server_url` setting (one URL, or Modal's comma-separated failover list) and the one form
//! of it that every Modal client can use.
//!
//! Modal's Python client parses the value with `urlparse` and tolerates a trailing `/`, spaces
//! and a failover list. The JS SDK (nice-grpc's `createChannel`) and the Go SDK (`grpc.NewClient`
//! after stripping the scheme) take it almost as it is: a trailing `/`, a space or a list breaks
//! them, and Go dials 443 for `http://host` without a port. So what modal-setup writes is
//! [`ServerUrl::canonical`]: `scheme://host:port`, scheme in lower case, port written, no path.

use crate::error::{Error, Result};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scheme {
    /// HTTP/2 with prior knowledge, as Modal's client speaks to local servers.
    Http,
    /// TLS 1.2+ with ALPN h2.
    Https,
}

impl Scheme {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Http => "http",
            Self::Https => "https",
        }
    }

    fn default_port(self) -> u16 {
        match self {
            Self::Http => 80,
            Self::Https => 443,
        }
    }
}

/// One URL of `server_url`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    /// As written, without a trailing `/`, scheme in lower case.
    pub url: String,
    pub scheme: Scheme,
    /// Without brackets for IPv6.
    pub host: String,
    pub port: u16,
}

impl Candidate {
    /// `scheme://host[:port]`, for messages.
    pub fn origin(&self) -> &str {
        &self.url
    }

    /// `scheme://host:port`, the port always written: what every Modal client reads alike.
    pub fn canonical(&self) -> String {
        let host = if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        format!("{}://{host}:{}", self.scheme.as_str(), self.port)
    }

    /// Whether the host is this machine, however written: `localhost` (and `localhost.`,
    /// `*.localhost`), 127.0.0.0/8 (also as `127.1`), `::1`, `::ffff:127.x.y.z`, `0.0.0.0`.
    pub fn is_loopback(&self) -> bool {
        let host = self.host.trim_end_matches('.').to_ascii_lowercase();
        if host == "localhost" || host.ends_with(".localhost") {
            return true;
        }
        match host.parse::<std::net::IpAddr>() {
            Ok(std::net::IpAddr::V4(ip)) => ip.is_loopback() || ip.is_unspecified(),
            Ok(std::net::IpAddr::V6(ip)) => {
                ip.is_loopback()
                    || ip.is_unspecified()
                    || ip.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
            }
            // inet_aton's short forms, which the resolver takes: `127.1`, `127.0.1`.
            Err(_) => {
                let parts: Vec<&str> = host.split('.').collect();
                (2..=3).contains(&parts.len())
                    && parts
                        .iter()
                        .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
                    && parts[0] == "127"
            }
        }
    }
}

/// A `server_url` setting: one URL, or a comma-separated failover list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerUrl {
    pub candidates: Vec<Candidate>,
    /// As configured.
    pub raw: String,
    /// Where it came from ("MODAL_SERVER_URL environment variable", …), for messages.
    pub source: String,
    /// What of `raw` modal-setup leaves out (a fragment, a stray comma), which Modal's JS and
    /// Go SDKs cannot dial: said, never dropped in silence.
    pub ignored: Vec<String>,
}

impl ServerUrl {
    /// Parses `raw`; anything but `http(s)://host[:port][/]` (or a list of them) is a clear
    /// error naming `source`.
    pub fn parse(raw: &str, source: &str) -> Result<Self> {
        let invalid = |problem: String| Error::InvalidServerUrl {
            url: raw.to_owned(),
            origin: source.to_owned(),
            problem,
        };
        let mut ignored = Vec::new();
        let entries: Vec<&str> = raw.split(',').map(str::trim).collect();
        if entries.len() > 1 && entries.iter().any(|url| url.is_empty()) {
            ignored.push("a stray comma".to_owned());
        }
        let candidates = entries
            .iter()
            .filter(|url| !url.is_empty())
            .map(|url| {
                if let Some(at) = url.find('#') {
                    let fragment = crate::text::sanitize(&url[at..]);
                    ignored.push(format!("the fragment '{fragment}'"));
                }
                parse_candidate(url).map_err(&invalid)
            })
            .collect::<Result<Vec<_>>>()?;
        if candidates.is_empty() {
            return Err(invalid("it is empty".into()));
        }
        Ok(Self {
            candidates,
            raw: raw.to_owned(),
            source: source.to_owned(),
            ignored,
        })
    }

    /// The form written to the config file: each URL as [`Candidate::canonical`], a list
    /// joined by `,` without spaces.
    pub fn canonical(&self) -> String {
        let urls: Vec<String> = self.candidates.iter().map(Candidate::canonical).collect();
        urls.join(",")
    }

    /// Whether this is a failover list, which only Modal's Python client can use.
    pub fn is_list(&self) -> bool {
        self.candidates.len() > 1
    }
}

/// One URL; the error is the problem, to be said with where the URL came from.
pub fn parse_candidate(url: &str) -> Result<Candidate, String> {
    let quoted = crate::text::sanitize(url);
    let uri: http::Uri = url
        .parse()
        .map_err(|_| format!("'{quoted}' is not a URL"))?;
    let scheme = match uri.scheme_str() {
        Some(s) if s.eq_ignore_ascii_case("https") => Scheme::Https,
        Some(s) if s.eq_ignore_ascii_case("http") => Scheme::Http,
        Some(other) => {
            return Err(format!(
                "'{quoted}' uses {other}://; Modal's API is http:// or https://"
            ));
        }
        None => return Err(format!("'{quoted}' has no scheme")),
    };
    let authority = uri
        .authority()
        .ok_or_else(|| format!("'{quoted}' has no host"))?;
    if authority.as_str().contains('@') {
        return Err(format!("'{quoted}' holds a user name; leave it out"));
    }
    if uri.query().is_some() {
        return Err(format!(
            "'{quoted}' has a query (?…); Modal's API takes none"
        ));
    }
    if !matches!(uri.path(), "" | "/") {
        return Err(format!(
            "'{quoted}' has a path; Modal's API is at the root of its host"
        ));
    }
    let host = authority
        .host()
        .trim_start_matches('[')
        .trim_end_matches(']');
    if host.is_empty() {
        return Err(format!("'{quoted}' has no host"));
    }
    // `http` reads a port it cannot hold as no port at all: 99999 would silently become 80.
    let written_port = authority.as_str().len() > authority.host().len();
    let port = match authority.port_u16() {
        Some(0) => return Err(format!("'{quoted}' has port 0")),
        Some(port) => port,
        None if written_port => {
            return Err(format!(
                "'{quoted}' has a port outside 1-65535 (or an empty one)"
            ));
        }
        None => scheme.default_port(),
    };
    Ok(Candidate {
        url: format!("{}://{authority}", scheme.as_str()),
        scheme,
        host: host.to_owned(),
        port,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_urls_parse_into_candidates() {
        let list =
            ServerUrl::parse("https://api.modal.com, https://api.modal2.com/", "default").unwrap();
        assert_eq!(list.candidates.len(), 2);
        assert_eq!(list.candidates[0].url, "https://api.modal.com");
        assert_eq!(list.candidates[0].port, 443);
        assert_eq!(list.candidates[1].url, "https://api.modal2.com");
        let local = ServerUrl::parse("http://[::1]:8080", "env").unwrap();
        assert_eq!(local.candidates[0].host, "::1");
        assert_eq!(local.candidates[0].port, 8080);
        for bad in [
            "",
            " , ",
            "notaurl",
            "ftp://x",
            "https://user@host",
            "https://host/v1",
            "https://host/?x=1",
            "api.modal.com",
            "http://127.0.0.1:99999",
            "http://127.0.0.1:0",
            "http://127.0.0.1:",
        ] {
            assert!(ServerUrl::parse(bad, "env").is_err(), "{bad:?}");
        }
    }

    /// What modal-setup leaves out is said (issue 28: a fragment and a trailing comma were
    /// dropped in silence); a query is refused in its own words.
    #[test]
    fn parts_left_out_are_named_and_a_query_is_refused() {
        let ignored = |raw: &str| ServerUrl::parse(raw, "t").unwrap().ignored;
        assert_eq!(ignored("http://127.0.0.1:9#x"), ["the fragment '#x'"]);
        assert_eq!(ignored("http://127.0.0.1:9,"), ["a stray comma"]);
        assert_eq!(
            ignored(",http://127.0.0.1:9#a"),
            ["a stray comma", "the fragment '#a'"]
        );
        assert!(ignored("http://127.0.0.1:9, http://127.0.0.1:8/").is_empty());
        let error = ServerUrl::parse("http://127.0.0.1:9?a=1", "t").unwrap_err();
        assert!(error.to_string().contains("has a query (?…)"), "{error}");
    }

    #[test]
    fn the_canonical_form_is_one_every_client_reads() {
        let canonical = |raw: &str| ServerUrl::parse(raw, "t").unwrap().canonical();
        assert_eq!(canonical("http://127.0.0.1:8080/"), "http://127.0.0.1:8080");
        assert_eq!(
            canonical("  HTTP://127.0.0.1:8080 "),
            "http://127.0.0.1:8080"
        );
        assert_eq!(canonical("http://localhost"), "http://localhost:80");
        assert_eq!(
            canonical("HTTPS://api.modal.com"),
            "https://api.modal.com:443"
        );
        assert_eq!(canonical("http://[::1]:9/"), "http://[::1]:9");
        assert_eq!(
            canonical("https://a.example , https://b.example:8443/"),
            "https://a.example:443,https://b.example:8443"
        );
        let loopback = |raw: &str| ServerUrl::parse(raw, "t").unwrap().candidates[0].is_loopback();
        for host in [
            "localhost",
            "LOCALHOST.",
            "a.localhost",
            "127.0.0.1",
            "127.1",
            "127.0.1",
            "0.0.0.0",
            "[::1]",
            "[::ffff:127.0.0.1]",
            "[::]",
        ] {
            assert!(loopback(&format!("http://{host}:1")), "{host}");
        }
        for host in [
            "example.com",
            "128.0.0.1",
            "1.2.3.4",
            "[::ffff:10.0.0.1]",
            "localhost.example.com",
            "127.example",
        ] {
            assert!(!loopback(&format!("http://{host}:1")), "{host}");
        }
        let url = ServerUrl::parse("https://a.example,https://b.example", "t").unwrap();
        assert!(url.is_list());
        assert!(
            !ServerUrl::parse("https://a.example", "t")
                .unwrap()
                .is_list()
        );
    }
}
