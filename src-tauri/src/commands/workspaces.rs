use patchbay_core::workspaces::Workspace;
use serde::Deserialize;
use tauri::State;
use ts_rs::TS;

use super::{CommandResult, core};
use crate::state::AppState;

#[derive(Debug, Deserialize, TS)]
#[ts(export)]
pub struct CreateWorkspaceInput {
    pub name: String,
}

#[derive(Debug, Deserialize, TS)]
#[ts(export)]
pub struct RenameWorkspaceInput {
    /// Id or name.
    pub workspace: String,
    pub name: String,
}

#[derive(Debug, Deserialize, TS)]
#[ts(export)]
pub struct DeleteWorkspaceInput {
    pub workspace: String,
    pub purge: bool,
}

#[tauri::command]
pub async fn list_workspaces(state: State<'_, AppState>) -> CommandResult<Vec<Workspace>> {
    core(state, |c| c.list_workspaces()).await
}

#[tauri::command]
pub async fn create_workspace(
    state: State<'_, AppState>,
    input: CreateWorkspaceInput,
) -> CommandResult<Workspace> {
    core(state, move |c| c.create_workspace(&input.name)).await
}

#[tauri::command]
pub async fn rename_workspace(
    state: State<'_, AppState>,
    input: RenameWorkspaceInput,
) -> CommandResult<Workspace> {
    core(state, move |c| {
        c.rename_workspace(&input.workspace, &input.name)
    })
    .await
}

#[tauri::command]
pub async fn delete_workspace(
    state: State<'_, AppState>,
    input: DeleteWorkspaceInput,
) -> CommandResult<Workspace> {
    core(state, move |c| {
        c.delete_workspace(&input.workspace, input.purge)
    })
    .await
}
