use tauri::State;

use super::CommandResult;
use crate::gateway::{self, GatewayReport};
use crate::state::{AppInfo, AppState};

#[tauri::command]
pub async fn app_info(state: State<'_, AppState>) -> CommandResult<AppInfo> {
    let mut info = state.info.clone();
    (info.gateway_address, info.gateway_error) = gateway::summary(&state.gateway);
    Ok(info)
}

#[tauri::command]
pub async fn gateway_status(state: State<'_, AppState>) -> CommandResult<GatewayReport> {
    Ok(gateway::report(&state.gateway).await)
}

/// Starts the gateway if it is not running (its port was taken at launch, say).
#[tauri::command]
pub async fn restart_gateway(state: State<'_, AppState>) -> CommandResult<GatewayReport> {
    gateway::start(std::sync::Arc::clone(&state.core), &state.gateway).await;
    Ok(gateway::report(&state.gateway).await)
}
