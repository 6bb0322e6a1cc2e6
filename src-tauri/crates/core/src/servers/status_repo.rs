//! The status and sync columns of `servers`: what syncs, live checks, the gateway, OAuth and
//! imports write as a server's state changes, and what the reconciler reads to find work.
//! Every other query on the table is in `repo`.

use std::time::Duration;

use rusqlite::{Connection, params};

use super::{AuthType, ServerStatus};
use crate::error::{Error, ErrorCode, Result};

/// The status a failure leaves a server in: one that needs the user's authorization waits
/// for it; anything else is an error the next sync may clear.
fn status_after(err: &Error) -> ServerStatus {
    if err.code == ErrorCode::AuthRequired {
        ServerStatus::NeedsAuth
    } else {
        ServerStatus::Error
    }
}

/// A sync failed (`synced_at` set) or a request could not reach the server: its status says
/// so with the masked message, until a sync or a working session says otherwise.
pub(crate) fn mark_failed(
    tx: &Connection,
    server_id: &str,
    err: &Error,
    synced_at: Option<&str>,
) -> Result<()> {
    tx.execute(
        "UPDATE servers SET status = ?2, error_message = ?3, last_synced = COALESCE(?4, last_synced)
            WHERE id = ?1 AND deleted_at IS NULL",
        params![
            server_id,
            status_after(err).as_str(),
            crate::redact::masked(&err.message),
            synced_at
        ],
    )?;
    Ok(())
}

/// A session opened to a server that was `error`: it answers again.
pub(crate) fn mark_reachable(tx: &Connection, server_id: &str) -> Result<()> {
    tx.execute(
        "UPDATE servers SET status = 'active', error_message = NULL
            WHERE id = ?1 AND status = 'error'",
        [server_id],
    )?;
    Ok(())
}

/// A sync succeeded: the server is active, with the identity it announced.
pub(crate) fn mark_synced(
    tx: &Connection,
    server_id: &str,
    now: &str,
    server_info: &str,
) -> Result<()> {
    tx.execute(
        "UPDATE servers SET status = 'active', error_message = NULL, last_synced = ?2,
            last_successful_sync = ?2, server_info = ?3 WHERE id = ?1",
        params![server_id, now, server_info],
    )?;
    Ok(())
}

