//! One async function per RPC on a [`Connection`]: set the headers and the deadline, make the
//! call, pass the server's warnings on, turn a failure into an [`Error`].

use std::time::Duration;

use super::transport::{Client, Connection};
use super::types::{Auth, Credentials, Flow, FlowRequest, Identity, Minted, Rpc, TokenInfo};
use super::wire::{
    TokenDeleteRequest, TokenFlowCreateRequest, TokenFlowWaitRequest, TokenInfoGetRequest,
};
use super::{headers, status};
use crate::error::{Error, Result};
use crate::secret::Secret;
use crate::text::sanitize;

/// At most this many warnings of one answer are shown.
const MAX_WARNINGS: usize = 5;

impl Connection {
    /// Makes one call: the headers (the credentials' when `auth` is given), the deadline
    /// sent as `grpc-timeout` and enforced here too, the answer's warnings passed on, a
    /// failure mapped to an [`Error`].
    async fn call<Req, Resp, Fut>(
        &self,
        rpc: Rpc,
        message: Req,
        auth: Option<Auth>,
        deadline: Duration,
        send: impl FnOnce(Client, tonic::Request<Req>) -> Fut,
    ) -> Result<Resp>
    where
        Fut: Future<Output = Result<tonic::Response<Resp>, tonic::Status>>,
    {
        let mut request = tonic::Request::new(message);
        headers::set(
            request.metadata_mut(),
            auth.as_ref(),
            &self.settings.override_headers,
        )?;
        request.set_timeout(deadline);
        let answer = tokio::time::timeout(deadline, send(self.client.clone(), request))
            .await
            .map_err(|_| status::timed_out(&self.server, deadline, false))?;
        let metadata = match &answer {
            Ok(response) => response.metadata(),
            Err(status) => status.metadata(),
        };
        self.report_warnings(headers::warnings(metadata));
        let response =
            answer.map_err(|s| status::from_status(&s, rpc, &self.answered(), deadline))?;
        // tonic reads any body as gRPC frames; a server that says it sent something else
        // (a JSON API, a proxy's page) is not Modal's, whatever the bytes decode to.
        let content_type = response
            .metadata()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        if !content_type.starts_with("application/grpc") {
            return Err(self.bad_answer(
                rpc,
                &format!("content-type '{}', not gRPC", sanitize(content_type)),
            ));
        }
        Ok(response.into_inner())
    }

    /// Passes an answer's warnings on, made safe to print: the first [`MAX_WARNINGS`]
    /// distinct ones, then how many more there were.
    fn report_warnings(&self, warnings: impl IntoIterator<Item = String>) {
        let mut shown: Vec<String> = Vec::new();
        let mut more = 0usize;
        for warning in warnings {
            let warning = sanitize(&warning);
            if shown.contains(&warning) {
                continue;
            }
            if shown.len() == MAX_WARNINGS {
                more += 1;
                continue;
            }
            shown.push(warning);
        }
        for warning in &shown {
            (self.settings.on_warning)(&format!("the server says: {warning}"));
        }
        if more > 0 {
            (self.settings.on_warning)(&format!("the server sent {more} more warnings, not shown"));
        }
    }

    pub async fn create_flow(&self, flow: &FlowRequest) -> Result<Flow> {
        let message = TokenFlowCreateRequest {
            utm_source: flow.utm_source.clone(),
            localhost_port: i32::from(flow.localhost_port),
            next_url: flow.next_url.clone(),
            expires_in_seconds: flow.expires_in_seconds,
        };
        let answer = self
            .call(
                Rpc::TokenFlowCreate,
                message,
                None,
                self.settings.timeout,
                |mut client, request| async move { client.token_flow_create(request).await },
            )
            .await?;
        if answer.token_flow_id.is_empty() || answer.wait_secret.is_empty() {
            return Err(self.bad_answer(Rpc::TokenFlowCreate, "no token_flow_id or wait_secret"));
        }
        if !(answer.web_url.starts_with("https://") || answer.web_url.starts_with("http://")) {
            return Err(self.bad_answer(Rpc::TokenFlowCreate, "a web_url that is not a web page"));
        }
        Ok(Flow {
            token_flow_id: answer.token_flow_id,
            web_url: answer.web_url,
            code: answer.code,
            wait_secret: Secret::new(answer.wait_secret),
        })
    }

    pub async fn wait_flow(
        &self,
        flow: &Flow,
        hold: Duration,
        deadline: Duration,
    ) -> Result<Option<Minted>> {
        let message = TokenFlowWaitRequest {
            timeout: hold.as_secs_f32(),
            token_flow_id: flow.token_flow_id.clone(),
            wait_secret: flow.wait_secret.expose().to_owned(),
        };
        let answer = self
            .call(
                Rpc::TokenFlowWait,
                message,
                None,
                deadline,
                |mut client, request| async move { client.token_flow_wait(request).await },
            )
            .await?;
        if answer.timeout {
            return Ok(None);
        }
        let workspace_username = Some(answer.workspace_username).filter(|u| !u.is_empty());
        Ok(Some(Minted {
            credentials: Credentials::new(answer.token_id, Secret::new(answer.token_secret)),
            workspace_username,
        }))
    }

    pub async fn hello(&self, credentials: &Credentials) -> Result<()> {
        let answer = self
            .call(
                Rpc::ClientHello,
                (),
                Some(Auth::Token(credentials.clone())),
                self.settings.timeout,
                |mut client, request| async move { client.client_hello(request).await },
            )
            .await?;
        self.report_warnings(answer.server_warnings.into_iter().map(|w| w.message));
        Ok(())
    }

    pub async fn username(&self, auth: &Auth) -> Result<String> {
        let answer = self
            .call(
                Rpc::WorkspaceNameLookup,
                (),
                Some(auth.clone()),
                self.settings.timeout,
                |mut client, request| async move { client.workspace_name_lookup(request).await },
            )
            .await?;
        Ok(answer.username)
    }

    pub async fn token_info(&self, credentials: &Credentials) -> Result<TokenInfo> {
        let answer = self
            .call(
                Rpc::TokenInfoGet,
                TokenInfoGetRequest {},
                Some(Auth::Token(credentials.clone())),
                self.settings.timeout,
                |mut client, request| async move { client.token_info_get(request).await },
            )
            .await?;
        let seconds = |t: Option<prost_types::Timestamp>| t.map(|t| t.seconds).filter(|s| *s > 0);
        Ok(TokenInfo {
            token_id: sanitize(&answer.token_id),
            token_name: Some(sanitize(&answer.token_name)).filter(|n| !n.is_empty()),
            workspace_id: sanitize(&answer.workspace_id),
            workspace_name: sanitize(&answer.workspace_name),
            identity: answer.identity.map(Identity::from),
            created_at: seconds(answer.created_at),
            expires_at: seconds(answer.expires_at),
        })
    }

    pub async fn delete_token(&self, credentials: &Credentials, token_id: &str) -> Result<()> {
        let message = TokenDeleteRequest {
            token_id: token_id.to_owned(),
        };
        self.call(
            Rpc::TokenDelete,
            message,
            Some(Auth::Token(credentials.clone())),
            self.settings.timeout,
            |mut client, request| async move { client.token_delete(request).await },
        )
        .await
    }

    fn bad_answer(&self, rpc: Rpc, what: &str) -> Error {
        Error::NotModalApi {
            url: self.candidate.url.clone(),
            server_source: self.server.source.clone(),
            detail: format!("its {} answer had {what}", rpc.name()),
        }
    }
}
