//! Getting an HTTP/2 connection to Modal's API: the server URL (a failover list), TCP, an HTTP
//! CONNECT tunnel when a proxy applies, TLS with the system's and the bundled roots, and the
//! staggered race between the URLs of a list.

use std::fmt;
use std::pin::Pin;
use std::sync::{Arc, OnceLock};
use std::task::{Context, Poll};
use std::time::Duration;

use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;
use tonic::transport::{Channel, Endpoint};

use super::{Client, MAX_MESSAGE, Settings, USER_AGENT, WarningSink, status};
use crate::error::{Error, Result};
use crate::server_url::{Candidate, Scheme, ServerUrl, parse_candidate};

/// How long the next URL of a failover list waits for the one before it, as 1.6.4 does.
pub const STAGGER: Duration = Duration::from_secs(3);

/// A proxy from HTTPS_PROXY/HTTP_PROXY/ALL_PROXY.
#[derive(Clone, PartialEq, Eq)]
pub struct Proxy {
    /// The variable it came from.
    pub variable: &'static str,
    pub host: String,
    pub port: u16,
    /// `user:password` from the URL, sent as Proxy-Authorization: Basic.
    credentials: Option<String>,
}

impl fmt::Debug for Proxy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.address(), self.variable)
    }
}

impl Proxy {
    /// Parses `http://[user:password@]host[:port]` (the scheme may be left out).
    pub fn parse(variable: &'static str, raw: &str) -> Result<Self> {
        let invalid = |problem: &str| Error::InvalidInput {
            what: "proxy",
            problem: format!("{variable} {problem}"),
            hint: format!("set {variable} to http://host:port, or unset it"),
        };
        let rest = match raw.split_once("://") {
            Some(("http", rest)) => rest,
            Some((_, _)) => return Err(invalid("is not an http:// proxy")),
            None => raw,
        };
        let authority = rest.split('/').next().unwrap_or_default();
        let (credentials, host_port) = match authority.rsplit_once('@') {
            Some((userinfo, host_port)) => (
                Some(
                    percent_encoding::percent_decode_str(userinfo)
                        .decode_utf8_lossy()
                        .into_owned(),
                ),
                host_port,
            ),
            None => (None, authority),
        };
        let uri: http::Uri = format!("http://{host_port}")
            .parse()
            .map_err(|_| invalid("is not a proxy URL"))?;
        let host = uri
            .host()
            .ok_or_else(|| invalid("has no host"))?
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_owned();
        Ok(Self {
            variable,
            host,
            port: uri.port_u16().unwrap_or(80),
            credentials,
        })
    }

    /// `host:port`, for messages.
    pub fn address(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }
}

/// The proxies in effect, from the environment.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Proxies {
    pub https: Option<Proxy>,
    pub http: Option<Proxy>,
    /// NO_PROXY: hosts (and their subdomains), IP addresses, or `*`.
    pub no_proxy: Vec<String>,
}

impl Proxies {
    /// The proxy a connection to `candidate` goes through. Loopback never does.
    pub fn for_candidate(&self, candidate: &Candidate) -> Option<&Proxy> {
        if candidate.is_loopback() || self.bypassed(&candidate.host) {
            return None;
        }
        match candidate.scheme {
            Scheme::Https => self.https.as_ref(),
            Scheme::Http => self.http.as_ref(),
        }
    }

    fn bypassed(&self, host: &str) -> bool {
        let host = host.to_ascii_lowercase();
        self.no_proxy.iter().any(|entry| {
            let entry = entry.trim().to_ascii_lowercase();
            let entry = entry.split(':').next().unwrap_or_default();
            let domain = entry.trim_start_matches("*.").trim_start_matches('.');
            entry == "*"
                || (!domain.is_empty() && (host == domain || host.ends_with(&format!(".{domain}"))))
        })
    }
}

