//! The gRPC API: `modal.client.ModalClient`, served by tonic from code generated from the
//! same proto/modal_client.proto the client is built from.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tonic::metadata::MetadataMap;
use tonic::{Code, Request, Response, Status};

use crate::state::{Flow, FlowState, Recorded, Shared, TokenState, lock, pairing_code};
use crate::{Fault, random};

mod wire {
    #![allow(clippy::all, clippy::pedantic)]
    tonic::include_proto!("modal.client");
}

use wire::modal_client_server::{ModalClient, ModalClientServer};
use wire::*;

/// The longest a TokenFlowWait is held, whatever its `timeout` asks.
const MAX_WAIT: Duration = Duration::from_secs(60);

/// The API server, running on its own runtime in a background thread.
pub struct Running {
    port: u16,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Running {
    pub fn start(shared: Arc<Shared>) -> std::io::Result<Self> {
        let listener = std::net::TcpListener::bind(SocketAddr::from((
            [127, 0, 0, 1],
            shared.options.api_port,
        )))?;
        listener.set_nonblocking(true)?;
        let port = listener.local_addr()?.port();
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("reference-api")
            .enable_all()
            .build()?;
        let (shutdown, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("reference-api".into())
            .spawn(move || {
                runtime.block_on(async move {
                    let listener = tokio::net::TcpListener::from_std(listener)
                        .expect("a nonblocking std listener converts");
                    // Without TCP_NODELAY, small answers wait for delayed ACKs (~40 ms).
                    let incoming = tonic::transport::server::TcpIncoming::from(listener)
                        .with_nodelay(Some(true));
                    let service = ModalClientServer::new(Api { shared });
                    let _ = tonic::transport::Server::builder()
                        .add_service(service)
                        .serve_with_incoming_shutdown(incoming, async {
                            let _ = stopped.await;
                        })
                        .await;
                });
                // Calls still held (a hanging fault) are dropped with the runtime.
                runtime.shutdown_timeout(Duration::from_millis(100));
            })?;
        Ok(Self {
            port,
            shutdown: Some(shutdown),
            thread: Some(thread),
        })
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn stop(mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

struct Api {
    shared: Arc<Shared>,
}

/// The number of a gRPC code name (`UNAVAILABLE` → 14).
pub fn code_number(name: &str) -> Option<i32> {
    const NAMES: [&str; 17] = [
        "OK",
        "CANCELLED",
        "UNKNOWN",
        "INVALID_ARGUMENT",
        "DEADLINE_EXCEEDED",
        "NOT_FOUND",
        "ALREADY_EXISTS",
        "PERMISSION_DENIED",
        "RESOURCE_EXHAUSTED",
        "FAILED_PRECONDITION",
        "ABORTED",
        "OUT_OF_RANGE",
        "UNIMPLEMENTED",
        "INTERNAL",
        "UNAVAILABLE",
        "DATA_LOSS",
        "UNAUTHENTICATED",
    ];
    NAMES
        .iter()
        .position(|n| n.eq_ignore_ascii_case(name))
        .map(|i| i as i32)
}

/// The value of a header. Modal's Go SDK sends each `x-modal-*` header of AuthTokenGet twice:
/// as two fields (the first is taken) or joined by a proxy into `v,v` (taken once when the
/// parts agree; parts that differ are no value at all).
fn header<'a>(metadata: &'a MetadataMap, name: &str) -> Option<&'a str> {
    let value = metadata.get(name).and_then(|v| v.to_str().ok())?;
    let mut parts = value.split(',').map(str::trim);
    let first = parts.next()?;
    parts.all(|part| part == first).then_some(first)
}

impl Api {
    /// Records the call, applies an injected fault, and checks the client headers; with
    /// `authenticated`, also the token. Returns the authenticated token's id.
    async fn admit(
        &self,
        rpc: &str,
        metadata: &MetadataMap,
        authenticated: bool,
    ) -> Result<Option<String>, Status> {
        self.admit_naming(rpc, metadata, authenticated, None).await
    }

    /// [`Api::admit`] for a call that names an environment, recorded with it.
    async fn admit_naming(
        &self,
        rpc: &str,
        metadata: &MetadataMap,
        authenticated: bool,
        environment: Option<String>,
    ) -> Result<Option<String>, Status> {
        let admitted = self
            .admit_recorded(rpc, metadata, authenticated, environment)
            .await;
        if self.shared.options.log_calls {
            let oauth = header(metadata, "x-modal-refresh-token").map(|_| "(OAuth)");
            let token_id = header(metadata, "x-modal-token-id")
                .or(oauth)
                .unwrap_or("(no token)");
            match &admitted {
                Ok(_) => eprintln!("{rpc} {token_id}: admitted"),
                Err(status) => eprintln!(
                    "{rpc} {token_id}: {:?} ({})",
                    status.code(),
                    status.message()
                ),
            }
        }
        admitted
    }

    async fn admit_recorded(
        &self,
        rpc: &str,
        metadata: &MetadataMap,
        authenticated: bool,
        environment: Option<String>,
    ) -> Result<Option<String>, Status> {
        let headers = metadata
            .iter()
            .filter_map(|entry| match entry {
                tonic::metadata::KeyAndValueRef::Ascii(key, value) => {
                    let secret = matches!(
                        key.as_str(),
                        "x-modal-token-secret"
                            | "x-modal-refresh-token"
                            | "x-modal-oauth-client-secret"
                    );
                    let shown = if secret {
                        "<redacted>".to_owned()
                    } else {
                        value.to_str().unwrap_or("<binary>").to_owned()
                    };
                    Some((key.as_str().to_owned(), shown))
                }
                tonic::metadata::KeyAndValueRef::Binary(..) => None,
            })
            .collect();
        let fault = {
            let mut state = lock(&self.shared.state);
            let secret = header(metadata, "x-modal-token-secret");
            let secret_of = secret.and_then(|secret| {
                state
                    .tokens
                    .iter()
                    .find(|(_, t)| {
                        crate::html::constant_time_eq(t.secret.as_bytes(), secret.as_bytes())
                    })
                    .map(|(id, _)| id.clone())
            });
            state.requests.push(Recorded {
                rpc: rpc.to_owned(),
                token_id: header(metadata, "x-modal-token-id").map(str::to_owned),
                secret_of,
                environment,
                headers,
            });
            let at = state.faults.iter().position(|(r, _, _)| r == rpc);
            at.map(|at| {
                let fault = state.faults[at].1.clone();
                if let Some(left) = &mut state.faults[at].2 {
                    *left -= 1;
                    if *left == 0 {
                        state.faults.remove(at);
                    }
                }
                fault
            })
        };
        match fault {
            Some(Fault::Status(code, message)) => {
                return Err(Status::new(Code::from_i32(code), message));
            }
            Some(Fault::Hang) => {
                while !self.shared.stopping() {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                return Err(Status::unavailable("the server is stopping"));
            }
            None => {}
        }
        self.check_client(metadata)?;
        if !authenticated {
            return Ok(None);
        }
        self.authenticate(metadata).map(Some)
    }

    /// What Modal's server demands of every client: its type and version, and a version
    /// that is not too old; of Python's (type 1), its Python version too. The SDKs (types 8,
    /// 9) send none: libmodal proves Modal accepts them without it.
    fn check_client(&self, metadata: &MetadataMap) -> Result<(), Status> {
        let python = header(metadata, "x-modal-client-type").is_none_or(|t| t == "1");
        let python_version = python.then_some("x-modal-python-version");
        let required = ["x-modal-client-type", "x-modal-client-version"];
        for name in required.into_iter().chain(python_version) {
            if header(metadata, name).is_none() {
                return Err(Status::failed_precondition(format!(
                    "Missing {name} header"
                )));
            }
        }
        let version = header(metadata, "x-modal-client-version").unwrap_or_default();
        let parsed: Vec<u32> = version
            .split('.')
            .map(|part| part.parse().unwrap_or(0))
            .chain(std::iter::repeat(0))
            .take(3)
            .collect();
        if (parsed[0], parsed[1], parsed[2]) < self.shared.options.min_client_version {
            return Err(Status::failed_precondition("Old client"));
        }
        Ok(())
    }

    fn authenticate(&self, metadata: &MetadataMap) -> Result<String, Status> {
        if let Some(refresh_token) = header(metadata, "x-modal-refresh-token") {
            return self.authenticate_oauth(metadata, refresh_token);
        }
        let (Some(id), Some(secret)) = (
            header(metadata, "x-modal-token-id"),
            header(metadata, "x-modal-token-secret"),
        ) else {
            return Err(Status::unauthenticated("Missing token id or secret"));
        };
        let state = lock(&self.shared.state);
        let Some(token) = state.tokens.get(id) else {
            return Err(Status::unauthenticated("Invalid token id"));
        };
        if !crate::html::constant_time_eq(token.secret.as_bytes(), secret.as_bytes()) {
            return Err(Status::unauthenticated("Invalid token secret"));
        }
        Self::token_admits(id, token)
    }

    /// OAuth credentials as Modal's Python client sends them: the grant whose refresh token,
    /// client id and client secret they are stands for its token. (What Modal's server answers
    /// an OAuth call with in full is not known here: this admits and refuses as for a token.)
    fn authenticate_oauth(
        &self,
        metadata: &MetadataMap,
        refresh_token: &str,
    ) -> Result<String, Status> {
        let eq = |a: &str, b: Option<&str>| {
            b.is_some_and(|b| crate::html::constant_time_eq(a.as_bytes(), b.as_bytes()))
        };
        let state = lock(&self.shared.state);
        let grant = state.oauth.iter().find(|g| {
            eq(&g.refresh_token, Some(refresh_token))
                && eq(&g.client_id, header(metadata, "x-modal-oauth-client-id"))
                && eq(
                    &g.client_secret,
                    header(metadata, "x-modal-oauth-client-secret"),
                )
        });
        let Some(grant) = grant else {
            return Err(Status::unauthenticated("Invalid OAuth credentials"));
        };
        Self::token_admits(&grant.token_id, &state.tokens[&grant.token_id])
    }

    /// Whether a token, known and matched, is accepted: its state and lifetime.
    fn token_admits(id: &str, token: &crate::state::Token) -> Result<String, Status> {
        match token.state {
            TokenState::Valid if token.expired() => {
                Err(Status::unauthenticated("Token has expired"))
            }
            TokenState::Valid => Ok(id.to_owned()),
            TokenState::Revoked => Err(Status::unauthenticated("Token has been deleted")),
            TokenState::Forbidden => Err(Status::permission_denied(
                "Token has no permission for this workspace",
            )),
        }
    }
}

#[tonic::async_trait]
impl ModalClient for Api {
    async fn token_flow_create(
        &self,
        request: Request<TokenFlowCreateRequest>,
    ) -> Result<Response<TokenFlowCreateResponse>, Status> {
        self.admit("TokenFlowCreate", request.metadata(), false)
            .await?;
        let request = request.into_inner();
        let localhost_port = u16::try_from(request.localhost_port)
            .ok()
            .filter(|p| *p != 0)
            .ok_or_else(|| Status::invalid_argument("localhost_port must be a port"))?;
        let token_flow_id = format!("tf-{}", random::alphanumeric(22));
        let wait_secret = random::alphanumeric(32);
        let code = pairing_code();
        // The login lives as long as the server's flows do; `expires_in_seconds` is the
        // token's lifetime (0: the workspace's default, here none).
        let token_lifetime = Some(request.expires_in_seconds)
            .filter(|secs| *secs > 0)
            .map(|secs| Duration::from_secs(u64::from(secs)));
        let flow = Flow {
            wait_secret: wait_secret.clone(),
            code: code.clone(),
            localhost_port,
            utm_source: request.utm_source,
            next_url: request.next_url,
            created: Instant::now(),
            expires_at: Instant::now() + self.shared.options.flow_ttl,
            token_lifetime,
            state: tokio::sync::watch::Sender::new(FlowState::Pending),
        };
        lock(&self.shared.state)
            .flows
            .insert(token_flow_id.clone(), flow);
        if let Some(delay) = self.shared.options.auto_approve {
            let shared = Arc::clone(&self.shared);
            let flow_id = token_flow_id.clone();
            std::thread::spawn(move || {
                std::thread::sleep(delay);
                let _ = shared.approve_after_loopback_check(&flow_id);
            });
        }
        Ok(Response::new(TokenFlowCreateResponse {
            web_url: format!("{}/token-flow/{token_flow_id}", self.shared.web_url),
            token_flow_id,
            code,
            wait_secret,
        }))
    }

    async fn token_flow_wait(
        &self,
        request: Request<TokenFlowWaitRequest>,
    ) -> Result<Response<TokenFlowWaitResponse>, Status> {
        self.admit("TokenFlowWait", request.metadata(), false)
            .await?;
        let request = request.into_inner();
        let (mut watcher, expires_at) = {
            let mut state = lock(&self.shared.state);
            state.forget_if_expired(&request.token_flow_id);
            let flow = state
                .flows
                .get(&request.token_flow_id)
                .filter(|flow| {
                    crate::html::constant_time_eq(
                        flow.wait_secret.as_bytes(),
                        request.wait_secret.as_bytes(),
                    )
                })
                .ok_or_else(|| Status::not_found("Token flow not found"))?;
            (flow.state.subscribe(), flow.expires_at)
        };
        // Held up to the timeout asked, but not past the login's end: then it is forgotten.
        let hold = Duration::try_from_secs_f32(request.timeout)
            .unwrap_or(Duration::ZERO)
            .min(MAX_WAIT)
            .min(expires_at.saturating_duration_since(Instant::now()));
        let waited =
            tokio::time::timeout(hold, watcher.wait_for(|state| *state != FlowState::Pending))
                .await;
        // Cloned out so that the watch's read guard is gone before the state changes.
        let decided = match waited {
            Ok(Ok(decided)) => decided.clone(),
            _ => {
                if lock(&self.shared.state).forget_if_expired(&request.token_flow_id) {
                    return Err(Status::not_found("Token flow not found"));
                }
                return Ok(Response::new(TokenFlowWaitResponse {
                    timeout: true,
                    ..TokenFlowWaitResponse::default()
                }));
            }
        };
        let state = lock(&self.shared.state);
        match decided {
            FlowState::Approved { token_id } => {
                let token = state.tokens[&token_id].clone();
                if let Some(flow) = state.flows.get(&request.token_flow_id) {
                    flow.state.send_replace(FlowState::Collected);
                }
                Ok(Response::new(TokenFlowWaitResponse {
                    token_id,
                    token_secret: token.secret,
                    timeout: false,
                    workspace_username: token.workspace,
                }))
            }
            FlowState::Denied => Err(Status::permission_denied(
                "The login was denied in the browser",
            )),
            FlowState::Collected | FlowState::Pending => {
                Err(Status::not_found("Token flow not found"))
            }
        }
    }

    async fn client_hello(
        &self,
        request: Request<()>,
    ) -> Result<Response<ClientHelloResponse>, Status> {
        self.admit("ClientHello", request.metadata(), true).await?;
        let server_warnings = self
            .shared
            .options
            .warnings
            .iter()
            .map(|message| Warning {
                r#type: warning::WarningType::ClientDeprecation as i32,
                message: message.clone(),
            })
            .collect();
        Ok(Response::new(ClientHelloResponse {
            server_warnings,
            ..ClientHelloResponse::default()
        }))
    }

    async fn workspace_name_lookup(
        &self,
        request: Request<()>,
    ) -> Result<Response<WorkspaceNameLookupResponse>, Status> {
        let token_id = self
            .admit("WorkspaceNameLookup", request.metadata(), true)
            .await?
            .expect("authenticated");
        let workspace = lock(&self.shared.state).tokens[&token_id].workspace.clone();
        #[allow(deprecated)]
        Ok(Response::new(WorkspaceNameLookupResponse {
            workspace_name: workspace.clone(),
            username: workspace,
        }))
    }

    async fn token_info_get(
        &self,
        request: Request<TokenInfoGetRequest>,
    ) -> Result<Response<TokenInfoGetResponse>, Status> {
        let token_id = self
            .admit("TokenInfoGet", request.metadata(), true)
            .await?
            .expect("authenticated");
        let token = lock(&self.shared.state).tokens[&token_id].clone();
        Ok(Response::new(TokenInfoGetResponse {
            token_id,
            workspace_id: format!("ac-{}", stable_id(&token.workspace)),
            workspace_name: token.workspace,
            identity: Some(token_info_get_response::Identity::UserIdentity(
                UserIdentity {
                    user_id: format!("us-{}", stable_id(&token.user)),
                    username: token.user,
                },
            )),
            created_at: Some(prost_types::Timestamp {
                seconds: token.created_at,
                nanos: 0,
            }),
            expires_at: token
                .expires_at
                .map(|seconds| prost_types::Timestamp { seconds, nanos: 0 }),
            token_name: String::new(),
        }))
    }

    /// The first call of Modal's JS and Go SDKs: a short-lived JWT for the token pair, sent
    /// back as `x-modal-auth-token` on their later calls. The product never calls it.
    async fn auth_token_get(
        &self,
        request: Request<AuthTokenGetRequest>,
    ) -> Result<Response<AuthTokenGetResponse>, Status> {
        let token_id = self
            .admit("AuthTokenGet", request.metadata(), true)
            .await?
            .expect("authenticated");
        Ok(Response::new(AuthTokenGetResponse {
            token: jwt(&token_id),
        }))
    }

    /// What a judge program's one call finds: no app of that name. The call is recorded with
    /// the environment it names, which is how the SDK's environment is seen on the wire.
    async fn app_get_or_create(
        &self,
        request: Request<AppGetOrCreateRequest>,
    ) -> Result<Response<AppGetOrCreateResponse>, Status> {
        let (metadata, _, request) = request.into_parts();
        let environment = Some(request.environment_name).filter(|e| !e.is_empty());
        let caller = self
            .admit_naming("AppGetOrCreate", &metadata, true, environment.clone())
            .await?
            .expect("authenticated");
        let environment = environment.unwrap_or_else(|| "main".into());
        let mut state = lock(&self.shared.state);
        let workspace = state.tokens[&caller].workspace.clone();
        let key = (workspace, environment.clone(), request.app_name.clone());
        // OBJECT_CREATION_TYPE_CREATE_IF_MISSING, as `fromName(…, { createIfMissing: true })`
        // asks; otherwise an app is looked up, as Modal does.
        const CREATE_IF_MISSING: i32 = 1;
        if request.object_creation_type == CREATE_IF_MISSING {
            let app_id = format!("ap-{}", crate::random::alphanumeric(22));
            let app_id = state.apps.entry(key).or_insert(app_id).clone();
            return Ok(Response::new(AppGetOrCreateResponse { app_id }));
        }
        match state.apps.get(&key) {
            Some(app_id) => Ok(Response::new(AppGetOrCreateResponse {
                app_id: app_id.clone(),
            })),
            None => Err(Status::not_found(format!(
                "App '{}' not found in environment '{environment}'",
                request.app_name
            ))),
        }
    }

    async fn token_delete(
        &self,
        request: Request<TokenDeleteRequest>,
    ) -> Result<Response<()>, Status> {
        let caller = self
            .admit("TokenDelete", request.metadata(), true)
            .await?
            .expect("authenticated");
        let target = request.into_inner().token_id;
        let mut state = lock(&self.shared.state);
        let workspace = state.tokens[&caller].workspace.clone();
        match state.tokens.get_mut(&target) {
            Some(token) if token.workspace == workspace => {
                token.state = TokenState::Revoked;
                Ok(Response::new(()))
            }
            _ => Err(Status::not_found("Token not found")),
        }
    }
}

/// An unsigned JWT naming the token, valid for an hour: the SDKs read only its `exp`.
fn jwt(token_id: &str) -> String {
    use base64::Engine;
    let encode = |json: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let claims = format!("{{\"sub\":\"{token_id}\",\"exp\":{}}}", now + 3600);
    format!(
        "{}.{}.reference",
        encode("{\"alg\":\"none\",\"typ\":\"JWT\"}"),
        encode(&claims)
    )
}

/// An id that is the same for the same name (`ac-…`, `us-…` look stable across calls).
fn stable_id(name: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in name.bytes() {
        hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
    }
    format!("{hash:016x}")
}
