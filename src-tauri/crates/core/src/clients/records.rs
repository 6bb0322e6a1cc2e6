//! The `installations` table, and drift: how an installed entry compares with what was written.

use std::path::Path;

use rusqlite::{Connection, OptionalExtension, Row, params};

use super::config_file::{self, Entries};
use super::model::{Drift, Installation};
use super::registry;
use crate::error::Result;
use crate::servers::repo::parsed_column;

pub(crate) struct Record {
    pub installation: Installation,
    pub entry_hash: String,
    pub created_container: bool,
    pub created_file: bool,
    /// The install added the file's `inputs` array (see `ClientSpec::secret_inputs_key`).
    pub created_inputs: bool,
}

const COLUMNS: &str = "i.id, i.workspace_id, i.client_id, i.file, i.project_dir, i.entry_name,
    i.target_kind, i.target_id, i.mode, i.backup, i.installed_at, i.entry_hash,
    i.created_container, i.created_file,
    COALESCE(p.name, s.name), i.created_inputs";

const FROM: &str = "FROM installations i
    LEFT JOIN portals p ON i.target_kind = 'portal' AND p.id = i.target_id
    LEFT JOIN servers s ON i.target_kind = 'server' AND s.id = i.target_id AND s.deleted_at IS NULL";

/// Whether the entry is a project's private one: the user's file, with a project.
pub(crate) fn is_private(client_id: &str, file: &str, project_dir: Option<&str>) -> bool {
    registry::find(client_id).is_some_and(|spec| {
        super::install::servers_path(spec, Path::new(file), project_dir.map(Path::new)).len()
            > spec.servers_path.len()
    })
}

fn from_row(r: &Row) -> rusqlite::Result<Record> {
    let (client_id, file, project_dir): (String, String, Option<String>) =
        (r.get(2)?, r.get(3)?, r.get(4)?);
    Ok(Record {
        installation: Installation {
            id: r.get(0)?,
            workspace_id: r.get(1)?,
            private: is_private(&client_id, &file, project_dir.as_deref()),
            client_id,
            file,
            project_dir,
            entry_name: r.get(5)?,
            target_kind: parsed_column(r, 6)?,
            target_id: r.get(7)?,
            mode: parsed_column(r, 8)?,
            backup: r.get(9)?,
            installed_at: r.get(10)?,
            target_name: r.get(14)?,
            drift: Drift::InSync,
        },
        entry_hash: r.get(11)?,
        created_container: r.get(12)?,
        created_file: r.get(13)?,
        created_inputs: r.get(15)?,
    })
}

pub(crate) fn insert(tx: &Connection, r: &Record) -> Result<()> {
    let i = &r.installation;
    tx.execute(
        "INSERT INTO installations (id, workspace_id, client_id, file, project_dir, entry_name,
            target_kind, target_id, mode, entry_hash, created_container, created_file, backup,
            installed_at, created_inputs)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)
         ON CONFLICT (file, entry_name) DO UPDATE SET workspace_id = ?2, client_id = ?3,
            project_dir = ?5, target_kind = ?7, target_id = ?8, mode = ?9, entry_hash = ?10,
            backup = ?13, installed_at = ?14, created_inputs = ?15",
        params![
            i.id,
            i.workspace_id,
            i.client_id,
            i.file,
            i.project_dir,
            i.entry_name,
            i.target_kind.as_str(),
            i.target_id,
            i.mode.as_str(),
            r.entry_hash,
            r.created_container,
            r.created_file,
            i.backup,
            i.installed_at,
            r.created_inputs
        ],
    )?;
    Ok(())
}

pub(crate) fn find(conn: &Connection, file: &str, entry: &str) -> Result<Option<Record>> {
    Ok(conn
        .query_row(
            &format!("SELECT {COLUMNS} {FROM} WHERE i.file = ?1 AND i.entry_name = ?2"),
            params![file, entry],
            from_row,
        )
        .optional()?)
}

/// The installation of a target in a file, whatever its entry is called now.
pub(crate) fn find_target(
    conn: &Connection,
    file: &str,
    target_id: &str,
) -> Result<Option<Record>> {
    Ok(conn
        .query_row(
            &format!("SELECT {COLUMNS} {FROM} WHERE i.file = ?1 AND i.target_id = ?2"),
            params![file, target_id],
            from_row,
        )
        .optional()?)
}

/// Every installation of a portal or server, in any workspace's files.
pub(crate) fn of_target(conn: &Connection, target_id: &str) -> Result<Vec<Record>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} {FROM} WHERE i.target_id = ?1 ORDER BY i.installed_at, i.id"
    ))?;
    let rows = stmt
        .query_map([target_id], from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

pub(crate) fn list(conn: &Connection, workspace_id: &str) -> Result<Vec<Record>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} {FROM} WHERE i.workspace_id = ?1 ORDER BY i.installed_at, i.id"
    ))?;
    let rows = stmt
        .query_map([workspace_id], from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Entry names Patchbay wrote into this file.
pub(crate) fn ours(conn: &Connection, file: &str) -> Result<Vec<String>> {
    let mut stmt = conn.prepare("SELECT entry_name FROM installations WHERE file = ?1")?;
    let rows = stmt
        .query_map([file], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<String>>>()?;
    Ok(rows)
}

pub(crate) fn delete(tx: &Connection, id: &str) -> Result<()> {
    tx.execute("DELETE FROM installations WHERE id = ?1", [id])?;
    Ok(())
}

/// How the entry in the file compares with what was written, and the entry as it is there.
pub(crate) fn file_drift(record: &Record) -> (Drift, Option<serde_json::Value>) {
    let i = &record.installation;
    let Some(spec) = registry::find(&i.client_id) else {
        return (Drift::Unreadable, None);
    };
    let path = Path::new(&i.file);
    let text = match config_file::read(path) {
        Ok(Some(text)) => text,
        Ok(None) => return (Drift::FileMissing, None),
        Err(_) => return (Drift::Unreadable, None),
    };
    let entries = Entries {
        format: spec.format,
    };
    let servers_at =
        super::install::servers_path(spec, path, i.project_dir.as_deref().map(Path::new));
    match entries.list(&text, &super::install::keys(&servers_at), &i.file) {
        Err(_) => (Drift::Unreadable, None),
        Ok(list) => match list.into_iter().find(|(name, _)| *name == i.entry_name) {
            None => (Drift::Missing, None),
            Some((_, value)) if crate::live::content_hash(&value) == record.entry_hash => {
                (Drift::InSync, Some(value))
            }
            Some((_, value)) => (Drift::Modified, Some(value)),
        },
    }
}
