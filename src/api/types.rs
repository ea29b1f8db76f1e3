//! The plain values the calls take and give: credentials, a login's request and answers, what
//! the server says of a token, and the RPCs by name. The bottom of `api/`: it imports nothing
//! of it.

use crate::secret::Secret;

/// A token id and secret, for the calls that are authenticated.
#[derive(Clone, Debug)]
pub struct Credentials {
    pub token_id: String,
    pub token_secret: Secret,
}

impl Credentials {
    pub fn new(token_id: impl Into<String>, token_secret: Secret) -> Self {
        Self {
            token_id: token_id.into(),
            token_secret,
        }
    }
}

/// OAuth credentials (Modal's second kind, for third-party integrations) as Modal's Python
/// client sends them: a refresh token, a client id and a client secret. (A JWT key, which the
/// clients sign a client assertion with, is not among them: modal-setup does not sign.)
#[derive(Clone, Debug)]
pub struct OAuthCredentials {
    pub refresh_token: Secret,
    pub client_id: String,
    pub client_secret: Secret,
}

/// Who a call is made as.
#[derive(Clone, Debug)]
pub enum Auth {
    Token(Credentials),
    OAuth(OAuthCredentials),
}

/// What TokenFlowCreate is asked.
#[derive(Clone, Debug, Default)]
pub struct FlowRequest {
    /// The loopback port the browser's page may check.
    pub localhost_port: u16,
    pub utm_source: String,
    pub next_url: String,
    /// 0: the workspace's default lifetime.
    pub expires_in_seconds: u32,
}

/// A login in progress, as TokenFlowCreate answered it.
#[derive(Clone, Debug)]
pub struct Flow {
    pub token_flow_id: String,
    pub web_url: String,
    /// The code the page shows; may be empty.
    pub code: String,
    pub wait_secret: Secret,
}

/// A token minted by an approved login.
#[derive(Clone, Debug)]
pub struct Minted {
    pub credentials: Credentials,
    /// The workspace's username, when the server sends it.
    pub workspace_username: Option<String>,
}

/// What TokenInfoGet says about a token.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TokenInfo {
    pub token_id: String,
    pub token_name: Option<String>,
    pub workspace_id: String,
    pub workspace_name: String,
    pub identity: Option<Identity>,
    /// Seconds since the Unix epoch.
    pub created_at: Option<i64>,
    pub expires_at: Option<i64>,
}

/// Serialized as `{"kind": "user" | "service_user", ...}`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Identity {
    User {
        id: String,
        name: String,
    },
    ServiceUser {
        id: String,
        name: String,
        created_by: Option<String>,
    },
}

/// The RPCs, named as in the method path `/modal.client.ModalClient/<name>`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rpc {
    TokenFlowCreate,
    TokenFlowWait,
    ClientHello,
    WorkspaceNameLookup,
    TokenInfoGet,
    TokenDelete,
}

impl Rpc {
    pub fn name(self) -> &'static str {
        match self {
            Self::TokenFlowCreate => "TokenFlowCreate",
            Self::TokenFlowWait => "TokenFlowWait",
            Self::ClientHello => "ClientHello",
            Self::WorkspaceNameLookup => "WorkspaceNameLookup",
            Self::TokenInfoGet => "TokenInfoGet",
            Self::TokenDelete => "TokenDelete",
        }
    }
}
