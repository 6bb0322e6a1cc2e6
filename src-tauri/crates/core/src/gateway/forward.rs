//! How a portal session's request reaches a member: in its turn (a member may take only some
//! calls at once), over its warm session, within its time bound, with the client's
//! cancellation carried through, and what a failure means for the member's health.

use std::time::Duration;

use rmcp::ErrorData as McpError;
use rmcp::service::{RequestContext, RoleServer};

use super::handler::PortalHandler;
use crate::live::Session;

/// How long one request may wait on its server before the client hears that it timed out
/// (the server is told to cancel it), unless the member, the portal or the server has a bound.
pub const DEFAULT_UPSTREAM_TIMEOUT_SECS: u32 = 300;

impl PortalHandler {
    /// Sends one request to a member's server over its warm session (opened again first if it
    /// has closed since its last use). An MCP error from the server passes through as it is.
    /// Nothing is retried once sent: a tool call may not be safe to run twice. A failed
    /// session is dropped, so the next request reconnects. The client's cancellation and the
    /// time bound drop the request, which tells the server to cancel it.
    pub(super) async fn forward<T>(
        &self,
        server_id: &str,
        what: &str,
        context: &RequestContext<RoleServer>,
        send: impl AsyncFn(&Session) -> Result<T, rmcp::ServiceError>,
    ) -> Result<T, McpError> {
        self.forward_queued(server_id, what, context, send).await.0
    }

    /// `forward`, and how long the request waited for its turn under the member's limit.
    pub(super) async fn forward_queued<T>(
        &self,
        server_id: &str,
        what: &str,
        context: &RequestContext<RoleServer>,
        send: impl AsyncFn(&Session) -> Result<T, rmcp::ServiceError>,
    ) -> (Result<T, McpError>, Duration) {
        let catalog = self.state.catalog().await.ok();
        let limit = catalog
            .as_ref()
            .and_then(|c| c.limits.get(server_id).copied());
        let turn = tokio::select! {
            turn = self.state.turns.take(server_id, limit) => turn,
            _ = context.ct.cancelled() => {
                let err = McpError::internal_error(
                    format!("{what} was cancelled by the client while it waited for its turn"),
                    None,
                );
                return (Err(err), Duration::ZERO);
            }
        };
        let bound = catalog
            .as_ref()
            .and_then(|c| c.timeouts.get(server_id).copied())
            .unwrap_or(DEFAULT_UPSTREAM_TIMEOUT_SECS);
        let outcome = self
            .forward_now(
                server_id,
                what,
                context,
                Duration::from_secs(bound.into()),
                send,
            )
            .await;
        (outcome, turn.waited)
    }

    async fn forward_now<T>(
        &self,
        server_id: &str,
        what: &str,
        context: &RequestContext<RoleServer>,
        limit: Duration,
        send: impl AsyncFn(&Session) -> Result<T, rmcp::ServiceError>,
    ) -> Result<T, McpError> {
        let unreachable = async |e: crate::Error| {
            crate::live::record_unreachable(&self.core, server_id, &e).await;
            McpError::internal_error(
                format!("{what} could not reach its server: {}", e.message),
                None,
            )
        };
        let mut session = match self.upstreams.get(&self.core, server_id).await {
            Ok(session) => session,
            Err(e) => return Err(unreachable(e).await),
        };
        if session.service.peer().is_transport_closed() {
            self.upstreams.forget(server_id, &session).await;
            session = match self.upstreams.get(&self.core, server_id).await {
                Ok(session) => session,
                Err(e) => return Err(unreachable(e).await),
            };
        }
        crate::live::client_roots::note_user(&session, self.client_id, &context.peer).await;
        let outcome = tokio::select! {
            outcome = tokio::time::timeout(limit, send(&session)) => outcome,
            _ = context.ct.cancelled() => {
                return Err(McpError::internal_error(
                    format!("{what} was cancelled by the client"),
                    None,
                ));
            }
        };
        match outcome {
            Ok(Ok(result)) => Ok(result),
            Ok(Err(rmcp::ServiceError::McpError(data))) => Err(data),
            Ok(Err(err)) => {
                self.upstreams.forget(server_id, &session).await;
                let err = crate::live::service_error(err, &session.target);
                crate::live::record_unreachable(&self.core, server_id, &err).await;
                Err(McpError::internal_error(
                    format!(
                        "the server behind {what} failed: {}; the next request reconnects",
                        err.message
                    ),
                    None,
                ))
            }
            Err(_) => Err(McpError::internal_error(
                format!(
                    "{what} got no answer from its server within {} s; the server was told to cancel it",
                    limit.as_secs()
                ),
                None,
            )),
        }
    }
}
