//! A client's config file on disk: read (a missing file reads as empty), and replaced
//! atomically after a backup — the new text goes to a temporary file beside it, synced, then
//! renamed over the original, so a crash at any point leaves the original or the new file,
//! never a half-written one, and the backup holds the original either way.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::registry::Format;
use super::{json_entries, toml_entries};
use crate::error::{Error, Result};

pub(crate) fn read(path: &Path) -> Result<Option<String>> {
    match fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::validation(
            "file",
            format!("cannot read {}: {e}", path.display()),
        )),
    }
}

/// The entries of a config file, by format.
pub(crate) struct Entries {
    pub format: Format,
}

impl Entries {
    pub fn list(
        &self,
        text: &str,
        path: &[&str],
        what: &str,
    ) -> Result<Vec<(String, serde_json::Value)>> {
        match self.format {
            Format::Json => json_entries::entries(text, path, what),
            Format::Toml => toml_entries::entries(text, path, what),
        }
    }

    pub fn has_container(&self, text: &str, path: &[&str], what: &str) -> Result<bool> {
        match self.format {
            Format::Json => json_entries::has_container(text, path, what),
            Format::Toml => toml_entries::has_container(text, path, what),
        }
    }

    pub fn upsert(
        &self,
        text: &str,
        path: &[&str],
        name: &str,
        value: &serde_json::Value,
        what: &str,
    ) -> Result<String> {
        match self.format {
            Format::Json => json_entries::upsert(text, path, name, value, what),
            Format::Toml => toml_entries::upsert(text, path, name, value, what),
        }
    }

    pub fn remove(
        &self,
        text: &str,
        path: &[&str],
        name: &str,
        drop_empty: bool,
        what: &str,
    ) -> Result<Option<String>> {
        match self.format {
            Format::Json => json_entries::remove(text, path, name, drop_empty, what),
            Format::Toml => toml_entries::remove(text, path, name, drop_empty, what),
        }
    }
}

/// Copies the current file to `backup` (when there is one), then replaces it with `text`.
pub(crate) fn replace(path: &Path, text: &str, backup: Option<&Path>) -> Result<()> {
    replace_with(path, text, backup, || Ok(()))
}

/// `replace`, with a step between the backup and the rename (tests crash there).
pub(crate) fn replace_with(
    path: &Path,
    text: &str,
    backup: Option<&Path>,
    between: impl FnOnce() -> Result<()>,
) -> Result<()> {
    let io = |what: &str, e: std::io::Error| {
        Error::validation(
            "file",
            format!(
                "cannot {what} {}: {e}; the file is unchanged",
                path.display()
            ),
        )
    };
    let dir = path
        .parent()
        .ok_or_else(|| Error::validation("file", format!("{} has no folder", path.display())))?;
    fs::create_dir_all(dir).map_err(|e| io("create the folder of", e))?;
    let existing = fs::metadata(path).ok();
    if let (Some(_), Some(backup)) = (&existing, backup) {
        if let Some(parent) = backup.parent() {
            fs::create_dir_all(parent).map_err(|e| io("make the backup folder for", e))?;
        }
        fs::copy(path, backup).map_err(|e| io("back up", e))?;
    }
    let temp = temp_path(path);
    let written = (|| {
        let mut file = fs::File::create(&temp)?;
        file.write_all(text.as_bytes())?;
        if let Some(meta) = &existing {
            // Keep the original's permissions (some hold tokens and are private to the user).
            fs::set_permissions(&temp, meta.permissions())?;
        }
        file.sync_all()
    })();
    if let Err(e) = written {
        let _ = fs::remove_file(&temp);
        return Err(io("write", e));
    }
    if let Err(e) = between() {
        let _ = fs::remove_file(&temp);
        return Err(e);
    }
    fs::rename(&temp, path).map_err(|e| {
        let _ = fs::remove_file(&temp);
        io("replace", e)
    })
}

fn temp_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.patchbay-{}.tmp", std::process::id()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_crash_between_backup_and_rename_loses_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("mcp.json");
        let backup = dir.path().join("backups/mcp.json.bak");
        fs::write(&file, "{\"mine\": true}\n").unwrap();
        let crashed = std::panic::catch_unwind(|| {
            let _ = replace_with(&file, "{\"new\": 1}\n", Some(&backup), || {
                panic!("the process dies here")
            });
        });
        assert!(crashed.is_err());
        assert_eq!(fs::read_to_string(&file).unwrap(), "{\"mine\": true}\n");
        assert_eq!(fs::read_to_string(&backup).unwrap(), "{\"mine\": true}\n");

        replace(&file, "{\"new\": 1}\n", Some(&backup)).unwrap();
        assert_eq!(fs::read_to_string(&file).unwrap(), "{\"new\": 1}\n");
        let leftovers: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(
            leftovers.len() <= 1,
            "at most the crashed run's temp file is left"
        );
    }
}