/// Whether the server has never synced, and whether its first sync is reviewed (imported
/// servers: nothing is approved without the user).
pub(crate) fn first_sync(tx: &Connection, server_id: &str) -> Result<(bool, bool)> {
    Ok(tx.query_row(
        "SELECT last_successful_sync IS NULL, review_first_sync FROM servers WHERE id = ?1",
        [server_id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?)
}

/// The first sync of this server approves none of its tools.
pub(crate) fn review_first_sync(tx: &Connection, server_id: &str) -> Result<()> {
    tx.execute(
        "UPDATE servers SET review_first_sync = 1 WHERE id = ?1",
        [server_id],
    )?;
    Ok(())
}

/// The server waits for the user: `message` says what to do.
pub(crate) fn mark_needs_auth(tx: &Connection, server_id: &str, message: &str) -> Result<()> {
    tx.execute(
        "UPDATE servers SET status = 'needs_auth', error_message = ?2 WHERE id = ?1",
        params![server_id, message],
    )?;
    Ok(())
}

/// An imported server whose credentials did not come along: it keeps the kind of
/// authorization it had (and its header), waiting for the user to enter them.
pub(crate) fn mark_missing_credentials(
    tx: &Connection,
    server_id: &str,
    message: &str,
    auth_type: AuthType,
    api_key_header: Option<&str>,
) -> Result<()> {
    tx.execute(
        "UPDATE servers SET status = 'needs_auth', error_message = ?2,
            auth_type = ?3, api_key_header = COALESCE(?4, api_key_header)
         WHERE id = ?1",
        params![server_id, message, auth_type.as_str(), api_key_header],
    )?;
    Ok(())
}

/// The user authorized a server that waited for it: the next sync finds out the rest.
pub(crate) fn mark_authorized(tx: &Connection, server_id: &str) -> Result<()> {
    tx.execute(
        "UPDATE servers SET status = 'pending', error_message = NULL
            WHERE id = ?1 AND status = 'needs_auth'",
        [server_id],
    )?;
    Ok(())
}

/// A server the reconciler should sync now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Due {
    pub workspace_id: String,
    pub server_id: String,
    /// Never synced since it was added or changed (`pending`).
    pub first: bool,
}

/// Every enabled live server that is `pending`, and, when checks are on, every one last
/// synced longer than `every` ago. A `needs_auth` server waits for the user, not the clock.
pub(crate) fn due_to_sync(conn: &Connection, every: Option<Duration>) -> Result<Vec<Due>> {
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
pub(crate) fn oauth_to_refresh(conn: &Connection) -> Result<Vec<(String, String)>> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    fn one_server(store: &Store, status: &str) {
        store
            .write(|tx| {
                tx.execute_batch(&format!(
                    "INSERT INTO workspaces (id, name, is_default, created_at, updated_at)
                         VALUES ('w', 'default', 1, 't', 't');
                     INSERT INTO servers (id, workspace_id, name, transport, url, auth_type,
                         status, created_at, updated_at)
                         VALUES ('s', 'w', 'notes', 'streamable_http', 'https://x/mcp', 'oauth',
                         '{status}', 't', 't');"
                ))?;
                Ok(())
            })
            .unwrap();
    }

    fn status(store: &Store) -> (String, Option<String>, Option<String>) {
        store
            .read(|c| {
                Ok(c.query_row(
                    "SELECT status, error_message, last_synced FROM servers WHERE id = 's'",
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )?)
            })
            .unwrap()
    }

    #[test]
    fn a_failure_masks_its_message_and_keeps_the_last_sync_unless_it_was_one() {
        let store = Store::open_in_memory().unwrap();
        one_server(&store, "active");
        let err = Error::connection(
            crate::ConnectionCategory::Refused,
            "https://x/mcp?api_key=sk-live-123456 refused",
        );
        store.write(|tx| mark_failed(tx, "s", &err, None)).unwrap();
        let (state, message, synced) = status(&store);
        assert_eq!(state, "error");
        assert!(!message.unwrap().contains("sk-live-123456"));
        assert_eq!(synced, None);

        let auth = Error::connection(crate::ConnectionCategory::AuthRequired, "needs a token");
        store
            .write(|tx| mark_failed(tx, "s", &auth, Some("now")))
            .unwrap();
        assert_eq!(status(&store).0, "needs_auth");
        assert_eq!(status(&store).2.as_deref(), Some("now"));
    }

    #[test]
    fn reachable_clears_only_an_error_and_authorized_only_a_wait_for_the_user() {
        let store = Store::open_in_memory().unwrap();
        one_server(&store, "needs_auth");
        store.write(|tx| mark_reachable(tx, "s")).unwrap();
        assert_eq!(
            status(&store).0,
            "needs_auth",
            "a session does not authorize"
        );
        store.write(|tx| mark_authorized(tx, "s")).unwrap();
        assert_eq!(status(&store).0, "pending");
        store.write(|tx| mark_authorized(tx, "s")).unwrap();
        assert_eq!(status(&store).0, "pending");

        let err = Error::connection(crate::ConnectionCategory::Refused, "refused");
        store.write(|tx| mark_failed(tx, "s", &err, None)).unwrap();
        store.write(|tx| mark_reachable(tx, "s")).unwrap();
        assert_eq!(status(&store), ("active".into(), None, None));
    }

    #[test]
    fn a_server_waiting_for_the_user_is_not_due_and_a_pending_one_comes_first() {
        let store = Store::open_in_memory().unwrap();
        one_server(&store, "needs_auth");
        let due = store
            .read(|c| due_to_sync(c, Some(Duration::ZERO)))
            .unwrap();
        assert!(due.is_empty(), "{due:?}");
        assert!(store.read(oauth_to_refresh).unwrap().is_empty());
        store.write(|tx| mark_authorized(tx, "s")).unwrap();
        let due = store.read(|c| due_to_sync(c, None)).unwrap();
        assert_eq!(
            due,
            vec![Due {
                workspace_id: "w".into(),
                server_id: "s".into(),
                first: true
            }]
        );
        assert_eq!(store.read(oauth_to_refresh).unwrap().len(), 1);
    }
}
