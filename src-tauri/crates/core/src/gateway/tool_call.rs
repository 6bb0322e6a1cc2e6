//! A tool call through a portal: to the member serving the tool, in its turn and time bound,
//! across protocol eras, a task followed to its end for a client that cannot take one, and a
//! row in the call log under the tool's exposed name.

use std::time::Instant;

use std::sync::Arc;

use rmcp::ErrorData as McpError;
use rmcp::model::{CallToolRequestParams, CallToolResponse};
use rmcp::service::{RequestContext, RoleServer};

use super::call_origin::complete_for;
use super::calllog::{CallOutcome, CallRecord};
use super::handler::PortalHandler;
use super::portal_state::Source;
use crate::portals::served::ServedCatalog;

impl PortalHandler {
    /// The call of a tool `catalog` serves (by its exposed name, or the server's own).
    pub(super) async fn call_served(
        &self,
        catalog: Arc<ServedCatalog>,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, McpError> {
        let started = Instant::now();
        let at = crate::clock::now();
        let target = catalog.tool(&request.name);
        let (outcome, queued) = match target {
            None => (
                Err(McpError::invalid_params(
                    format!("this portal serves no tool named '{}'", request.name),
                    None,
                )),
                std::time::Duration::ZERO,
            ),
            Some(target) => {
                let mut upstream = request.clone();
                upstream.name = target.upstream.clone().into();
                // The client's progress token is its own: the server gets the upstream
                // session's, routed back to this client while the call runs.
                let client_token = request
                    .meta
                    .as_ref()
                    .and_then(|m| m.get_progress_token())
                    .or_else(|| context.meta.get_progress_token());
                let origin = self.call_origin(&context, &target.server_id, &target.exposed);
                let what = format!("'{}'", request.name);
                let takes_tasks = origin
                    .capabilities
                    .as_ref()
                    .is_some_and(|c| c.supports_tasks());
                self.forward_queued(&target.server_id, &what, &context, async move |s| {
                    let response = crate::live::tool_call_rounds::call_tool(
                        s,
                        upstream.clone(),
                        origin.clone(),
                        client_token.clone(),
                    )
                    .await?;
                    match response {
                        // The client cannot take a task: it gets the task's end.
                        CallToolResponse::Task(handle) if !takes_tasks => {
                            crate::live::tasks::until_done(s.service.peer(), handle, Some(&origin))
                                .await
                                .map(CallToolResponse::Complete)
                        }
                        other => Ok(other),
                    }
                })
                .await
            }
        };
        let mut outcome = outcome;
        match (&mut outcome, target) {
            (Ok(CallToolResponse::Complete(result)), _) => {
                complete_for(&context, &mut result.result_type)
            }
            (Ok(CallToolResponse::Task(handle)), Some(target)) => {
                self.state.tasks.hand(&target.server_id, handle)
            }
            _ => {}
        }
        // The call log is a portal's (one server's endpoint has none yet).
        if self.state.source == Source::Server {
            return outcome;
        }
        let arguments = request
            .arguments
            .as_ref()
            .map(|a| serde_json::to_string(a).unwrap_or_default());
        let result_text = match &outcome {
            Ok(CallToolResponse::Complete(result)) => {
                serde_json::to_string(result).unwrap_or_default()
            }
            Ok(CallToolResponse::InputRequired(result)) => {
                serde_json::to_string(result).unwrap_or_default()
            }
            Ok(CallToolResponse::Task(result)) => serde_json::to_string(result).unwrap_or_default(),
            Ok(_) => String::new(),
            Err(err) => err.message.to_string(),
        };
        let log_payloads = catalog.log_payloads;
        self.log.record(CallRecord {
            at,
            portal_id: self.state.portal_id.clone(),
            server_id: target.map(|t| t.server_id.clone()),
            // An app calls by the server's own name: the log names the tool as the portal serves it.
            tool: target.map_or_else(|| request.name.to_string(), |t| t.exposed.clone()),
            method: "tools/call".into(),
            duration_ms: started.elapsed().as_millis() as u32,
            queued_ms: queued.as_millis() as u32,
            outcome: match &outcome {
                Ok(CallToolResponse::Complete(r)) if r.is_error == Some(true) => {
                    CallOutcome::ToolError
                }
                Ok(CallToolResponse::Complete(_)) => CallOutcome::Ok,
                Ok(CallToolResponse::InputRequired(_)) => CallOutcome::InputRequired,
                Ok(_) => CallOutcome::Task,
                Err(_) => CallOutcome::Error,
            },
            error: outcome.as_ref().err().map(|e| e.message.to_string()),
            bytes_in: arguments.as_ref().map_or(0, String::len) as u32,
            bytes_out: result_text.len() as u32,
            arguments: arguments.filter(|_| log_payloads),
            result: log_payloads.then_some(result_text),
        });
        outcome
    }
}
