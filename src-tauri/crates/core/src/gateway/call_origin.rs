//! Where a relayed tool call came from, for what its server asks during it: the client (its
//! era and capabilities), the call log that notes each request, and the window that asks the
//! user when the client cannot.

use std::sync::Arc;

use rmcp::model::{ProtocolVersion, ResultType};
use rmcp::service::{RequestContext, RoleServer};

use super::calllog::CallRecord;
use super::handler::PortalHandler;
use super::portal_state::Source;
use crate::asked_in_window::WindowAsk;
use crate::live::relayed_calls::{self, CallOrigin};

pub(super) fn is_modern(context: &RequestContext<RoleServer>) -> bool {
    context
        .protocol_version()
        .is_some_and(|v| v >= ProtocolVersion::V_2026_07_28)
}

/// A 2026-07-28 client reads `resultType`, which an `initialize`-era server's answer lacks.
pub(super) fn complete_for(
    context: &RequestContext<RoleServer>,
    result_type: &mut Option<ResultType>,
) {
    if result_type.is_none() && is_modern(context) {
        *result_type = Some(ResultType::COMPLETE);
    }
}

impl PortalHandler {
    /// The origin of this session's call of `tool` on `server_id`.
    pub(super) fn call_origin(
        &self,
        context: &RequestContext<RoleServer>,
        server_id: &str,
        tool: &str,
    ) -> CallOrigin {
        CallOrigin {
            client: context.peer.clone(),
            client_id: self.client_id,
            request: context.id.clone(),
            scope: self.state.portal_id.clone(),
            capabilities: context.client_capabilities(),
            modern: is_modern(context),
            asks: None,
            log: self.ask_log(server_id, tool),
            window: (self.state.source == Source::Portal).then(|| WindowAsk {
                core: Arc::clone(&self.core),
                portal_id: self.state.portal_id.clone(),
                server_id: server_id.to_string(),
                tool: tool.to_string(),
            }),
        }
    }

    /// Notes in the call log each request a member's server makes of the client during a call
    /// of `tool` (a portal's log; one server's endpoint has none).
    fn ask_log(&self, server_id: &str, tool: &str) -> Option<relayed_calls::AskLog> {
        if self.state.source == Source::Server {
            return None;
        }
        let (log, portal_id) = (self.log.clone(), self.state.portal_id.clone());
        let (server_id, tool) = (server_id.to_string(), tool.to_string());
        Some(std::sync::Arc::new(move |method, outcome, took, error| {
            log.record(CallRecord {
                at: crate::clock::now(),
                portal_id: portal_id.clone(),
                server_id: Some(server_id.clone()),
                tool: tool.clone(),
                method: method.into(),
                duration_ms: took.as_millis() as u32,
                queued_ms: 0,
                outcome,
                error,
                bytes_in: 0,
                bytes_out: 0,
                arguments: None,
                result: None,
            });
        }))
    }
}
