//! Workspaces: the scope every record belongs to. One is the default, made on first open.

use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::{Deserialize, Serialize};

use crate::Patchbay;
use crate::clock;
use crate::error::{Error, Result};
use crate::validate;

pub const DEFAULT_WORKSPACE_NAME: &str = "default";

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, ts_rs::TS)]
#[ts(export)]
pub struct Workspace {
    pub id: String,
    pub name: String,
    pub is_default: bool,
    /// Live (not deleted) servers in the workspace.
    #[ts(type = "number")]
    pub server_count: i64,
    /// Tools of live servers waiting for approval.
    #[ts(type = "number")]
    pub tools_waiting: i64,
    /// Whether a server's first sync approves all its tools.
    pub auto_approve_first_sync: bool,
    /// Enabled live servers that are `error` or `needs_auth`: what the user should look at.
    #[ts(type = "number")]
    pub servers_needing_attention: i64,
    pub created_at: String,
    pub updated_at: String,
}

const SELECT: &str = "SELECT w.id, w.name, w.is_default, w.created_at, w.updated_at,
        (SELECT COUNT(*) FROM servers s WHERE s.workspace_id = w.id AND s.deleted_at IS NULL),
        (SELECT COUNT(*) FROM server_tools t JOIN servers s ON s.id = t.server_id
            WHERE s.workspace_id = w.id AND s.deleted_at IS NULL
            AND t.approval_state = 'needs_approval'),
        w.auto_approve_first_sync,
        (SELECT COUNT(*) FROM servers s WHERE s.workspace_id = w.id AND s.deleted_at IS NULL
            AND s.is_enabled = 1 AND s.status IN ('error', 'needs_auth'))
    FROM workspaces w";

fn from_row(row: &Row) -> rusqlite::Result<Workspace> {
    Ok(Workspace {
        id: row.get(0)?,
        name: row.get(1)?,
        is_default: row.get(2)?,
        created_at: row.get(3)?,
        updated_at: row.get(4)?,
        server_count: row.get(5)?,
        tools_waiting: row.get(6)?,
        auto_approve_first_sync: row.get(7)?,
        servers_needing_attention: row.get(8)?,
    })
}

/// Finds a workspace by id or (case-insensitive) name.
pub(crate) fn find(conn: &Connection, id_or_name: &str) -> Result<Workspace> {
    conn.query_row(
        &format!(
            "{SELECT} WHERE w.id = ?1 OR w.name = ?1 COLLATE NOCASE ORDER BY w.id = ?1 DESC LIMIT 1"
        ),
        [id_or_name],
        from_row,
    )
    .optional()?
    .ok_or_else(|| {
        Error::not_found(format!("no workspace named '{id_or_name}'")).at_field("workspace")
    })
}

/// Fails with `not_found` unless a workspace has this id; cheaper than `find`, which counts
/// the workspace's servers.
pub(crate) fn ensure_exists(conn: &Connection, id: &str) -> Result<()> {
    let exists: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM workspaces WHERE id = ?1)",
        [id],
        |r| r.get(0),
    )?;
    if exists {
        Ok(())
    } else {
        Err(Error::not_found(
            "the workspace no longer exists; pick another one",
        ))
    }
}

fn find_default(conn: &Connection) -> Result<Workspace> {
    conn.query_row(&format!("{SELECT} WHERE w.is_default = 1"), [], from_row)
        .optional()?
        .ok_or_else(|| Error::internal("the default workspace is missing; restart Patchbay"))
}

pub(crate) fn has_default(conn: &Connection) -> Result<bool> {
    Ok(conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM workspaces WHERE is_default = 1)",
        [],
        |r| r.get(0),
    )?)
}

/// Makes the default workspace if there is none; idempotent, and safe against another
/// process doing the same inside its own write transaction.
pub(crate) fn ensure_default(tx: &Connection) -> Result<()> {
    if !has_default(tx)? {
        let now = clock::now();
        // A user may already own a workspace called "default"; then that one becomes it.
        let adopted = tx.execute(
            "UPDATE workspaces SET is_default = 1 WHERE name = ?1 COLLATE NOCASE",
            [DEFAULT_WORKSPACE_NAME],
        )?;
        if adopted == 0 {
            tx.execute(
                "INSERT INTO workspaces (id, name, is_default, created_at, updated_at)
                 VALUES (?1, ?2, 1, ?3, ?3)",
                params![
                    uuid::Uuid::now_v7().to_string(),
                    DEFAULT_WORKSPACE_NAME,
                    now
                ],
            )?;
        }
    }
    Ok(())
}

