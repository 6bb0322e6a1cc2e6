//! Which servers the reconciler has work for now.

use std::time::Duration;

use rusqlite::Connection;

use crate::error::Result;

/// A server to sync: where it is and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Due {
    pub workspace_id: String,
    pub server_id: String,
    /// Never synced since it was added (or re-authorized): the first sync.
    pub first: bool,
}

/// Every enabled live server that is `pending`, and, when checks are on, every one last
/// synced longer than `every` ago. A `needs_auth` server waits for the user, not the clock.
pub(crate) fn to_sync(conn: &Connection, every: Option<Duration>) -> Result<Vec<Due>> {
    let cutoff = every.map(crate::clock::ago);
    let mut stmt = conn.prepare(
        "SELECT workspace_id, id, status = 'pending' FROM servers
            WHERE deleted_at IS NULL AND is_enabled = 1 AND (
                status = 'pending'
                OR (?1 IS NOT NULL AND status != 'needs_auth'
                    AND (last_synced IS NULL OR last_synced < ?1)))
            ORDER BY status = 'pending' DESC, last_synced",
    )?;
    let rows = stmt
        .query_map([cutoff], |r| {
            Ok(Due {
                workspace_id: r.get(0)?,
                server_id: r.get(1)?,
                first: r.get(2)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Enabled live OAuth servers whose tokens may need refreshing: (workspace id, server id).
pub(crate) fn oauth_servers(conn: &Connection) -> Result<Vec<(String, String)>> {
    let mut stmt = conn.prepare(
        "SELECT workspace_id, id FROM servers
            WHERE deleted_at IS NULL AND is_enabled = 1 AND auth_type = 'oauth'
                AND transport != 'stdio' AND status != 'needs_auth'",
    )?;
    let rows = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}
