//! The tasks extension (SEP-2663, `io.modelcontextprotocol/tasks`): a server may answer a
//! `tools/call` with a task, whose state the client polls with `tasks/get` (the result is
//! inlined once it completed), answers the task's input requests with `tasks/update`, and
//! stops with `tasks/cancel`. Patchbay declares the extension to every server, so any call may
//! come back as a task: a portal client that declared the extension gets the task (under a
//! namespaced id, see `gateway::tasks`); for the others, and for Patchbay's own calls, the task
//! is followed here to its end and its result is the call's.

use std::time::Duration;

use rmcp::ErrorData as McpError;
use rmcp::Peer;
use rmcp::ServiceError;
use rmcp::model::{
    CallToolResult, CancelTaskParams, CreateTaskResult, ErrorCode, GetTaskParams, TaskPayload,
    UpdateTaskParams,
};
use rmcp::service::RoleClient;

use super::relayed_calls::CallOrigin;

/// Bounds on how often a task is polled, whatever interval its server suggests.
const POLL_AT_LEAST: Duration = Duration::from_millis(20);
const POLL_AT_MOST: Duration = Duration::from_secs(2);

/// Follows the task `handle` of `peer`'s server to its end: its result, or its error. Input
/// the task asks for goes to the call's client (`origin`); without one it is refused. Dropped
/// before the end (the client cancelled, the time bound passed), the server is told to cancel
/// the task.
pub(crate) async fn until_done(
    peer: &Peer<RoleClient>,
    handle: CreateTaskResult,
    origin: Option<&CallOrigin>,
) -> Result<CallToolResult, ServiceError> {
    let id = handle.task.task_id.clone();
    let mut cancel = CancelOnDrop {
        peer: Some(peer.clone()),
        id: id.clone(),
    };
    let mut interval = handle.task.poll_interval_ms;
    loop {
        let state = peer.get_task(GetTaskParams::new(id.clone())).await?;
        let detailed = state.task;
        interval = detailed.task.poll_interval_ms.or(interval);
        match detailed.payload {
            TaskPayload::Completed { result } => {
                cancel.peer = None;
                return serde_json::from_value(result.into()).map_err(|e| {
                    protocol(format!("its task's result is not a tool's result: {e}"))
                });
            }
            TaskPayload::Failed { error } => {
                cancel.peer = None;
                return Err(ServiceError::McpError(failed(error)));
            }
            TaskPayload::Cancelled => {
                cancel.peer = None;
                return Err(ServiceError::McpError(McpError::internal_error(
                    format!(
                        "the server cancelled the task of this call{}",
                        detailed
                            .task
                            .status_message
                            .map(|m| format!(": {m}"))
                            .unwrap_or_default()
                    ),
                    None,
                )));
            }
            TaskPayload::InputRequired { input_requests } => {
                let Some(origin) = origin else {
                    return Err(ServiceError::McpError(McpError::invalid_request(
                        "the server's task asks for input, and a call made by Patchbay itself has nobody to ask; call the tool through a portal from an AI client",
                        None,
                    )));
                };
                let answers = super::tool_call_rounds::fulfil(origin, Some(input_requests)).await?;
                peer.update_task(UpdateTaskParams::new(id.clone(), answers))
                    .await?;
            }
            TaskPayload::Working => {
                let wait = interval
                    .map(Duration::from_millis)
                    .unwrap_or(POLL_AT_LEAST)
                    .clamp(POLL_AT_LEAST, POLL_AT_MOST);
                tokio::time::sleep(wait).await;
            }
            _ => {
                return Err(protocol(
                    "its task is in a state Patchbay does not know".into(),
                ));
            }
        }
    }
}

fn protocol(message: String) -> ServiceError {
    ServiceError::McpError(McpError::internal_error(
        format!("the server broke the tasks protocol: {message}"),
        None,
    ))
}

/// A failed task's JSON-RPC error, as the call's.
fn failed(error: rmcp::model::JsonObject) -> McpError {
    let code = error
        .get("code")
        .and_then(|c| c.as_i64())
        .and_then(|c| i32::try_from(c).ok())
        .unwrap_or(ErrorCode::INTERNAL_ERROR.0);
    let message = error
        .get("message")
        .and_then(|m| m.as_str())
        .unwrap_or("the task failed")
        .to_string();
    McpError::new(ErrorCode(code), message, error.get("data").cloned())
}

struct CancelOnDrop {
    peer: Option<Peer<RoleClient>>,
    id: String,
}

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        if let Some(peer) = self.peer.take() {
            let id = std::mem::take(&mut self.id);
            tokio::spawn(async move {
                if let Err(err) = peer.cancel_task(CancelTaskParams::new(id)).await {
                    tracing::debug!(error = %err, "a server did not take the cancel of a task");
                }
            });
        }
    }
}