fn name_taken(conn: &Connection, name: &str, except_id: Option<&str>) -> Result<bool> {
    Ok(conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM workspaces WHERE name = ?1 COLLATE NOCASE AND id IS NOT ?2)",
        params![name, except_id],
        |r| r.get(0),
    )?)
}

fn conflict(name: &str) -> Error {
    Error::conflict(
        "name",
        format!("a workspace named '{name}' already exists; choose another name"),
    )
}

impl Patchbay {
    pub fn list_workspaces(&self) -> Result<Vec<Workspace>> {
        self.store().read(|conn| {
            let mut stmt = conn.prepare(&format!(
                "{SELECT} ORDER BY w.is_default DESC, w.name COLLATE NOCASE"
            ))?;
            let rows = stmt
                .query_map([], from_row)?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        })
    }

    /// The workspace named or with this id; `None` gives the default one.
    pub fn workspace(&self, id_or_name: Option<&str>) -> Result<Workspace> {
        self.store().read(|conn| match id_or_name {
            Some(key) => find(conn, key),
            None => find_default(conn),
        })
    }

    pub fn create_workspace(&self, name: &str) -> Result<Workspace> {
        let name = validate::name("name", name)?;
        self.store().write(|tx| {
            if name_taken(tx, &name, None)? {
                return Err(conflict(&name));
            }
            let now = clock::now();
            let id = uuid::Uuid::now_v7().to_string();
            tx.execute(
                "INSERT INTO workspaces (id, name, is_default, created_at, updated_at) VALUES (?1, ?2, 0, ?3, ?3)",
                params![id, name, now],
            )?;
            find(tx, &id)
        })
    }

    pub fn rename_workspace(&self, id_or_name: &str, new_name: &str) -> Result<Workspace> {
        let new_name = validate::name("name", new_name)?;
        self.store().write(|tx| {
            let ws = find(tx, id_or_name)?;
            if name_taken(tx, &new_name, Some(&ws.id))? {
                return Err(conflict(&new_name));
            }
            tx.execute(
                "UPDATE workspaces SET name = ?2, updated_at = ?3 WHERE id = ?1",
                params![ws.id, new_name, clock::now()],
            )?;
            find(tx, &ws.id)
        })
    }

    /// Sets whether a server's first sync approves all of its tools.
    pub fn set_auto_approve_first_sync(&self, id_or_name: &str, on: bool) -> Result<Workspace> {
        self.store().write(|tx| {
            let ws = find(tx, id_or_name)?;
            tx.execute(
                "UPDATE workspaces SET auto_approve_first_sync = ?2, updated_at = ?3 WHERE id = ?1",
                params![ws.id, on, clock::now()],
            )?;
            find(tx, &ws.id)
        })
    }

    /// Deletes a workspace. Refused while it holds live servers unless `purge`, which removes
    /// them with their keyring entries. The default workspace cannot be deleted.
    pub fn delete_workspace(&self, id_or_name: &str, purge: bool) -> Result<Workspace> {
        let ws = self.workspace(Some(id_or_name))?;
        if ws.is_default {
            return Err(Error::conflict(
                "name",
                format!(
                    "'{}' is the default workspace and cannot be deleted",
                    ws.name
                ),
            ));
        }
        if ws.server_count > 0 && !purge {
            return Err(Error::conflict(
                "purge",
                format!(
                    "workspace '{}' still holds {} server(s); delete them first, or delete the \
                     workspace together with them",
                    ws.name, ws.server_count
                ),
            ));
        }
        // Keyring entries go first: if the keyring cannot serve, nothing is lost.
        let refs = self
            .store()
            .read(|conn| crate::servers::repo::secret_refs_in_workspace(conn, &ws.id))?;
        for key in &refs {
            self.secrets().delete(key)?;
        }
        self.store().write(|tx| {
            // Another process may have added a server since the check above.
            if !purge && find(tx, &ws.id)?.server_count > 0 {
                return Err(Error::conflict(
                    "name",
                    format!(
                        "workspace '{}' gained servers meanwhile; try again",
                        ws.name
                    ),
                ));
            }
            tx.execute("DELETE FROM workspaces WHERE id = ?1", [&ws.id])?;
            Ok(())
        })?;
        Ok(ws)
    }
}
