//! The client of Modal's API: the gRPC service `modal.client.ModalClient` over HTTP/2, spoken
//! the way Modal's client 1.6.4 speaks it (docs/protocol.md). One function per RPC, taking plain
//! values (a server URL, credentials); every failure becomes one [`Error`] that says what to do.
//!
//! The async runtime lives here and starts only when a call is made, so offline commands never
//! pay for it.

// One way down: types <- wire <- headers <- status <- transport <- calls <- this facade.
mod calls;
mod headers;
mod status;
mod transport;
mod types;
pub mod wire;

use std::cell::OnceCell;
use std::sync::Arc;
use std::time::Duration;

use crate::error::{Error, Result};
pub use crate::server_url::{Candidate, Scheme, ServerUrl};
pub use headers::{
    CLIENT_TYPE, CLIENT_VERSION, PYTHON_VERSION, USER_AGENT, parse_override_headers,
};
pub use transport::{DEFAULT_TIMEOUT, Proxies, STAGGER, Settings};
pub use types::{
    Auth, Credentials, Flow, FlowRequest, Identity, Minted, OAuthCredentials, TokenInfo,
};

/// How long one TokenFlowWait asks the server to hold the call, as 1.6.4 does.
pub const FLOW_WAIT: Duration = Duration::from_secs(40);
/// The client's deadline for one TokenFlowWait: the server's hold plus this margin (45 s in
/// all, as 1.6.4 has it).
pub const FLOW_WAIT_MARGIN: Duration = Duration::from_secs(5);
/// How long past the login's own timeout the last TokenFlowWait may run: a server that
/// holds the call to the end gets this long to answer.
pub const LOGIN_GRACE: Duration = Duration::from_secs(1);

/// What the commands ask of Modal's API, one method per call they make. [`Api`] answers it
/// over gRPC; the unit tests give an in-process fake. Every command reaches a server through
/// the one way its context gives it (`commands::Connect`).
pub trait Server {
    /// The URL that answered, once connected; else the first one of the list.
    fn dialled_url(&self) -> &str;

    /// TokenFlowCreate (anonymous): starts a login.
    fn create_flow(&self, request: &FlowRequest) -> Result<Flow>;

    /// TokenFlowWait (anonymous), asking the server to hold the call for what is `left` of
    /// the login ([`FLOW_WAIT`] at most): `Ok(None)` when it passed without an answer. The
    /// call's own deadline ends at most [`LOGIN_GRACE`] after what is left.
    fn wait_flow(&self, flow: &Flow, left: Duration) -> Result<Option<Minted>>;

    /// ClientHello, authenticated by `credentials`: whether the server accepts the token. Its
    /// warnings go to the warning sink.
    fn hello(&self, credentials: &Credentials) -> Result<()>;

    /// ClientHello and WorkspaceNameLookup sent together on the one connection (HTTP/2 carries
    /// both at once): one round trip where Modal's client spends two.
    fn hello_and_username(&self, credentials: &Credentials) -> (Result<()>, Result<String>);

    /// WorkspaceNameLookup: the username the token belongs to (1.6.4 names profiles after it).
    fn username(&self, auth: &Auth) -> Result<String>;

    /// TokenInfoGet.
    fn token_info(&self, credentials: &Credentials) -> Result<TokenInfo>;

    /// TokenDelete of `token_id`, authenticated by `credentials`.
    fn delete_token(&self, credentials: &Credentials, token_id: &str) -> Result<()>;

    /// What revokes `credentials`' token later, from any thread (Ctrl-C's).
    fn revoker(&self, credentials: &Credentials) -> Box<dyn FnOnce() -> Result<()> + Send>;
}

/// A client for one `server_url` (a failover list is dialled as 1.6.4 does). The connection
/// is made at the first call and reused.
pub struct Api {
    runtime: tokio::runtime::Runtime,
    connection: OnceCell<transport::Connection>,
    server: ServerUrl,
    settings: Settings,
}

impl Api {
    pub fn new(server: ServerUrl, settings: Settings) -> Result<Self> {
        Ok(Self {
            runtime: runtime()?,
            connection: OnceCell::new(),
            server,
            settings,
        })
    }

    fn connection(&self) -> Result<&transport::Connection> {
        if let Some(connection) = self.connection.get() {
            return Ok(connection);
        }
        let connection = self
            .runtime
            .block_on(transport::connect(&self.server, &self.settings))?;
        Ok(self.connection.get_or_init(|| connection))
    }
}

impl Server for Api {
    fn dialled_url(&self) -> &str {
        self.connection
            .get()
            .map_or(&self.server.candidates[0].url, |c| &c.candidate.url)
    }

