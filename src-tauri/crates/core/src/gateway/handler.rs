//! The MCP server of one portal: its served tools (approved, enabled, of enabled members)
//! under their exposed names, each call routed to its server over a warm session.

use std::sync::Arc;
use std::time::Instant;

use rmcp::ErrorData as McpError;
use rmcp::handler::server::ServerHandler;
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, Implementation, ListToolsResult,
    PaginatedRequestParams, ServerCapabilities, ServerConfig, Tool,
};
use rmcp::service::{RequestContext, RoleServer};

use super::calllog::{CallLog, CallRecord};
use super::upstreams::Upstreams;
use crate::portals::repo::{self, ServedTool};
use crate::{Patchbay, run_blocking};

pub(crate) struct PortalHandler {
    pub core: Arc<Patchbay>,
    pub portal_id: String,
    pub portal_name: String,
    pub upstreams: Arc<Upstreams>,
    pub log: CallLog,
}

impl PortalHandler {
    /// The tools served now, and whether payloads are logged now: both read at each request,
    /// so a change in the app or CLI applies to the next call.
    async fn served(&self, with_definitions: bool) -> Result<(Vec<ServedTool>, bool), McpError> {
        let id = self.portal_id.clone();
        run_blocking(&self.core, move |core| {
            core.store().read(|c| {
                let log: bool = c.query_row(
                    "SELECT log_payloads FROM portals WHERE id = ?1",
                    [&id],
                    |r| r.get(0),
                )?;
                Ok((repo::served_tools(c, &id, with_definitions)?, log))
            })
        })
        .await
        .map_err(|e| McpError::internal_error(e.message, None))
    }
}

impl ServerHandler for PortalHandler {
    fn get_info(&self) -> ServerConfig {
        let mut info = ServerConfig::new(ServerCapabilities::builder().enable_tools().build());
        info.server_info = Implementation::new(
            format!("patchbay portal {}", self.portal_name),
            env!("CARGO_PKG_VERSION"),
        );
        info
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, McpError> {
        let tools = self
            .served(true)
            .await?
            .0
            .into_iter()
            .filter_map(|t| serde_json::from_value::<Tool>(t.definition).ok())
            .collect();
        Ok(ListToolsResult::with_all_items(tools))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, McpError> {
        let started = Instant::now();
        let at = crate::clock::now();
        let arguments = request
            .arguments
            .as_ref()
            .map(|a| serde_json::to_string(a).unwrap_or_default());
        let (server_id, log_payloads, outcome) = self.route(&request).await;
        let result_text = match &outcome {
            Ok(result) => serde_json::to_string(result).unwrap_or_default(),
            Err(err) => err.message.to_string(),
        };
        self.log.record(CallRecord {
            at,
            portal_id: self.portal_id.clone(),
            server_id,
            tool: request.name.to_string(),
            duration_ms: started.elapsed().as_millis() as u32,
            outcome: match &outcome {
                Ok(r) if r.is_error == Some(true) => "tool_error",
                Ok(_) => "ok",
                Err(_) => "error",
            }
            .into(),
            error: outcome.as_ref().err().map(|e| e.message.to_string()),
            bytes_in: arguments.as_ref().map_or(0, String::len) as u32,
            bytes_out: result_text.len() as u32,
            arguments: arguments.filter(|_| log_payloads),
            result: log_payloads.then_some(result_text),
        });
        outcome.map(Into::into)
    }
}

impl PortalHandler {
    /// Finds the call's server and makes the call there; the server's id and whether to log
    /// payloads, for the log.
    async fn route(
        &self,
        request: &CallToolRequestParams,
    ) -> (
        Option<String>,
        bool,
        Result<rmcp::model::CallToolResult, McpError>,
    ) {
        let (served, log) = match self.served(false).await {
            Ok(served) => served,
            Err(err) => return (None, false, Err(err)),
        };
        let (server_id, outcome) = self.call_upstream(&served, request).await;
        (server_id, log, outcome)
    }

    async fn call_upstream(
        &self,
        served: &[ServedTool],
        request: &CallToolRequestParams,
    ) -> (
        Option<String>,
        Result<rmcp::model::CallToolResult, McpError>,
    ) {
        let Some(target) = served.iter().find(|t| t.exposed_name == request.name) else {
            return (
                None,
                Err(McpError::invalid_params(
                    format!("this portal serves no tool named '{}'", request.name),
                    None,
                )),
            );
        };
        let server_id = Some(target.server_id.clone());
        let mut upstream_request = request.clone();
        upstream_request.name = target.tool.clone().into();
        // One retry on a fresh session: the warm one may have died since its last use.
        let mut last_error = None;
        for _ in 0..2 {
            let session = match self.upstreams.get(&self.core, &target.server_id).await {
                Ok(session) => session,
                Err(e) => {
                    let message = format!(
                        "'{}' could not reach its server: {}",
                        request.name, e.message
                    );
                    return (server_id, Err(McpError::internal_error(message, None)));
                }
            };
            match session
                .service
                .peer()
                .call_tool(upstream_request.clone())
                .await
            {
                Ok(result) => return (server_id, Ok(result)),
                Err(rmcp::ServiceError::McpError(data)) => return (server_id, Err(data)),
                Err(err) => {
                    self.upstreams.forget(&target.server_id, &session).await;
                    last_error = Some(err.to_string());
                }
            }
        }
        let message = format!(
            "the server behind '{}' failed: {}",
            request.name,
            last_error.unwrap_or_default()
        );
        (server_id, Err(McpError::internal_error(message, None)))
    }
}
