//! Portal commands: thin calls into the core.

use patchbay_core::asked_in_window::{WindowInputAnswer, WindowInputRequest};
use patchbay_core::gateway::{CallQuery, CallRecord};
use patchbay_core::portals::{MemberSetting, NewPortal, Portal, PortalPatch};
use serde::Deserialize;
use tauri::State;
use ts_rs::TS;

use super::live::WorkspaceRef;
use super::{CommandResult, core};
use crate::state::AppState;

/// One portal of a workspace, by id, slug or name.
#[derive(Debug, Deserialize, TS)]
#[ts(export)]
pub struct PortalRef {
    pub workspace: String,
    pub portal: String,
}

#[derive(Debug, Deserialize, TS)]
#[ts(export)]
pub struct CreatePortalInput {
    pub workspace: String,
    pub portal: NewPortal,
}

#[derive(Debug, Deserialize, TS)]
#[ts(export)]
pub struct UpdatePortalInput {
    pub workspace: String,
    pub portal: String,
    pub patch: PortalPatch,
}

/// One member of a portal.
#[derive(Debug, Deserialize, TS)]
#[ts(export)]
pub struct MemberRef {
    pub workspace: String,
    pub portal: String,
    pub server: String,
}

#[derive(Debug, Deserialize, TS)]
#[ts(export)]
pub struct PortalMemberInput {
    pub workspace: String,
    pub portal: String,
    pub server: String,
    #[serde(default)]
    pub default_disabled: bool,
    /// Before its tools' and prompts' names: absent, the default `<slug>__`; `""`, none.
    #[serde(default)]
    #[ts(optional)]
    pub prefix: Option<String>,
}

#[derive(Debug, Deserialize, TS)]
#[ts(export)]
pub struct MemberPrefixInput {
    pub workspace: String,
    pub portal: String,
    pub server: String,
    /// Absent or null: back to the default `<slug>__`; `""`: none.
    #[serde(default)]
    #[ts(optional)]
    pub prefix: Option<String>,
}

#[derive(Debug, Deserialize, TS)]
#[ts(export)]
pub struct PortalToolInput {
    pub workspace: String,
    pub portal: String,
    pub server: String,
    pub tool: String,
    pub enabled: bool,
    #[ts(optional)]
    pub alias: Option<String>,
}

#[derive(Debug, Deserialize, TS)]
#[ts(export)]
pub struct MemberSettingInput {
    pub workspace: String,
    pub portal: String,
    pub server: String,
    pub change: MemberSetting,
}

#[derive(Debug, Deserialize, TS)]
#[ts(export)]
pub struct PortalPromptInput {
    pub workspace: String,
    pub portal: String,
    pub server: String,
    pub prompt: String,
    pub enabled: bool,
    #[ts(optional)]
    pub alias: Option<String>,
}

#[derive(Debug, Deserialize, TS)]
#[ts(export)]
pub struct PortalCallsInput {
    pub workspace: String,
    pub portal: String,
    pub query: CallQuery,
}

#[tauri::command]
pub async fn list_portals(
    state: State<'_, AppState>,
    input: WorkspaceRef,
) -> CommandResult<Vec<Portal>> {
    core(state, move |c| c.list_portals(&input.workspace)).await
}

#[tauri::command]
pub async fn get_portal(state: State<'_, AppState>, input: PortalRef) -> CommandResult<Portal> {
    core(state, move |c| {
        c.get_portal(&input.workspace, &input.portal)
    })
    .await
}

#[tauri::command]
pub async fn create_portal(
    state: State<'_, AppState>,
    input: CreatePortalInput,
) -> CommandResult<Portal> {
    core(state, move |c| {
        c.create_portal(&input.workspace, input.portal)
    })
    .await
}

#[tauri::command]
pub async fn update_portal(
    state: State<'_, AppState>,
    input: UpdatePortalInput,
) -> CommandResult<Portal> {
    core(state, move |c| {
        c.update_portal(&input.workspace, &input.portal, input.patch)
    })
    .await
}

#[tauri::command]
pub async fn delete_portal(state: State<'_, AppState>, input: PortalRef) -> CommandResult<Portal> {
    core(state, move |c| {
        c.delete_portal(&input.workspace, &input.portal)
    })
    .await
}

#[tauri::command]
pub async fn rotate_portal_token(
    state: State<'_, AppState>,
    input: PortalRef,
) -> CommandResult<Portal> {
    core(state, move |c| {
        c.rotate_portal_token(&input.workspace, &input.portal)
    })
    .await
}

#[tauri::command]
pub async fn add_portal_server(
    state: State<'_, AppState>,
    input: PortalMemberInput,
) -> CommandResult<Portal> {
    core(state, move |c| {
        c.add_portal_server(
            &input.workspace,
            &input.portal,
            &input.server,
            input.default_disabled,
            input.prefix.as_deref(),
        )
    })
    .await
}

#[tauri::command]
pub async fn set_member_prefix(
    state: State<'_, AppState>,
    input: MemberPrefixInput,
) -> CommandResult<Portal> {
    core(state, move |c| {
        c.set_member_prefix(
            &input.workspace,
            &input.portal,
            &input.server,
            input.prefix.as_deref(),
        )
    })
    .await
}

#[tauri::command]
pub async fn remove_portal_server(
    state: State<'_, AppState>,
    input: MemberRef,
) -> CommandResult<Portal> {
    core(state, move |c| {
        c.remove_portal_server(&input.workspace, &input.portal, &input.server)
    })
    .await
}

#[tauri::command]
pub async fn set_portal_tool(
    state: State<'_, AppState>,
    input: PortalToolInput,
) -> CommandResult<Portal> {
    core(state, move |c| {
        c.set_portal_tool(
            &input.workspace,
            &input.portal,
            &input.server,
            &input.tool,
            input.enabled,
            input.alias.as_deref().filter(|a| !a.trim().is_empty()),
        )
    })
    .await
}

#[tauri::command]
pub async fn update_member(
    state: State<'_, AppState>,
    input: MemberSettingInput,
) -> CommandResult<Portal> {
    core(state, move |c| {
        c.update_member(&input.workspace, &input.portal, &input.server, input.change)
    })
    .await
}

#[tauri::command]
pub async fn set_portal_prompt(
    state: State<'_, AppState>,
    input: PortalPromptInput,
) -> CommandResult<Portal> {
    core(state, move |c| {
        c.set_portal_prompt(
            &input.workspace,
            &input.portal,
            &input.server,
            &input.prompt,
            input.enabled,
            input.alias.as_deref().filter(|a| !a.trim().is_empty()),
        )
    })
    .await
}

#[tauri::command]
pub async fn portal_calls(
    state: State<'_, AppState>,
    input: PortalCallsInput,
) -> CommandResult<Vec<CallRecord>> {
    core(state, move |c| {
        c.portal_calls(&input.workspace, &input.portal, &input.query)
    })
    .await
}

#[derive(Debug, Deserialize, TS)]
#[ts(export)]
pub struct WindowAnswerInput {
    pub id: String,
    pub answer: WindowInputAnswer,
}

/// Input servers ask of portal clients that cannot give it, waiting for the user here.
#[tauri::command]
pub async fn window_input_requests(
    state: State<'_, AppState>,
) -> CommandResult<Vec<WindowInputRequest>> {
    core(state, move |c| c.window_input_requests()).await
}

#[tauri::command]
pub async fn answer_window_input_request(
    state: State<'_, AppState>,
    input: WindowAnswerInput,
) -> CommandResult<()> {
    core(state, move |c| {
        c.answer_window_input_request(&input.id, input.answer)
    })
    .await
}
