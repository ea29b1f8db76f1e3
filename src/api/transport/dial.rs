//! One connection to one server URL: TCP, through a proxy when one applies (an HTTP CONNECT
//! tunnel or a SOCKS handshake, hyper-util's connectors), then TLS for https://, within the
//! call timeout, read through a [`Stream`] that checks its first bytes.

use std::pin::Pin;
use std::sync::{Arc, OnceLock};
use std::task::{Context, Poll};
use std::time::Duration;

use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;

use super::WarningSink;
use super::preface::{Preface, Stream, Verdicts};
use super::proxy::{Proxies, Proxy, destination};
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
        Preface::new(&candidate.url, &self.verdicts, self.timeout)
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

async fn tcp(host: &str, port: u16) -> Result<TcpStream, DialError> {
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

/// A connection to `candidate` through `proxy`: an HTTP CONNECT tunnel (hyper-util's
/// `Tunnel`) or a SOCKS handshake (`SocksV5`, `SocksV4`), on a TCP connection to the proxy.
async fn through(proxy: &Proxy, candidate: &Candidate) -> Result<TcpStream, DialError> {
    use hyper_util::client::legacy::connect::proxy::{SocksV4, SocksV5, Tunnel};
    use tower::ServiceExt;
    let failed = |detail: String| DialError {
        failure: crate::error::NetFailure::Proxy {
            proxy: proxy.address(),
            variable: proxy.variable,
        },
        detail,
    };
    let target = format!("{}:{}", candidate.host, candidate.port);
    // While the proxy answers, reads take one byte at a time: what follows its answer is the
    // server's (an HTTP/2 server speaks first) and must stay in the stream, but hyper-util's
    // connectors read into a buffer of their own and drop what they do not need.
    let connect = tower::service_fn(|uri: http::Uri| async move {
        let host = uri.host().unwrap_or_default();
        let host = host.trim_start_matches('[').trim_end_matches(']');
        let port = uri.port_u16().unwrap_or(1080);
        tcp(host, port)
            .await
            .map(|tcp| TokioIo::new(OneByteReads(tcp)))
            .map_err(|e| e.detail)
    });
    let uri = proxy.intercept.uri().clone();
    let scheme = uri.scheme_str().unwrap_or_default().to_owned();
    let tunnelled = match scheme.as_str() {
        "http" => {
            let mut tunnel = Tunnel::new(uri, connect);
            if let Some(auth) = proxy.intercept.basic_auth() {
                tunnel = tunnel.with_auth(auth.clone());
            }
            tunnel
                .oneshot(destination(candidate, "http"))
                .await
                .map_err(|e| describe(&e, &target))
        }
        "socks5" | "socks5h" => {
            // socks5: this machine resolves the name; socks5h: the proxy does.
            let mut socks = SocksV5::new(uri, connect).local_dns(scheme == "socks5");
            if let Some((user, password)) = proxy.intercept.raw_auth() {
                socks = socks.with_auth(user.to_owned(), password.to_owned());
            }
            socks
                .oneshot(destination(candidate, "http"))
                .await
                .map_err(|e| describe(&e, &target))
        }
        "socks4" | "socks4a" => SocksV4::new(uri, connect)
            .local_dns(scheme == "socks4")
            .oneshot(destination(candidate, "http"))
            .await
            .map_err(|e| describe(&e, &target)),
        _ => {
            Err("an https:// proxy (TLS to the proxy itself) is not supported; use http://".into())
        }
    };
    tunnelled.map(|io| io.into_inner().0).map_err(failed)
}

/// A proxy's failure in words: what the connector said, and its cause.
fn describe(error: &dyn std::error::Error, target: &str) -> String {
    let said = error.to_string();
    let cause = error.source().map(|s| format!(": {s}")).unwrap_or_default();
    if said.contains("authorization required") {
        format!("the proxy wants authentication ({said})")
    } else if said.contains("underlying connection") {
        format!("could not connect to the proxy{cause}")
    } else {
        format!("the proxy did not open a way to {target} ({said}{cause})")
    }
}

/// A TCP stream whose reads return at most one byte, while a proxy answers (see [`through`]).
struct OneByteReads(TcpStream);

impl AsyncRead for OneByteReads {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let mut byte = [0u8; 1];
        let mut one = ReadBuf::new(&mut byte);
        match Pin::new(&mut self.0).poll_read(cx, &mut one) {
            Poll::Ready(Ok(())) => {
                buf.put_slice(one.filled());
                Poll::Ready(Ok(()))
            }
            other => other,
        }
    }
}

impl AsyncWrite for OneByteReads {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.0).poll_write(cx, data)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.0).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.0).poll_shutdown(cx)
    }
}
