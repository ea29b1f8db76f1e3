//! Getting an HTTP/2 connection to Modal's API: the server URL (a failover list), TCP, an HTTP
//! CONNECT tunnel when a proxy applies, TLS with the system's and the bundled roots, and the
//! staggered race between the URLs of a list.

use std::fmt;
use std::pin::Pin;
use std::sync::{Arc, OnceLock};
use std::task::{Context, Poll};
use std::time::Duration;

use hyper_util::client::proxy::matcher::{Intercept, Matcher};
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;
use tonic::transport::{Channel, Endpoint};

use super::headers::USER_AGENT;
use super::status::{self, DialError};
use super::wire::modal_client_client::ModalClientClient;
use crate::error::{Error, Result};
use crate::server_url::{Candidate, Scheme, ServerUrl, parse_candidate};

/// How long a call may take by default (MODAL_SETUP_HTTP_TIMEOUT changes it).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// The largest message decoded from the server: a login's answers are a few hundred bytes.
pub const MAX_MESSAGE: usize = 4 * 1024 * 1024;

/// Receives each warning the server sends (ClientHello's `server_warnings`, `x-modal-warning`
/// metadata), already made safe to print.
pub type WarningSink = Arc<dyn Fn(&str) + Send + Sync>;

/// What every call needs besides its own arguments.
#[derive(Clone)]
pub struct Settings {
    /// The deadline of one call (and of connecting to one server).
    pub timeout: Duration,
    pub proxies: Proxies,
    /// MODAL_OVERRIDE_HEADERS, parsed: set on every call, over the headers modal-setup sends.
    pub override_headers: Vec<(String, String)>,
    pub on_warning: WarningSink,
    /// Where detail for `-v` goes (never a secret).
    pub on_debug: WarningSink,
}

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Settings")
            .field("timeout", &self.timeout)
            .field("proxies", &self.proxies)
            .field("override_headers", &self.override_headers.len())
            .finish_non_exhaustive()
    }
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            timeout: DEFAULT_TIMEOUT,
            proxies: Proxies::default(),
            override_headers: Vec::new(),
            on_warning: Arc::new(|_| {}),
            on_debug: Arc::new(|_| {}),
        }
    }
}

/// The generated client over one connection.
pub type Client = ModalClientClient<Channel>;

/// How long the next URL of a failover list waits for the one before it, as 1.6.4 does.
pub const STAGGER: Duration = Duration::from_secs(3);

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
    intercept: Intercept,
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
fn destination(candidate: &Candidate, scheme: &str) -> http::Uri {
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

/// A connection to one server of the list, ready for calls.
pub struct Connection {
    pub client: Client,
    pub candidate: Candidate,
    pub server: ServerUrl,
    pub settings: Settings,
    dialer: Arc<Dialer>,
}

impl Connection {
    /// What an error of a call on this connection needs to know of it.
    pub fn answered(&self) -> status::Answered<'_> {
        status::Answered {
            url: &self.candidate.url,
            server: &self.server,
            not_http2: self.not_http2(),
        }
    }

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
                let error = first_error.expect("at least one URL was tried");
                return Err(all_tried(error, server));
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

/// The error of a server none of whose URLs answered names them all: "could not reach
/// https://api.modal.com or https://api.modal2.com", not the first alone.
fn all_tried(error: Error, server: &ServerUrl) -> Error {
    match error {
        Error::Unreachable {
            cause,
            failure,
            server_source,
            skippable,
            ..
        } if server.candidates.len() > 1 => {
            let urls: Vec<&str> = server.candidates.iter().map(|c| c.url.as_str()).collect();
            let (last, rest) = urls.split_last().expect("more than one");
            Error::Unreachable {
                url: format!("{} or {last}", rest.join(", ")),
                cause,
                failure,
                server_source,
                skippable,
            }
        }
        other => other,
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
