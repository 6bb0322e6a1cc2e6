//! What the app holds while it runs: the core, opened once in `setup()`, and facts about it.

use std::path::Path;
use std::sync::Arc;

use patchbay_core::{Patchbay, paths};
use serde::Serialize;
use ts_rs::TS;

use crate::logging;

/// Facts for the Settings screen and for "copy diagnostics".
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct AppInfo {
    pub version: String,
    /// `release` or `dev` (a debug build, with its own data dir and keyring service).
    pub build: String,
    pub data_dir: String,
    pub database: String,
    pub log_file: String,
    pub keyring_service: String,
    pub schema_version: u32,
    pub os: String,
    /// Where the built-in gateway serves the portals, once it listens.
    pub gateway_address: Option<String>,
    /// Why the gateway is not running (e.g. its port is taken), if it is not.
    pub gateway_error: Option<String>,
}

pub struct AppState {
    pub core: Arc<Patchbay>,
    pub data_dir: std::path::PathBuf,
    pub info: AppInfo,
    /// Why the user's gateway did not start, if it did not.
    pub gateway: std::sync::Mutex<crate::gateway::GatewaySlot>,
    /// The window reported its first frame (logged once).
    pub painted: std::sync::Once,
    _log_guard: Option<logging::Guard>,
}

impl AppState {
    /// Opens the data dir (`PATCHBAY_DATA_DIR` or the OS default) and starts logging there.
    pub fn open() -> Result<AppState, patchbay_core::Error> {
        let data_dir = paths::data_dir(None)?;
        paths::ensure_dir(&data_dir)?;
        let (log_file, log_guard) = logging::init(&data_dir)?;
        let state = Self::new(Patchbay::open(&data_dir)?, &data_dir, &log_file)?;
        tracing::info!(version = %state.info.version, data_dir = %state.info.data_dir, "Patchbay started");
        Ok(AppState {
            _log_guard: Some(log_guard),
            ..state
        })
    }

    /// The state around a core already open (tests give it their own store and secrets).
    pub fn new(
        core: Patchbay,
        data_dir: &Path,
        log_file: &Path,
    ) -> Result<AppState, patchbay_core::Error> {
        let info = AppInfo {
            version: env!("CARGO_PKG_VERSION").to_string(),
            build: paths::BUILD.to_string(),
            data_dir: display(data_dir),
            database: display(&data_dir.join(paths::DATABASE_FILE)),
            log_file: display(log_file),
            keyring_service: core.secrets().describe(),
            schema_version: core.store().schema_version()?,
            os: format!("{} {}", std::env::consts::OS, std::env::consts::ARCH),
            gateway_address: None,
            gateway_error: None,
        };
        Ok(AppState {
            core: Arc::new(core),
            data_dir: data_dir.to_path_buf(),
            info,
            gateway: Default::default(),
            painted: std::sync::Once::new(),
            _log_guard: None,
        })
    }
}

fn display(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}
