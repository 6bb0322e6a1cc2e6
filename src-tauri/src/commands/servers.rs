use patchbay_core::servers::{NewServer, Server, ServerPage, ServerPatch, ServerQuery};
use serde::Deserialize;
use tauri::State;
use ts_rs::TS;

use super::{CommandResult, core};
use crate::state::AppState;

#[derive(Debug, Deserialize, TS)]
#[ts(export)]
pub struct ListServersInput {
    /// Workspace id.
    pub workspace: String,
    pub query: ServerQuery,
}

/// One server of a workspace, by id or name.
#[derive(Debug, Deserialize, TS)]
#[ts(export)]
pub struct ServerRef {
    pub workspace: String,
    pub server: String,
}

#[derive(Debug, Deserialize, TS)]
#[ts(export)]
pub struct CreateServerInput {
    pub workspace: String,
    pub server: NewServer,
}

#[derive(Debug, Deserialize, TS)]
#[ts(export)]
pub struct UpdateServerInput {
    pub workspace: String,
    pub server: String,
    pub patch: ServerPatch,
}

#[tauri::command]
pub async fn list_servers(
    state: State<'_, AppState>,
    input: ListServersInput,
) -> CommandResult<ServerPage> {
    core(state, move |c| {
        c.list_servers(&input.workspace, &input.query)
    })
    .await
}

#[tauri::command]
pub async fn get_server(state: State<'_, AppState>, input: ServerRef) -> CommandResult<Server> {
    core(state, move |c| {
        c.get_server(&input.workspace, &input.server)
    })
    .await
}

#[tauri::command]
pub async fn create_server(
    state: State<'_, AppState>,
    input: CreateServerInput,
) -> CommandResult<Server> {
    core(state, move |c| {
        c.create_server(&input.workspace, input.server)
    })
    .await
}

#[tauri::command]
pub async fn update_server(
    state: State<'_, AppState>,
    input: UpdateServerInput,
) -> CommandResult<Server> {
    core(state, move |c| {
        c.update_server(&input.workspace, &input.server, input.patch)
    })
    .await
}

#[tauri::command]
pub async fn delete_server(state: State<'_, AppState>, input: ServerRef) -> CommandResult<Server> {
    core(state, move |c| {
        c.delete_server(&input.workspace, &input.server)
    })
    .await
}

#[tauri::command]
pub async fn restore_server(state: State<'_, AppState>, input: ServerRef) -> CommandResult<Server> {
    core(state, move |c| {
        c.restore_server(&input.workspace, &input.server)
    })
    .await
}

#[tauri::command]
pub async fn purge_server(state: State<'_, AppState>, input: ServerRef) -> CommandResult<Server> {
    let purged = state
        .core
        .purge_server_revoking(&input.workspace, &input.server)
        .await?;
    if let Some(err) = &purged.revocation_failed {
        tracing::warn!(error = %err, "could not revoke a purged server's OAuth tokens");
    }
    Ok(purged.server)
}