/// Why a connection could not be made, carried through tonic's error chain.
#[derive(Debug)]
pub struct DialError {
    pub failure: crate::error::NetFailure,
    pub detail: String,
}

impl fmt::Display for DialError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.detail)
    }
}

impl std::error::Error for DialError {}

/// A connection to one server of the list, ready for calls.
pub struct Connection {
    pub client: Client,
    pub candidate: Candidate,
    pub server: ServerUrl,
    pub settings: Settings,
    dialer: Arc<Dialer>,
}

impl Connection {
    /// What was wrong with the server's first bytes, when they were not HTTP/2. h2 reports
    /// the broken connection to the call in more than one way; this is what it broke on.
    pub fn not_http2(&self) -> Option<&'static str> {
        let verdicts = self
            .dialer
            .verdicts
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        verdicts
            .iter()
            .find(|(url, _)| *url == self.candidate.url)
            .map(|(_, what)| *what)
    }
}

/// Connects to the first URL of `server` that answers: URL i starts after i × [`STAGGER`], or
/// as soon as the one before it failed. Each attempt is bounded by the call timeout.
pub async fn connect(server: &ServerUrl, settings: &Settings) -> Result<Connection> {
    let dialer = Arc::new(Dialer {
        proxies: settings.proxies.clone(),
        timeout: settings.timeout,
        tls: OnceLock::new(),
        on_debug: Arc::clone(&settings.on_debug),
        verdicts: Arc::default(),
    });
    let mut attempts = tokio::task::JoinSet::new();
    let mut next = 0;
    let mut next_start = tokio::time::Instant::now();
    let mut first_error = None;
    loop {
        while next < server.candidates.len() && tokio::time::Instant::now() >= next_start {
            let candidate = server.candidates[next].clone();
            let dialer = Arc::clone(&dialer);
            attempts.spawn(async move {
                let result = channel(&candidate, dialer).await;
                (candidate, result)
            });
            next += 1;
            next_start = tokio::time::Instant::now() + STAGGER;
        }
        let more_to_start = next < server.candidates.len();
        if attempts.is_empty() {
            if !more_to_start {
                return Err(first_error.expect("at least one URL was tried"));
            }
            tokio::time::sleep_until(next_start).await;
            continue;
        }
        tokio::select! {
            Some(joined) = attempts.join_next() => match joined {
                Ok((candidate, Ok(channel))) => {
                    attempts.abort_all();
                    let client = Client::new(channel).max_decoding_message_size(MAX_MESSAGE);
                    return Ok(Connection {
                        client,
                        candidate,
                        server: server.clone(),
                        settings: settings.clone(),
                        dialer: Arc::clone(&dialer),
                    });
                }
                Ok((candidate, Err(error))) => {
                    first_error.get_or_insert_with(|| {
                        status::connect_failed(&candidate, server, settings.timeout, &error)
                    });
                    // The next URL need not wait for its turn.
                    next_start = tokio::time::Instant::now();
                }
                Err(join_error) => {
                    first_error.get_or_insert_with(|| {
                        Error::Internal(format!("a connection attempt failed: {join_error}"))
                    });
                }
            },
            () = tokio::time::sleep_until(next_start), if more_to_start => {}
        }
    }
}

async fn channel(
    candidate: &Candidate,
    dialer: Arc<Dialer>,
) -> Result<Channel, tonic::transport::Error> {
    let endpoint = Endpoint::from_shared(candidate.url.clone())?
        .user_agent(USER_AGENT)?
        .http2_keep_alive_interval(Duration::from_secs(30))
        .keep_alive_timeout(Duration::from_secs(10))
        .initial_stream_window_size(Some(1 << 20));
    let dial = tower::service_fn(move |uri: http::Uri| {
        let dialer = Arc::clone(&dialer);
        async move { dialer.dial(&uri).await.map(TokioIo::new) }
    });
    endpoint.connect_with_connector(dial).await
}

