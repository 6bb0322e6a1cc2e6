//! Where Patchbay keeps its files.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

pub const DATA_DIR_ENV: &str = "PATCHBAY_DATA_DIR";
pub const DATABASE_FILE: &str = "patchbay.db";

/// The data dir: the one given, else `PATCHBAY_DATA_DIR`, else the OS's per-user data dir
/// (`~/.local/share/patchbay` on Linux).
pub fn data_dir(explicit: Option<&Path>) -> Result<PathBuf> {
    if let Some(dir) = explicit {
        return Ok(dir.to_path_buf());
    }
    if let Some(dir) = std::env::var_os(DATA_DIR_ENV).filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    dirs::data_dir().map(|d| d.join("patchbay")).ok_or_else(|| {
        Error::internal(format!(
            "cannot tell this user's data directory; set {DATA_DIR_ENV} or pass --data-dir"
        ))
    })
}

pub fn ensure_dir(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| {
        Error::internal(format!(
            "cannot create the data directory {}: {e}",
            dir.display()
        ))
    })
}
