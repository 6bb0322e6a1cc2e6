use tauri::State;

use super::CommandResult;
use crate::state::{AppInfo, AppState};

#[tauri::command]
pub async fn app_info(state: State<'_, AppState>) -> CommandResult<AppInfo> {
    Ok(state.info.clone())
}