struct Dialer {
    proxies: Proxies,
    timeout: Duration,
    /// Built at the first https connection: loading the system's roots takes a few ms.
    tls: OnceLock<Arc<rustls::ClientConfig>>,
    /// Where `-v` detail goes (which roots were loaded).
    on_debug: WarningSink,
    /// Per server URL, why its first bytes were not HTTP/2 (see [`Preface`]).
    verdicts: Verdicts,
}

type Verdicts = Arc<std::sync::Mutex<Vec<(String, &'static str)>>>;

impl Dialer {
    fn watch(&self, candidate: &Candidate) -> Preface {
        Preface {
            url: candidate.url.clone(),
            verdicts: Arc::clone(&self.verdicts),
            seen: [0; 9],
            len: 0,
        }
    }

    async fn dial(&self, uri: &http::Uri) -> Result<Stream, DialError> {
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
                    crate::output::seconds(self.timeout)
                ),
            }),
        }
    }

    async fn dial_candidate(&self, candidate: &Candidate) -> Result<Stream, DialError> {
        let tcp = match self.proxies.for_candidate(candidate) {
            Some(proxy) => tunnel(proxy, candidate).await?,
            None => tcp(&candidate.host, candidate.port).await?,
        };
        match candidate.scheme {
            Scheme::Http => Ok(Stream::new(Io::Plain(tcp), self.watch(candidate))),
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
        Ok(Stream::new(
            Io::Tls(Box::new(stream)),
            self.watch(candidate),
        ))
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

/// The largest answer to CONNECT read before giving up on the proxy.
const MAX_PROXY_ANSWER: usize = 16 * 1024;

/// Opens an HTTP CONNECT tunnel to `candidate` through `proxy`.
async fn tunnel(proxy: &Proxy, candidate: &Candidate) -> Result<TcpStream, DialError> {
    let failed = |problem: String| DialError {
        failure: crate::error::NetFailure::Proxy {
            proxy: proxy.address(),
            variable: proxy.variable,
        },
        detail: problem,
    };
    let mut stream = tcp(&proxy.host, proxy.port)
        .await
        .map_err(|e| failed(format!("could not connect to the proxy: {e}")))?;
    let target = if candidate.host.contains(':') {
        format!("[{}]:{}", candidate.host, candidate.port)
    } else {
        format!("{}:{}", candidate.host, candidate.port)
    };
    let mut request = format!("CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n");
    if let Some(credentials) = &proxy.credentials {
        use base64::Engine;
        let encoded = base64::engine::general_purpose::STANDARD.encode(credentials);
        request.push_str(&format!("Proxy-Authorization: Basic {encoded}\r\n"));
    }
    request.push_str("\r\n");
    stream
        .write_all(request.as_bytes())
        .await
        .map_err(|e| failed(format!("could not talk to the proxy: {e}")))?;
    // Read the answer a byte at a time: whatever follows its blank line is the server's and
    // must stay in the stream (an HTTP/2 server speaks first, with its SETTINGS).
    let mut head = Vec::new();
    while !head.ends_with(b"\r\n\r\n") {
        if head.len() > MAX_PROXY_ANSWER {
            return Err(failed("the proxy answered too much".into()));
        }
        let mut byte = [0u8; 1];
        let n = stream
            .read(&mut byte)
            .await
            .map_err(|e| failed(format!("the proxy's answer could not be read: {e}")))?;
        if n == 0 {
            return Err(failed("the proxy closed the connection".into()));
        }
        head.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&head);
    let status_line = head.lines().next().unwrap_or_default();
    let code = status_line.split_whitespace().nth(1).unwrap_or_default();
    if !status_line.starts_with("HTTP/1.") || code != "200" {
        let shown = crate::output::sanitize(status_line);
        return Err(failed(match code {
            "407" => format!("the proxy wants authentication ({shown})"),
            _ => format!("the proxy refused the tunnel to {target} ({shown})"),
        }));
    }
    Ok(stream)
}

fn tls_error(error: &std::io::Error, candidate: &Candidate) -> DialError {
    use rustls::CertificateError;
    let host = &candidate.host;
    let problem = error
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>());
    let detail = match problem {
        Some(rustls::Error::InvalidCertificate(CertificateError::UnknownIssuer)) => format!(
            "the certificate of {host} is signed by an authority this machine does not trust"
        ),
        Some(rustls::Error::InvalidCertificate(
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
        )) => format!("the certificate presented is not valid for the host name {host}"),
        Some(rustls::Error::InvalidCertificate(
            CertificateError::Expired | CertificateError::ExpiredContext { .. },
        )) => format!("the certificate of {host} has expired"),
        Some(rustls::Error::InvalidCertificate(
            CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. },
        )) => format!("the certificate of {host} is not valid yet"),
        Some(rustls::Error::InvalidMessage(_)) => {
            format!("{host} did not answer with TLS (is it an http:// server?)")
        }
        Some(other) => format!("the TLS handshake with {host} failed: {other}"),
        None => format!("the TLS handshake with {host} failed: {error}"),
    };
    let expired = matches!(
        problem,
        Some(rustls::Error::InvalidCertificate(
            CertificateError::Expired
                | CertificateError::ExpiredContext { .. }
                | CertificateError::NotValidYet
                | CertificateError::NotValidYetContext { .. }
        ))
    );
    DialError {
        failure: crate::error::NetFailure::Tls { clock: expired },
        detail,
    }
}

