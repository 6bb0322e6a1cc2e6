//! The built-in gateway while the window is open: started at launch, and started again from
//! the window when it could not start (its port taken, say, by a `patchbay serve`).

use std::sync::{Arc, Mutex};

use patchbay_core::Patchbay;
use patchbay_core::gateway::{Gateway, GatewayStatus};
use serde::Serialize;
use ts_rs::TS;

#[derive(Default)]
pub struct GatewaySlot {
    running: Option<Arc<Gateway>>,
    error: Option<String>,
}

/// The gateway as the window shows it: what it serves, or why it is not running.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct GatewayReport {
    /// The port it listens on or tried to (`PATCHBAY_GATEWAY_PORT`, else the default).
    pub port: u16,
    pub status: Option<GatewayStatus>,
    pub error: Option<String>,
}

/// Starts the gateway unless it runs; records the outcome.
pub async fn start(core: Arc<Patchbay>, slot: &Mutex<GatewaySlot>) {
    if lock(slot).running.is_some() {
        return;
    }
    let port = patchbay_core::portals::gateway_port();
    let started = patchbay_core::gateway::start(core, port).await;
    let mut slot = lock(slot);
    match started {
        Ok(gateway) => {
            slot.running = Some(Arc::new(gateway));
            slot.error = None;
        }
        // A concurrent start may have won meanwhile: its gateway runs, this error is moot.
        Err(err) if slot.running.is_none() => {
            tracing::warn!(error = %err, "the gateway did not start");
            slot.error = Some(err.message);
        }
        Err(_) => {}
    }
}

pub async fn report(slot: &Mutex<GatewaySlot>) -> GatewayReport {
    let (running, error) = {
        let slot = lock(slot);
        (slot.running.clone(), slot.error.clone())
    };
    let status = match running {
        Some(gateway) => Some(gateway.status().await),
        None => None,
    };
    GatewayReport {
        port: patchbay_core::portals::gateway_port(),
        status,
        error,
    }
}

/// The address it serves at and the error, for AppInfo.
pub fn summary(slot: &Mutex<GatewaySlot>) -> (Option<String>, Option<String>) {
    let slot = lock(slot);
    let address = slot.running.as_ref().map(|g| format!("http://{}", g.addr));
    (address, slot.error.clone())
}

fn lock(slot: &Mutex<GatewaySlot>) -> std::sync::MutexGuard<'_, GatewaySlot> {
    slot.lock().unwrap_or_else(|e| e.into_inner())
}
