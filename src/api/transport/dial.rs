//! One connection to one server URL: TCP (through a proxy when one applies), then TLS for
//! https://, within the call timeout, read through a [`Stream`] that checks its first bytes.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use tokio::net::TcpStream;

use super::WarningSink;
use super::preface::{Preface, Stream, Verdicts};
use super::proxy::{Proxies, through};
use super::tls::{tls_config, tls_error};
use crate::api::status::DialError;
use crate::server_url::{Candidate, Scheme, parse_candidate};

pub(super) struct Dialer {
    pub(super) proxies: Proxies,
    pub(super) timeout: Duration,
    /// Built at the first https connection: loading the system's roots takes a few ms.
    pub(super) tls: OnceLock<Arc<rustls::ClientConfig>>,
    /// Where `-v` detail goes (which roots were loaded).
    pub(super) on_debug: WarningSink,
    /// Per server URL, why its first bytes were not HTTP/2 (see [`Preface`]).
    pub(super) verdicts: Verdicts,
}

impl Dialer {
    fn watch(&self, candidate: &Candidate) -> Preface {
        Preface::new(&candidate.url, &self.verdicts)
    }

    pub(super) async fn dial(&self, uri: &http::Uri) -> Result<Stream, DialError> {
        let candidate = parse_candidate(&uri.to_string()).map_err(|detail| DialError {
            failure: crate::error::NetFailure::Other,
            detail,
        })?;
        match tokio::time::timeout(self.timeout, self.dial_candidate(&candidate)).await {
            Ok(result) => result,
            Err(_) => Err(DialError {
                failure: crate::error::NetFailure::Timeout(self.timeout),
                detail: format!(
                    "no connection within {}",
                    crate::text::seconds(self.timeout)
                ),
            }),
        }
    }

    async fn dial_candidate(&self, candidate: &Candidate) -> Result<Stream, DialError> {
        let tcp = match self.proxies.for_candidate(candidate)? {
            Some(proxy) => through(&proxy, candidate).await?,
            None => tcp(&candidate.host, candidate.port).await?,
        };
        match candidate.scheme {
            Scheme::Http => Ok(Stream::plain(tcp, self.watch(candidate))),
            Scheme::Https => self.tls(tcp, candidate).await,
        }
    }

    async fn tls(&self, tcp: TcpStream, candidate: &Candidate) -> Result<Stream, DialError> {
        let config = self.tls.get_or_init(|| tls_config(&self.on_debug));
        let name =
            rustls::pki_types::ServerName::try_from(candidate.host.clone()).map_err(|_| {
                DialError {
                    failure: crate::error::NetFailure::Other,
                    detail: format!("'{}' is not a valid TLS server name", candidate.host),
                }
            })?;
        let connector = tokio_rustls::TlsConnector::from(Arc::clone(config));
        let stream = connector
            .connect(name, tcp)
            .await
            .map_err(|e| tls_error(&e, candidate))?;
        if stream.get_ref().1.alpn_protocol() != Some(b"h2") {
            return Err(DialError {
                failure: crate::error::NetFailure::NotHttp2,
                detail: "the TLS server did not agree to HTTP/2 (ALPN h2)".into(),
            });
        }
        Ok(Stream::tls(stream, self.watch(candidate)))
    }
}

pub(super) async fn tcp(host: &str, port: u16) -> Result<TcpStream, DialError> {
    let stream = TcpStream::connect((host, port)).await.map_err(|e| {
        let failure = match e.kind() {
            std::io::ErrorKind::ConnectionRefused => crate::error::NetFailure::Refused,
            _ if e.to_string().contains("lookup") || e.to_string().contains("resolve") => {
                crate::error::NetFailure::Dns
            }
            _ => crate::error::NetFailure::Other,
        };
        DialError {
            failure,
            detail: e.to_string(),
        }
    })?;
    let _ = stream.set_nodelay(true);
    Ok(stream)
}