/// TLS 1.2 and 1.3 with ring, ALPN h2, and as roots the system's certificates (or
/// SSL_CERT_FILE / SSL_CERT_DIR when set) plus the bundled web roots.
fn tls_config(debug: &WarningSink) -> Arc<rustls::ClientConfig> {
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    let bundled = roots.len();
    // The platform store may be empty or partly unreadable; the bundled roots still apply.
    let native = rustls_native_certs::load_native_certs();
    let (from_native, _) = roots.add_parsable_certificates(native.certs);
    let file = std::env::var_os("SSL_CERT_FILE").filter(|f| !f.is_empty());
    let dir_set = std::env::var_os("SSL_CERT_DIR").is_some_and(|d| !d.is_empty());
    let (from_system, _) =
        roots.add_parsable_certificates(system_roots_beside(file.is_some(), dir_set));
    let native_source = match &file {
        Some(file) => format!("SSL_CERT_FILE ({})", std::path::Path::new(file).display()),
        None if dir_set => "SSL_CERT_DIR".to_owned(),
        None => "the system's store".to_owned(),
    };
    let mut said = format!("TLS roots: {bundled} bundled, {from_native} from {native_source}");
    if file.is_some() && !dir_set {
        said.push_str(&format!(
            ", {from_system} from the system's certificate directories"
        ));
    }
    debug(&said);
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("ring supports TLS 1.2 and 1.3")
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"h2".to_vec()];
    Arc::new(config)
}

/// The system's certificate directories, when SSL_CERT_FILE is set and SSL_CERT_DIR is not.
/// rustls-native-certs then reads that file alone; OpenSSL (and so Python's `ssl` and curl built
/// on it) keeps reading its default directory beside it, so a corporate CA installed in the
/// system store is still trusted when a Python setup exports certifi's bundle. SSL_CERT_DIR set
/// replaces the directories, as in OpenSSL.
fn system_roots_beside(
    file_set: bool,
    dir_set: bool,
) -> Vec<rustls::pki_types::CertificateDer<'static>> {
    if !file_set || dir_set {
        return Vec::new();
    }
    certificates_in(platform_cert_dirs())
}

#[cfg(unix)]
fn platform_cert_dirs() -> Vec<std::path::PathBuf> {
    openssl_probe::candidate_cert_dirs()
        .map(ToOwned::to_owned)
        .collect()
}