    fn create_flow(&self, request: &FlowRequest) -> Result<Flow> {
        let connection = self.connection()?;
        self.runtime.block_on(connection.create_flow(request))
    }

    fn wait_flow(&self, flow: &Flow, left: Duration) -> Result<Option<Minted>> {
        let connection = self.connection()?;
        let hold = left.min(FLOW_WAIT);
        let deadline = (hold + FLOW_WAIT_MARGIN).min(left + LOGIN_GRACE);
        self.runtime
            .block_on(connection.wait_flow(flow, hold, deadline))
    }

    fn hello(&self, credentials: &Credentials) -> Result<()> {
        let connection = self.connection()?;
        self.runtime.block_on(connection.hello(credentials))
    }

    fn hello_and_username(&self, credentials: &Credentials) -> (Result<()>, Result<String>) {
        let connection = match self.connection() {
            Ok(connection) => connection,
            Err(error) => return (Err(error), Err(Error::Internal("not connected".into()))),
        };
        self.runtime.block_on(futures_util::future::join(
            connection.hello(credentials),
            connection.username(&Auth::Token(credentials.clone())),
        ))
    }

    fn username(&self, auth: &Auth) -> Result<String> {
        let connection = self.connection()?;
        self.runtime.block_on(connection.username(auth))
    }

    fn token_info(&self, credentials: &Credentials) -> Result<TokenInfo> {
        let connection = self.connection()?;
        self.runtime.block_on(connection.token_info(credentials))
    }

    fn delete_token(&self, credentials: &Credentials, token_id: &str) -> Result<()> {
        let connection = self.connection()?;
        self.runtime
            .block_on(connection.delete_token(credentials, token_id))
    }

    /// TokenDelete on a connection of its own to the same server.
    fn revoker(&self, credentials: &Credentials) -> Box<dyn FnOnce() -> Result<()> + Send> {
        let (server, settings, credentials) = (
            self.server.clone(),
            self.settings.clone(),
            credentials.clone(),
        );
        Box::new(move || {
            Api::new(server, settings)?.delete_token(&credentials, &credentials.token_id)
        })
    }
}

/// One answer of [`lookup_usernames`].
#[derive(Debug)]
pub struct Lookup {
    /// The URL that was asked (the one that answered, for a failover list).
    pub asked: String,
    /// The workspace's username, or why there is none (shared by every lookup of a server
    /// that could not be reached).
    pub result: std::result::Result<String, Arc<Error>>,
}

/// How many servers are dialled at once by [`lookup_usernames`].
const MAX_CONNECTING: usize = 16;

/// WorkspaceNameLookup for many tokens at once, each against its own server. One connection
/// per server carries all of that server's lookups (HTTP/2 multiplexes them), and at most
/// [`MAX_CONNECTING`] servers are dialled together, so 400 profiles stay far from macOS's
/// default of 256 open files. Everything ends within `settings.timeout`. Answers are in the
/// order of `checks`.
pub fn lookup_usernames(
    checks: Vec<(ServerUrl, Auth)>,
    settings: &Settings,
) -> Result<Vec<Lookup>> {
    let runtime = runtime()?;
    let deadline = tokio::time::Instant::now() + settings.timeout;
    let mut servers: Vec<&ServerUrl> = Vec::new();
    for (server, _) in &checks {
        if !servers.iter().any(|known| known.raw == server.raw) {
            servers.push(server);
        }
    }
    Ok(runtime.block_on(async {
        use futures_util::StreamExt;
        let dialled = servers.iter().map(|server| async move {
            tokio::time::timeout_at(deadline, transport::connect(server, settings))
                .await
                .unwrap_or_else(|_| Err(status::timed_out(server, settings.timeout, false)))
                .map_err(Arc::new)
        });
        let connections: Vec<_> = futures_util::stream::iter(dialled)
            .buffered(MAX_CONNECTING)
            .collect()
            .await;
        let lookups = checks.iter().map(|(server, auth)| {
            let index = servers
                .iter()
                .position(|known| known.raw == server.raw)
                .expect("every server is listed");
            let connection = &connections[index];
            async move {
                let asked = connection
                    .as_ref()
                    .map_or(&server.candidates[0].url, |c| &c.candidate.url)
                    .clone();
                let result = match connection {
                    Ok(connection) => tokio::time::timeout_at(deadline, connection.username(auth))
                        .await
                        .unwrap_or_else(|_| Err(status::timed_out(server, settings.timeout, false)))
                        .map_err(Arc::new),
                    Err(error) => Err(Arc::clone(error)),
                };
                Lookup { asked, result }
            }
        });
        futures_util::future::join_all(lookups).await
    }))
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .enable_time()
        .build()
        .map_err(|e| Error::io("start the network runtime for", "the API client", e))
}
