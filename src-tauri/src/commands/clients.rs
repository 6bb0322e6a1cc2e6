//! AI clients, installations and the catalog: thin calls into the core.

use std::path::PathBuf;

use patchbay_core::Secret;
use patchbay_core::catalog::Template;
use patchbay_core::clients::{
    ClientInfo, ClientServer, Dirs, EntrySnippet, EntryTransport, ImportReport, InstallPlace,
    Installation, Pick,
};
use patchbay_core::servers::Server;
use serde::Deserialize;
use tauri::State;
use ts_rs::TS;

use super::live::WorkspaceRef;
use super::{CommandResult, core};
use crate::state::AppState;

#[derive(Debug, Deserialize, TS)]
#[ts(export)]
pub struct ClientRef {
    pub client: String,
    /// A project folder, for the client's project-level config.
    #[ts(optional)]
    pub project: Option<String>,
    /// With `project`: its private entries in the user's file (Claude Code's local scope).
    #[ts(optional)]
    pub private: Option<bool>,
}

#[derive(Debug, Deserialize, TS)]
#[ts(export)]
pub struct ImportInput {
    pub workspace: String,
    pub client: String,
    #[ts(optional)]
    pub project: Option<String>,
    /// With `project`: its private entries in the user's file (Claude Code's local scope).
    #[ts(optional)]
    pub private: Option<bool>,
    /// These entries; none: all of them.
    #[ts(optional)]
    pub names: Option<Vec<String>>,
}

#[derive(Debug, Deserialize, TS)]
#[ts(export)]
pub struct InstallInput {
    pub workspace: String,
    /// A portal or a server, by id or name.
    pub target: String,
    pub client: String,
    #[ts(optional)]
    pub project: Option<String>,
    /// With `project`: its private entries in the user's file (Claude Code's local scope).
    #[ts(optional)]
    pub private: Option<bool>,
    /// stdio (default): Patchbay's entry through the gateway; http: a URL entry.
    #[ts(optional)]
    pub transport: Option<EntryTransport>,
}

#[derive(Debug, Deserialize, TS)]
#[ts(export)]
pub struct RepairInput {
    pub workspace: String,
    /// One installation; none: every one not in sync.
    #[ts(optional)]
    pub id: Option<String>,
}

#[derive(Debug, Deserialize, TS)]
#[ts(export)]
pub struct CatalogInput {
    #[ts(optional)]
    pub search: Option<String>,
}

#[derive(Debug, Deserialize, TS)]
#[ts(export)]
pub struct InstallTemplateInput {
    pub workspace: String,
    pub template: String,
    #[ts(optional)]
    pub name: Option<String>,
    /// An API-key template's key; it goes to the keyring.
    #[ts(optional, as = "Option<String>")]
    pub api_key: Option<Secret>,
}

#[tauri::command]
pub async fn list_clients(state: State<'_, AppState>) -> CommandResult<Vec<ClientInfo>> {
    core(state, |c| Ok(c.list_clients(&Dirs::from_env()?))).await
}

#[tauri::command]
pub async fn client_servers(
    state: State<'_, AppState>,
    input: ClientRef,
) -> CommandResult<Vec<ClientServer>> {
    core(state, move |c| {
        let project = input.project.filter(|p| !p.is_empty()).map(PathBuf::from);
        c.client_servers(
            &input.client,
            &Dirs::from_env()?,
            project.as_deref(),
            input.private.unwrap_or(false),
        )
    })
    .await
}

#[tauri::command]
pub async fn import_client_servers(
    state: State<'_, AppState>,
    input: ImportInput,
) -> CommandResult<ImportReport> {
    core(state, move |c| {
        let project = input.project.filter(|p| !p.is_empty()).map(PathBuf::from);
        let pick = match &input.names {
            Some(names) => Pick::Named(names),
            None => Pick::All,
        };
        c.import_client_servers(
            &input.workspace,
            &input.client,
            &Dirs::from_env()?,
            project.as_deref(),
            input.private.unwrap_or(false),
            pick,
        )
    })
    .await
}

async fn place_and(
    state: State<'_, AppState>,
    input: InstallInput,
    remove: bool,
) -> CommandResult<Installation> {
    core(state, move |c| {
        let dirs = Dirs::from_env()?;
        let project = input.project.filter(|p| !p.is_empty()).map(PathBuf::from);
        let bridge = crate::gateway::cli();
        let place = InstallPlace {
            client: &input.client,
            project: project.as_deref(),
            dirs: &dirs,
            private: input.private.unwrap_or(false),
            bridge_command: &bridge,
            transport: input.transport.unwrap_or_default(),
        };
        if remove {
            c.uninstall(&input.workspace, &input.target, &place)
        } else {
            c.install(&input.workspace, &input.target, &place)
        }
    })
    .await
}

#[tauri::command]
pub async fn install(
    state: State<'_, AppState>,
    input: InstallInput,
) -> CommandResult<Installation> {
    place_and(state, input, false).await
}

#[tauri::command]
pub async fn uninstall(
    state: State<'_, AppState>,
    input: InstallInput,
) -> CommandResult<Installation> {
    place_and(state, input, true).await
}

#[tauri::command]
pub async fn list_installations(
    state: State<'_, AppState>,
    input: WorkspaceRef,
) -> CommandResult<Vec<Installation>> {
    core(state, move |c| c.list_installations(&input.workspace)).await
}

#[tauri::command]
pub async fn repair_installations(
    state: State<'_, AppState>,
    input: RepairInput,
) -> CommandResult<Vec<Installation>> {
    core(state, move |c| {
        c.repair_installations(&input.workspace, input.id.as_deref())
    })
    .await
}

#[tauri::command]
pub async fn list_templates(input: CatalogInput) -> CommandResult<Vec<Template>> {
    Ok(patchbay_core::catalog::search(input.search.as_deref()))
}

#[tauri::command]
pub async fn install_template(
    state: State<'_, AppState>,
    input: InstallTemplateInput,
) -> CommandResult<Server> {
    core(state, move |c| {
        c.install_template(
            &input.workspace,
            &input.template,
            input.name.filter(|n| !n.trim().is_empty()),
            input.api_key,
        )
    })
    .await
}

#[derive(Debug, Deserialize, TS)]
#[ts(export)]
pub struct EntrySnippetInput {
    pub workspace: String,
    /// A portal or a server, by id or name.
    pub target: String,
    pub client: String,
    #[ts(optional)]
    pub transport: Option<EntryTransport>,
}

#[tauri::command]
pub async fn entry_snippet(
    state: State<'_, AppState>,
    input: EntrySnippetInput,
) -> CommandResult<EntrySnippet> {
    core(state, move |c| {
        c.entry_snippet(
            &input.workspace,
            &input.target,
            &input.client,
            input.transport.unwrap_or_default(),
            &Dirs::from_env()?,
            &crate::gateway::cli(),
        )
    })
    .await
}