/// Elsewhere the system store is not a directory OpenSSL would read.
#[cfg(not(unix))]
fn platform_cert_dirs() -> Vec<std::path::PathBuf> {
    Vec::new()
}

fn certificates_in(
    dirs: Vec<std::path::PathBuf>,
) -> Vec<rustls::pki_types::CertificateDer<'static>> {
    dirs.iter()
        .flat_map(|dir| rustls_native_certs::load_certs_from_paths(None, Some(dir)).certs)
        .collect()
}

/// A connection, plain or TLS, that checks the server's first bytes are HTTP/2's.
struct Stream {
    io: Io,
    preface: Preface,
}

enum Io {
    Plain(TcpStream),
    Tls(Box<TlsStream<TcpStream>>),
}

impl Stream {
    fn new(io: Io, preface: Preface) -> Self {
        Self { io, preface }
    }
}

/// What the server sent first. An HTTP/2 server's first frame is SETTINGS; anything else
/// (a TLS record, `HTTP/1.1 …`, a captive portal, noise) ends the connection with an error
/// that says what it was, and the verdict is kept for the call to report (h2 may pass the
/// call only "connection closed").
struct Preface {
    url: String,
    verdicts: Verdicts,
    seen: [u8; 9],
    len: usize,
}

/// The words every "not HTTP/2" error starts with.
const NOT_HTTP2: &str = "the server did not answer with HTTP/2";

impl Preface {
    /// Takes the bytes just read (none: the end of the stream); an error once 9 have come,
    /// or the stream ended before them, and they are not a SETTINGS frame.
    fn check(&mut self, read: &[u8]) -> std::io::Result<()> {
        if self.len == self.seen.len() || (read.is_empty() && self.len == 0) {
            return Ok(());
        }
        let take = read.len().min(self.seen.len() - self.len);
        self.seen[self.len..self.len + take].copy_from_slice(&read[..take]);
        self.len += take;
        // h2 gives up on a frame header as soon as its 3-byte length is too large, so a
        // first byte that no SETTINGS frame has (their length is below 65,536) is judged then.
        let early = self.len >= 3 && self.seen[0] != 0;
        if self.len < self.seen.len() && !read.is_empty() && !early {
            return Ok(());
        }
        let head = &self.seen[..self.len];
        let settings = self.len == self.seen.len()
            && head[3] == 0x04
            && head[4] & 0x01 == 0
            && head[5..9] == [0, 0, 0, 0];
        if settings {
            return Ok(());
        }
        // Judged once: what follows is not looked at.
        self.len = self.seen.len();
        let what = if head.len() >= 2 && matches!(head[0], 0x14..=0x17) && head[1] == 0x03 {
            "it answered with TLS; is it an https:// server?"
        } else if b"HTTP/".starts_with(&head[..head.len().min(5)]) {
            "it answered with HTTP/1"
        } else {
            "its first bytes are not an HTTP/2 frame"
        };
        let mut verdicts = self.verdicts.lock().unwrap_or_else(|e| e.into_inner());
        if !verdicts.iter().any(|(url, _)| *url == self.url) {
            verdicts.push((self.url.clone(), what));
        }
        Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("{NOT_HTTP2}: {what}"),
        ))
    }
}

impl AsyncRead for Stream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let room = buf.remaining() > 0;
        let polled = match &mut this.io {
            Io::Plain(s) => Pin::new(s).poll_read(cx, buf),
            Io::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
        };
        let read = &buf.filled()[before..];
        match &polled {
            // Nothing read into room for something: the end of the stream.
            Poll::Ready(Ok(())) if room || !read.is_empty() => this.preface.check(read)?,
            // A reset after a few bytes: judge those.
            Poll::Ready(Err(_)) => this.preface.check(&[])?,
            _ => {}
        }
        polled
    }
}

