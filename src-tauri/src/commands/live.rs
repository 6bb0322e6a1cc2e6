//! Commands that talk to MCP servers. They run on the async runtime (network) and hand store
//! and keyring work to the core, which runs it on the blocking pool.

use std::time::Duration;

use patchbay_core::live::{
    self, ConnectionReport, DefinitionDiff, PromptDetail, StoredCapabilities, SyncItem, SyncReport,
    ToolCallResult, ToolDetail, UnsavedTest,
};
use patchbay_core::servers::ApprovalState;
use patchbay_core::workspaces::Workspace;
use serde::Deserialize;
use tauri::State;
use tauri::ipc::Channel;
use ts_rs::TS;

use super::servers::ServerRef;
use super::{CommandResult, core};
use crate::state::AppState;

fn timeout(ms: Option<u32>) -> Duration {
    ms.map_or(live::DEFAULT_TIMEOUT, |ms| Duration::from_millis(ms.into()))
}

#[derive(Debug, Deserialize, TS)]
#[ts(export)]
pub struct WorkspaceRef {
    pub workspace: String,
}

/// One tool of a server.
#[derive(Debug, Deserialize, TS)]
#[ts(export)]
pub struct ToolRef {
    pub workspace: String,
    pub server: String,
    pub tool: String,
}

#[derive(Debug, Deserialize, TS)]
#[ts(export)]
pub struct ToolApprovalInput {
    pub workspace: String,
    pub server: String,
    /// One tool; none for every tool waiting (approve) or every tool (deny).
    #[ts(optional)]
    pub tool: Option<String>,
    pub state: ApprovalState,
}

#[derive(Debug, Deserialize, TS)]
#[ts(export)]
pub struct PromptRef {
    pub workspace: String,
    pub server: String,
    pub prompt: String,
}

#[derive(Debug, Deserialize, TS)]
#[ts(export)]
pub struct PromptApprovalInput {
    pub workspace: String,
    pub server: String,
    /// One prompt; none for every prompt waiting (approve) or every prompt (deny).
    #[ts(optional)]
    pub prompt: Option<String>,
    pub state: ApprovalState,
}

/// One resource of a server, by URI.
#[derive(Debug, Deserialize, TS)]
#[ts(export)]
pub struct ResourceRef {
    pub workspace: String,
    pub server: String,
    pub uri: String,
}

/// A tool call or a prompt: `name` is the tool or the prompt.
#[derive(Debug, Deserialize, TS)]
#[ts(export)]
pub struct UseServerInput {
    pub workspace: String,
    pub server: String,
    pub name: String,
    #[ts(type = "Record<string, unknown>")]
    #[serde(default)]
    pub args: serde_json::Value,
}

#[derive(Debug, Deserialize, TS)]
#[ts(export)]
pub struct AutoApproveInput {
    pub workspace: String,
    pub on: bool,
}

#[tauri::command]
pub async fn test_server(
    state: State<'_, AppState>,
    input: ServerRef,
) -> CommandResult<ConnectionReport> {
    Ok(state
        .core
        .test_server(&input.workspace, &input.server, timeout(None))
        .await?)
}

#[tauri::command]
pub async fn test_unsaved(
    state: State<'_, AppState>,
    input: UnsavedTest,
) -> CommandResult<ConnectionReport> {
    Ok(state
        .core
        .test_unsaved(input.server, timeout(input.timeout_ms))
        .await?)
}

#[tauri::command]
pub async fn sync_server(
    state: State<'_, AppState>,
    input: ServerRef,
) -> CommandResult<SyncReport> {
    Ok(state
        .core
        .sync_server(&input.workspace, &input.server, timeout(None))
        .await?)
}

/// Syncs every enabled server; each outcome goes to `progress` as it finishes.
#[tauri::command]
pub async fn sync_all(
    state: State<'_, AppState>,
    input: WorkspaceRef,
    progress: Channel<SyncItem>,
) -> CommandResult<u32> {
    let items = state
        .core
        .sync_all(
            &input.workspace,
            timeout(None),
            live::DEFAULT_SYNC_CONCURRENCY,
            |item| {
                let _ = progress.send(item.clone());
            },
        )
        .await?;
    Ok(items.len() as u32)
}

#[tauri::command]
pub async fn list_tools(
    state: State<'_, AppState>,
    input: ServerRef,
) -> CommandResult<Vec<ToolDetail>> {
    core(state, move |c| c.tools(&input.workspace, &input.server)).await
}

#[tauri::command]
pub async fn server_capabilities(
    state: State<'_, AppState>,
    input: ServerRef,
) -> CommandResult<StoredCapabilities> {
    core(state, move |c| {
        c.stored_capabilities(&input.workspace, &input.server)
    })
    .await
}

#[tauri::command]
pub async fn tool_diff(
    state: State<'_, AppState>,
    input: ToolRef,
) -> CommandResult<DefinitionDiff> {
    core(state, move |c| {
        c.tool_diff(&input.workspace, &input.server, &input.tool)
    })
    .await
}

#[tauri::command]
pub async fn set_tool_approval(
    state: State<'_, AppState>,
    input: ToolApprovalInput,
) -> CommandResult<Vec<ToolDetail>> {
    core(state, move |c| {
        c.set_tool_approval(
            &input.workspace,
            &input.server,
            input.tool.as_deref(),
            input.state,
        )
    })
    .await
}

#[tauri::command]
pub async fn list_prompts(
    state: State<'_, AppState>,
    input: ServerRef,
) -> CommandResult<Vec<PromptDetail>> {
    core(state, move |c| c.prompts(&input.workspace, &input.server)).await
}

#[tauri::command]
pub async fn prompt_diff(
    state: State<'_, AppState>,
    input: PromptRef,
) -> CommandResult<DefinitionDiff> {
    core(state, move |c| {
        c.prompt_diff(&input.workspace, &input.server, &input.prompt)
    })
    .await
}

#[tauri::command]
pub async fn set_prompt_approval(
    state: State<'_, AppState>,
    input: PromptApprovalInput,
) -> CommandResult<Vec<PromptDetail>> {
    core(state, move |c| {
        c.set_prompt_approval(
            &input.workspace,
            &input.server,
            input.prompt.as_deref(),
            input.state,
        )
    })
    .await
}

#[tauri::command]
pub async fn call_tool(
    state: State<'_, AppState>,
    input: UseServerInput,
) -> CommandResult<ToolCallResult> {
    let t = timeout(None);
    Ok(state
        .core
        .call_tool(&input.workspace, &input.server, &input.name, input.args, t)
        .await?)
}

#[tauri::command]
pub async fn get_prompt(
    state: State<'_, AppState>,
    input: UseServerInput,
) -> CommandResult<serde_json::Value> {
    let t = timeout(None);
    Ok(state
        .core
        .get_prompt(&input.workspace, &input.server, &input.name, input.args, t)
        .await?)
}

#[tauri::command]
pub async fn read_resource(
    state: State<'_, AppState>,
    input: ResourceRef,
) -> CommandResult<serde_json::Value> {
    Ok(state
        .core
        .read_resource(&input.workspace, &input.server, &input.uri, timeout(None))
        .await?)
}

#[tauri::command]
pub async fn set_auto_approve_first_sync(
    state: State<'_, AppState>,
    input: AutoApproveInput,
) -> CommandResult<Workspace> {
    core(state, move |c| {
        c.set_auto_approve_first_sync(&input.workspace, input.on)
    })
    .await
}
