//! Getting an HTTP/2 connection to Modal's API: the staggered race between the URLs of a
//! failover list (here), each dialled over TCP ([`dial`]), through a proxy when one applies
//! ([`proxy`]), with TLS ([`tls`]), read through a stream that names a server that does not
//! speak HTTP/2 ([`preface`]).

mod dial;
mod preface;
mod proxy;
mod tls;

pub use proxy::Proxies;

use std::fmt;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use hyper_util::rt::TokioIo;
use tonic::transport::{Channel, Endpoint};

use super::headers::USER_AGENT;
use super::status;
use super::wire::modal_client_client::ModalClientClient;
use crate::error::{Error, Result};
use crate::server_url::{Candidate, ServerUrl};
use dial::Dialer;

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
