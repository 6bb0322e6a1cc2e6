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

use super::upstreams::Upstreams;
use crate::portals::repo::{self, ServedTool};
use crate::{Patchbay, run_blocking};

pub(crate) struct PortalHandler {
    pub core: Arc<Patchbay>,
    pub portal_id: String,
    pub portal_name: String,
    pub upstreams: Arc<Upstreams>,
}

impl PortalHandler {
    async fn served(&self) -> Result<Vec<ServedTool>, McpError> {
        let id = self.portal_id.clone();
        run_blocking(&self.core, move |core| {
            core.store().read(|c| repo::served_tools(c, &id))
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
            .served()
            .await?
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
        let served = self.served().await?;
        let Some(target) = served.iter().find(|t| t.exposed_name == request.name) else {
            return Err(McpError::invalid_params(
                format!("this portal serves no tool named '{}'", request.name),
                None,
            ));
        };
        let mut upstream_request = request.clone();
        upstream_request.name = target.tool.clone().into();
        // One retry on a fresh session: the warm one may have died since its last use.
        let mut last_error = None;
        for _ in 0..2 {
            let session = self
                .upstreams
                .get(&self.core, &target.server_id)
                .await
                .map_err(|e| McpError::internal_error(e.message, None))?;
            match session
                .service
                .peer()
                .call_tool(upstream_request.clone())
                .await
            {
                Ok(result) => {
                    tracing::info!(
                        portal = %self.portal_id, server = %target.server_id, tool = %target.tool,
                        ms = started.elapsed().as_millis() as u64, "portal call"
                    );
                    return Ok(result.into());
                }
                Err(rmcp::ServiceError::McpError(data)) => return Err(data),
                Err(err) => {
                    self.upstreams.forget(&target.server_id, &session).await;
                    last_error = Some(err.to_string());
                }
            }
        }
        Err(McpError::internal_error(
            format!(
                "the server behind '{}' failed: {}",
                request.name,
                last_error.unwrap_or_default()
            ),
            None,
        ))
    }
}