impl AsyncWrite for Stream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        match &mut self.get_mut().io {
            Io::Plain(s) => Pin::new(s).poll_write(cx, buf),
            Io::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match &mut self.get_mut().io {
            Io::Plain(s) => Pin::new(s).poll_flush(cx),
            Io::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match &mut self.get_mut().io {
            Io::Plain(s) => Pin::new(s).poll_shutdown(cx),
            Io::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_bytes_must_be_an_http2_settings_frame() {
        let check = |bytes: &[u8]| {
            let mut preface = Preface {
                url: "http://x".into(),
                verdicts: Verdicts::default(),
                seen: [0; 9],
                len: 0,
            };
            // In two reads, as a socket may deliver them, then the end of the stream.
            let (a, b) = bytes.split_at(bytes.len() / 2);
            preface
                .check(a)
                .and_then(|()| preface.check(b))
                .and_then(|()| preface.check(&[]))
                .map_err(|e| e.to_string())
        };
        assert!(check(&[0, 0, 18, 4, 0, 0, 0, 0, 0, 0, 3]).is_ok());
        let not_settings = check(&[0, 0, 0, 4, 1, 0, 0, 0, 0]).unwrap_err();
        assert!(
            not_settings.contains("not an HTTP/2 frame"),
            "{not_settings}"
        );
        let alert = check(b"\x15\x03\x03\x00\x02\x02\x32").unwrap_err();
        assert!(alert.contains("TLS"), "{alert}");
        assert!(check(b"HTTP/1.1 200 OK").unwrap_err().contains("HTTP/1"));
        assert!(
            check(b"<html>")
                .unwrap_err()
                .contains("not an HTTP/2 frame")
        );
        assert!(
            check(b"").is_ok(),
            "nothing at all: a closed connection, not a verdict"
        );
    }

    #[test]
    fn the_system_directories_are_read_beside_ssl_cert_file_only() {
        let dir = tempfile::tempdir().unwrap();
        let ca = rcgen::generate_simple_self_signed(vec!["corp.example".into()]).unwrap();
        std::fs::write(dir.path().join("corp.pem"), ca.cert.pem()).unwrap();
        assert_eq!(certificates_in(vec![dir.path().to_owned()]).len(), 1);
        // Only SSL_CERT_FILE set adds the directories; SSL_CERT_DIR replaces them.
        assert!(system_roots_beside(false, false).is_empty());
        assert!(system_roots_beside(true, true).is_empty());
    }

    #[test]
    fn no_proxy_and_loopback_bypass_the_proxy() {
        let proxy = Proxy::parse("HTTPS_PROXY", "http://u:p%40ss@proxy.corp:3128").unwrap();
        assert_eq!(proxy.address(), "proxy.corp:3128");
        assert_eq!(proxy.credentials.as_deref(), Some("u:p@ss"));
        let proxies = Proxies {
            https: Some(proxy),
            http: None,
            no_proxy: vec![".internal.example".into(), "modal2.com".into()],
        };
        let candidate = |url: &str| ServerUrl::parse(url, "t").unwrap().candidates[0].clone();
        assert!(
            proxies
                .for_candidate(&candidate("https://api.modal.com"))
                .is_some()
        );
        assert!(
            proxies
                .for_candidate(&candidate("https://api.modal2.com"))
                .is_none()
        );
        assert!(
            proxies
                .for_candidate(&candidate("https://a.internal.example"))
                .is_none()
        );
        assert!(
            proxies
                .for_candidate(&candidate("https://127.0.0.1:1"))
                .is_none()
        );
        assert!(
            proxies
                .for_candidate(&candidate("https://localhost:1"))
                .is_none()
        );
        assert!(
            proxies
                .for_candidate(&candidate("http://api.modal.com"))
                .is_none()
        );
        let everything = Proxies {
            no_proxy: vec!["*".into()],
            ..proxies.clone()
        };
        assert!(
            everything
                .for_candidate(&candidate("https://api.modal.com"))
                .is_none()
        );
        assert!(Proxy::parse("HTTPS_PROXY", "socks5://x:1").is_err());
    }
}
