//! The user's gateway as the window sees it. The gateway is a background process of its own
//! (`patchbay serve --background`, one per data dir): the app starts it when none runs,
//! restarts it when it runs an older Patchbay than the app (after an upgrade), and reports on
//! it. Closing the window leaves it serving.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use patchbay_core::gateway::Daemon;
use patchbay_core::gateway::GatewayStatus;
use serde::Serialize;
use ts_rs::TS;

/// Why the last start failed, until one succeeds.
#[derive(Default)]
pub struct GatewaySlot {
    error: Option<String>,
}

/// The gateway as the window shows it: what it serves, or why it is not running.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct GatewayReport {
    /// The port it was asked to listen on (`PATCHBAY_GATEWAY_PORT`, else the default).
    pub port: u16,
    pub status: Option<GatewayStatus>,
    pub error: Option<String>,
    /// The background process serving, while it runs.
    pub pid: Option<u32>,
}

/// The `patchbay` CLI a bridge entry and the background gateway run: beside the app's
/// executable, else on the PATH.
pub fn cli() -> PathBuf {
    std::env::current_exe()
        .ok()
        .and_then(|exe| {
            Some(exe.parent()?.join(if cfg!(windows) {
                "patchbay.exe"
            } else {
                "patchbay"
            }))
        })
        .filter(|p| p.is_file())
        .unwrap_or_else(|| PathBuf::from("patchbay"))
}

/// Starts the gateway unless it runs; one that runs another version is restarted.
pub async fn start(data_dir: &Path, slot: &Mutex<GatewaySlot>) {
    let started = Daemon::of(data_dir).ensure_current(&cli()).await;
    let mut slot = lock(slot);
    match started {
        Ok(status) => {
            tracing::info!(address = ?status.address, pid = ?status.pid, "gateway running");
            slot.error = None;
        }
        Err(err) => {
            tracing::warn!(error = %err, "the gateway did not start");
            slot.error = Some(err.message);
        }
    }
}

pub async fn report(data_dir: &Path, slot: &Mutex<GatewaySlot>) -> GatewayReport {
    let now = Daemon::of(data_dir).status().await;
    let error = if now.running {
        None
    } else {
        Some(
            lock(slot)
                .error
                .clone()
                .unwrap_or_else(|| "not running".to_string()),
        )
    };
    GatewayReport {
        port: patchbay_core::portals::gateway_port(),
        status: now.status,
        error,
        pid: now.pid,
    }
}

fn lock(slot: &Mutex<GatewaySlot>) -> std::sync::MutexGuard<'_, GatewaySlot> {
    slot.lock().unwrap_or_else(|e| e.into_inner())
}
