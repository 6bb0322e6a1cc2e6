//! Where Patchbay keeps its files, and keeping them private: the data dir holds the database,
//! logs and backups of client configs (some hold tokens), so only the user may read it.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

pub const DATA_DIR_ENV: &str = "PATCHBAY_DATA_DIR";
pub const DATABASE_FILE: &str = "patchbay.db";

/// A debug build (`make run`, `cargo run`) keeps data and keyring entries of its own: a
/// migration on a branch would otherwise lock the released app out of the user's database
/// ("written by a newer Patchbay"), and a test run would touch the user's tokens.
pub const DEV_BUILD: bool = cfg!(debug_assertions);

/// The name of the data dir and of the keyring service when nothing else is said.
pub const APP_NAME: &str = if DEV_BUILD {
    "patchbay-dev"
} else {
    "patchbay"
};

/// `release` or `dev`, as Settings and `--version` say it.
pub const BUILD: &str = if DEV_BUILD { "dev" } else { "release" };

/// The data dir: the one given, else `PATCHBAY_DATA_DIR`, else the OS's per-user data dir
/// (`~/.local/share/patchbay` on Linux; `patchbay-dev` for a debug build).
pub fn data_dir(explicit: Option<&Path>) -> Result<PathBuf> {
    if let Some(dir) = explicit {
        return Ok(dir.to_path_buf());
    }
    if let Some(dir) = std::env::var_os(DATA_DIR_ENV).filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    default_data_dir().ok_or_else(|| {
        Error::internal("cannot tell this user's data directory; name one").at_field("data_dir")
    })
}

/// The OS's per-user data dir for Patchbay, whatever the environment says.
pub fn default_data_dir() -> Option<PathBuf> {
    dirs::data_dir().map(|d| d.join(APP_NAME))
}

/// Creates the data dir if needed and makes it private to the user (0700).
pub fn ensure_dir(dir: &Path) -> Result<()> {
    private_dir(dir).map_err(|e| {
        Error::internal(format!(
            "cannot create the data directory {}: {e}",
            dir.display()
        ))
    })
}

/// Creates `dir` (and its parents) if needed; `dir` itself is made 0700 on Unix.
pub fn private_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    set_mode(dir, 0o700)
}

/// Creates `file` empty if it does not exist, 0600 from its first byte, and makes an existing
/// one 0600 too: for files whose content may be secret or personal.
pub fn private_file(file: &Path) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(file)?;
    set_mode(file, 0o600)
}

/// Sets Unix permission bits; elsewhere the user's profile folders are private already.
pub fn set_mode(path: &Path, mode: u32) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
    }
    #[cfg(not(unix))]
    {
        let _ = (path, mode);
        Ok(())
    }
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn private_files_and_dirs_are_the_users_alone() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("a/b");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        private_dir(&dir).unwrap();
        assert_eq!(mode(&dir), 0o700);

        let file = dir.join("f");
        std::fs::write(&file, "kept").unwrap();
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        private_file(&file).unwrap();
        assert_eq!(mode(&file), 0o600);
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "kept");

        let new = dir.join("new");
        private_file(&new).unwrap();
        assert_eq!(mode(&new), 0o600);
    }
}
