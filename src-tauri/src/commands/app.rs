use tauri::State;

use super::CommandResult;
use crate::state::{AppInfo, AppState};

#[tauri::command]
pub async fn app_info(state: State<'_, AppState>) -> CommandResult<AppInfo> {
    let mut info = state.info.clone();
    let gateway = state.gateway.lock().unwrap_or_else(|e| e.into_inner());
    (info.gateway_address, info.gateway_error) = gateway.clone();
    Ok(info)
}
