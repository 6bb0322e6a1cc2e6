use patchbay_core::login_service::{self, LoginService};
use patchbay_core::settings::{Settings, SettingsPatch};
use serde::Deserialize;
use tauri::State;
use ts_rs::TS;

use super::CommandResult;
use crate::gateway::{self, GatewayReport};
use crate::state::{AppInfo, AppState};

#[derive(Debug, Deserialize, TS)]
#[ts(export)]
pub struct StartAtLoginInput {
    pub enabled: bool,
}

#[tauri::command]
pub async fn app_info(state: State<'_, AppState>) -> CommandResult<AppInfo> {
    let mut info = state.info.clone();
    let report = gateway::report(&state.data_dir, &state.gateway).await;
    info.gateway_address = report.status.map(|s| s.address);
    info.gateway_error = report.error;
    Ok(info)
}

/// The window drew its first frame: logged once with the wall-clock time, so that the release
/// figures (tests/bench/release_figures.py) measure start to first paint from outside.
#[tauri::command]
pub fn first_paint(state: State<'_, AppState>) -> CommandResult<()> {
    state.painted.call_once(|| {
        let unix_ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as u64);
        tracing::info!(unix_ms, "first paint");
    });
    Ok(())
}

#[tauri::command]
pub async fn gateway_status(state: State<'_, AppState>) -> CommandResult<GatewayReport> {
    Ok(gateway::report(&state.data_dir, &state.gateway).await)
}

/// Starts the gateway if it is not running (it was stopped from the CLI, say).
#[tauri::command]
pub async fn restart_gateway(state: State<'_, AppState>) -> CommandResult<GatewayReport> {
    gateway::start(&state.data_dir, &state.gateway).await;
    Ok(gateway::report(&state.data_dir, &state.gateway).await)
}

/// Stops the user's gateway (installed clients start it again when they next need it).
#[tauri::command]
pub async fn stop_gateway(state: State<'_, AppState>) -> CommandResult<GatewayReport> {
    patchbay_core::gateway::Daemon::of(&state.data_dir)
        .stop()
        .await?;
    Ok(gateway::report(&state.data_dir, &state.gateway).await)
}

/// Whether the gateway runs at login (a file check, or on Windows a task query: asked by
/// Settings, not polled).
#[tauri::command]
pub async fn login_service_status(state: State<'_, AppState>) -> CommandResult<LoginService> {
    let data_dir = state.data_dir.clone();
    tauri::async_runtime::spawn_blocking(move || login_service::status(&data_dir))
        .await
        .map_err(|e| {
            patchbay_core::Error::internal(format!("the service check did not finish: {e}"))
        })?
        .map_err(Into::into)
}

/// Runs the gateway at login (the OS's per-user service), or stops doing so.
#[tauri::command]
pub async fn set_start_at_login(
    state: State<'_, AppState>,
    input: StartAtLoginInput,
) -> CommandResult<LoginService> {
    let data_dir = state.data_dir.clone();
    tauri::async_runtime::spawn_blocking(move || {
        if input.enabled {
            login_service::install(&gateway::cli(), &data_dir)
        } else {
            login_service::uninstall(&data_dir)
        }
    })
    .await
    .map_err(|e| patchbay_core::Error::internal(format!("the service change did not finish: {e}")))?
    .map_err(Into::into)
}

/// Settings of the data dir (the user's gateway reads them too).
#[tauri::command]
pub async fn get_settings(state: State<'_, AppState>) -> CommandResult<Settings> {
    super::core(state, |c| c.settings()).await
}

#[tauri::command]
pub async fn update_settings(
    state: State<'_, AppState>,
    input: SettingsPatch,
) -> CommandResult<Settings> {
    super::core(state, move |c| c.update_settings(input)).await
}
