//! Workspace export and import: thin calls into the core.

use std::path::PathBuf;

use patchbay_core::transfer::{ImportRisk, ImportSecrets, WorkspaceExport, WorkspaceImportReport};
use serde::Deserialize;
use tauri::State;
use ts_rs::TS;

use super::live::WorkspaceRef;
use super::{CommandResult, core};
use crate::state::AppState;

#[derive(Debug, Deserialize, TS)]
#[ts(export)]
pub struct ImportWorkspaceInput {
    pub document: WorkspaceExport,
    /// Another name than the exported one.
    #[ts(optional)]
    pub name: Option<String>,
    /// By server name; values go to the keyring.
    pub secrets: ImportSecrets,
    /// The user saw the export's risks (`import_risks`) and wants them.
    #[serde(default)]
    #[ts(as = "Option<bool>", optional)]
    pub accept_risks: bool,
}

#[derive(Debug, Deserialize, TS)]
#[ts(export)]
pub struct ImportRisksInput {
    pub document: WorkspaceExport,
}

/// Writes the export into the data dir's `exports/` folder; answers its path.
#[tauri::command]
pub async fn export_workspace(
    state: State<'_, AppState>,
    input: WorkspaceRef,
) -> CommandResult<String> {
    let dir = PathBuf::from(&state.info.data_dir).join("exports");
    core(state, move |c| {
        c.export_workspace_to(&input.workspace, &dir)
            .map(|p| p.to_string_lossy().into_owned())
    })
    .await
}

#[tauri::command]
pub async fn import_workspace(
    state: State<'_, AppState>,
    input: ImportWorkspaceInput,
) -> CommandResult<WorkspaceImportReport> {
    core(state, move |c| {
        c.import_workspace(
            &input.document,
            input.name.as_deref().filter(|n| !n.trim().is_empty()),
            input.secrets,
            input.accept_risks,
        )
    })
    .await
}

/// What importing the document would run or open up, for the dialog to ask about.
#[tauri::command]
pub async fn import_risks(input: ImportRisksInput) -> CommandResult<Vec<ImportRisk>> {
    Ok(input.document.risks())
}
