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

    /// Whether the top-level member `key` exists, whatever it holds (VS Code's `inputs`).
    pub fn has_member(&self, text: &str, key: &str, what: &str) -> Result<bool> {
        match self.format {
            Format::Json => json_entries::has_member(text, key, what),
            Format::Toml => Ok(false),
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

    /// Adds or replaces the prompted input `id` in the top-level array `key` (VS Code's
    /// `inputs`; only JSON clients have one).
    pub fn upsert_input(
        &self,
        text: &str,
        key: &str,
        id: &str,
        item: &serde_json::Value,
        what: &str,
    ) -> Result<String> {
        match self.format {
            Format::Json => json_entries::upsert_item(text, key, id, item, what),
            Format::Toml => Ok(text.to_string()),
        }
    }

    /// Takes the prompted input `id` out again (and the array, when the install made it and
    /// it is left empty); the text as it is when there is none.
    pub fn remove_input(
        &self,
        text: &str,
        key: &str,
        id: &str,
        drop_empty: bool,
        what: &str,
    ) -> Result<String> {
        Ok(match self.format {
            Format::Json => json_entries::remove_item(text, key, id, drop_empty, what)?,
            Format::Toml => None,
        }
        .unwrap_or_else(|| text.to_string()))
    }

    /// Nothing is left in the file but, perhaps, the empty array `inputs_key` (a file the
    /// install made goes with the uninstall then).
    pub fn holds_nothing(&self, text: &str, inputs_key: Option<&str>) -> bool {
        text.trim().is_empty()
            || (self.format == Format::Json && json_entries::holds_nothing(text, inputs_key))
    }
}

/// How a replaced file is written.
#[derive(Clone, Copy, Default)]
pub(crate) struct ReplaceOptions<'a> {
    /// Where to copy the current file first (a private copy: 0600 in a 0700 folder).
    pub backup: Option<&'a Path>,
    /// The new text holds a secret: the file is made 0600 whatever its mode was.
    pub secret: bool,
}

/// The file a config path names: a symlinked config (dotfiles kept in a repository) is
/// written through to its target, so the link stays a link.
pub(crate) fn resolve(path: &Path) -> PathBuf {
    match fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => {
            fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
        }
        _ => path.to_path_buf(),
    }
}

/// Copies the current file to the backup (when asked), then replaces it with `text`.
pub(crate) fn replace(path: &Path, text: &str, how: ReplaceOptions) -> Result<()> {
    replace_with(path, text, how, || Ok(()))
}

/// `replace`, with a step between the backup and the rename (tests crash there).
pub(crate) fn replace_with(
    path: &Path,
    text: &str,
    how: ReplaceOptions,
    between: impl FnOnce() -> Result<()>,
) -> Result<()> {
    let path = &resolve(path);
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
    if let (Some(_), Some(backup)) = (&existing, how.backup) {
        back_up(path, backup).map_err(|e| io("back up", e))?;
    }
    let temp = temp_path(path);
    // A temp file left by an earlier failed attempt of this process goes first.
    let _ = fs::remove_file(&temp);
    let written = (|| {
        // Private from its first byte: the text may hold a token.
        let mut file = private_create(&temp)?;
        file.write_all(text.as_bytes())?;
        if let (Some(meta), false) = (&existing, how.secret) {
            // Keep the original's permissions when nothing secret is added.
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

/// A new file, 0600 on Unix before anything is written to it.
fn private_create(path: &Path) -> std::io::Result<fs::File> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

/// Backups of one client's files kept; older ones are removed.
pub(crate) const BACKUPS_KEPT: usize = 10;

/// A private copy of `path` (the folder 0700, the copy 0600), then the oldest copies beyond
/// the last [`BACKUPS_KEPT`] go: backups of files holding tokens must not pile up.
fn back_up(path: &Path, backup: &Path) -> std::io::Result<()> {
    let folder = backup.parent().unwrap_or(Path::new("."));
    crate::paths::private_dir(folder)?;
    if let Some(root) = folder
        .parent()
        .filter(|r| r.file_name() == Some("backups".as_ref()))
    {
        crate::paths::set_mode(root, 0o700)?;
    }
    let _ = fs::remove_file(backup);
    let mut copy = private_create(backup)?;
    std::io::copy(&mut fs::File::open(path)?, &mut copy)?;
    copy.sync_all()?;
    let mut kept: Vec<PathBuf> = fs::read_dir(folder)?
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| e.path())
        .collect();
    // Names start with the time they were made: oldest first.
    kept.sort();
    let excess = kept.len().saturating_sub(BACKUPS_KEPT);
    for old in &kept[..excess] {
        fs::remove_file(old)?;
    }
    Ok(())
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
            let how = ReplaceOptions {
                backup: Some(&backup),
                secret: false,
            };
            let _ = replace_with(&file, "{\"new\": 1}\n", how, || {
                panic!("the process dies here")
            });
        });
        assert!(crashed.is_err());
        assert_eq!(fs::read_to_string(&file).unwrap(), "{\"mine\": true}\n");
        assert_eq!(fs::read_to_string(&backup).unwrap(), "{\"mine\": true}\n");

        let how = ReplaceOptions {
            backup: Some(&backup),
            secret: false,
        };
        replace(&file, "{\"new\": 1}\n", how).unwrap();
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

    #[cfg(unix)]
    fn mode(path: &Path) -> u32 {
        use std::os::unix::fs::PermissionsExt;
        fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[cfg(unix)]
    #[test]
    fn a_file_holding_a_secret_is_private_and_a_plain_one_keeps_its_mode() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("settings.json");
        fs::write(&file, "{}").unwrap();
        fs::set_permissions(&file, fs::Permissions::from_mode(0o644)).unwrap();
        replace(&file, "{\"a\": 1}", ReplaceOptions::default()).unwrap();
        assert_eq!(mode(&file), 0o644);
        let secret = ReplaceOptions {
            secret: true,
            ..ReplaceOptions::default()
        };
        replace(&file, "{\"token\": 1}", secret).unwrap();
        assert_eq!(mode(&file), 0o600);

        let new = dir.path().join("new/mcp.json");
        replace(&new, "{}", ReplaceOptions::default()).unwrap();
        assert_eq!(mode(&new), 0o600, "a file Patchbay makes starts private");
    }

    #[cfg(unix)]
    #[test]
    fn a_symlinked_config_is_written_through_to_its_target() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("dotfiles/mcp.json");
        fs::create_dir_all(target.parent().unwrap()).unwrap();
        fs::write(&target, "{}").unwrap();
        let link = dir.path().join("mcp.json");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        replace(&link, "{\"b\": 2}", ReplaceOptions::default()).unwrap();
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(fs::read_to_string(&target).unwrap(), "{\"b\": 2}");
    }

    #[cfg(unix)]
    #[test]
    fn backups_are_private_and_only_the_last_ten_are_kept() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("mcp.json");
        fs::write(&file, "0").unwrap();
        let folder = dir.path().join("backups/cursor");
        for i in 1..=13 {
            let backup = folder.join(format!("{i:02}-mcp.json"));
            let how = ReplaceOptions {
                backup: Some(&backup),
                secret: true,
            };
            replace(&file, &i.to_string(), how).unwrap();
        }
        let mut names: Vec<String> = fs::read_dir(&folder)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names.len(), BACKUPS_KEPT);
        assert_eq!(names[0], "04-mcp.json");
        assert_eq!(
            fs::read_to_string(folder.join("13-mcp.json")).unwrap(),
            "12"
        );
        assert_eq!(mode(&folder), 0o700);
        assert_eq!(mode(&dir.path().join("backups")), 0o700);
        assert_eq!(mode(&folder.join("13-mcp.json")), 0o600);
    }
}
