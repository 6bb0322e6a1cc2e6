//! Store changes made anywhere — this process, the CLI, the app — as a generation number.
//! SQLite's `data_version` on a connection of its own moves whenever another connection
//! commits, so a cheap poll sees every write without the writers knowing of the gateway; of
//! those, only writes that move `config_generation` (what is served and how; not the call
//! log the gateway writes on every call) count as changes.

use std::path::PathBuf;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};
use tokio::sync::watch;

/// How often the store is asked; a change reaches connected clients within about this.
const POLL: Duration = Duration::from_millis(100);

/// The generation to key a kept answer by; `None` when no watcher runs (an in-memory store),
/// when nothing says an answer went stale and none may be kept.
pub(crate) fn generation(changes: &watch::Receiver<u64>) -> Option<u64> {
    changes.has_changed().is_ok().then(|| *changes.borrow())
}

/// The generation moves by one per change seen. The watcher stops when no receiver is left;
/// when it cannot run (an in-memory store) the sender is gone and readers must not cache.
pub(crate) fn watch_store(path: Option<PathBuf>) -> watch::Receiver<u64> {
    let (tx, rx) = watch::channel(0u64);
    let Some(path) = path else {
        return rx;
    };
    let spawned = std::thread::Builder::new()
        .name("patchbay-store-watch".into())
        .spawn(move || {
            let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
            let conn = match Connection::open_with_flags(&path, flags) {
                Ok(conn) => conn,
                Err(err) => {
                    tracing::warn!(error = %err, "cannot watch the store; portals will not announce changes");
                    return;
                }
            };
            let version = |conn: &Connection| {
                conn.query_row("PRAGMA data_version", [], |r| r.get::<_, i64>(0))
                    .ok()
            };
            let config = |conn: &Connection| {
                conn.query_row("SELECT n FROM config_generation", [], |r| r.get::<_, i64>(0))
                    .ok()
            };
            let (mut last, mut last_config) = (version(&conn), config(&conn));
            while !tx.is_closed() {
                std::thread::sleep(POLL);
                let now = version(&conn);
                if now == last {
                    continue;
                }
                last = now;
                let now_config = config(&conn);
                // Unreadable (a store not migrated yet): every commit counts.
                if now_config != last_config || now_config.is_none() {
                    last_config = now_config;
                    tx.send_modify(|generation| *generation += 1);
                }
            }
        });
    if let Err(err) = spawned {
        tracing::warn!(error = %err, "cannot start the store watcher");
    }
    rx
}

#[cfg(test)]
mod tests {
    use crate::store::Store;

    fn config_generation(store: &Store) -> i64 {
        store
            .read(|c| Ok(c.query_row("SELECT n FROM config_generation", [], |r| r.get(0))?))
            .unwrap()
    }

    #[test]
    fn what_is_served_moves_the_generation_and_the_call_log_does_not() {
        let store = Store::open_in_memory().unwrap();
        let start = config_generation(&store);
        store
            .write(|tx| {
                tx.execute_batch(
                    "INSERT INTO workspaces (id, name, is_default, created_at, updated_at)
                         VALUES ('w', 'default', 1, 't', 't');
                     INSERT INTO portals (id, workspace_id, name, description, slug, secure,
                         log_payloads, created_at, updated_at)
                         VALUES ('p', 'w', 'Work', '', 'work', 1, 0, 't', 't');",
                )?;
                Ok(())
            })
            .unwrap();
        let configured = config_generation(&store);
        assert_eq!(configured, start + 2);
        store
            .write(|tx| {
                tx.execute(
                    "INSERT INTO portal_calls (at, portal_id, tool, duration_ms, outcome,
                        bytes_in, bytes_out) VALUES ('t', 'p', 'x', 1, 'ok', 0, 0)",
                    [],
                )?;
                Ok(())
            })
            .unwrap();
        assert_eq!(config_generation(&store), configured, "a call is no change");
        store
            .write(|tx| {
                tx.execute("UPDATE portals SET log_payloads = 1 WHERE id = 'p'", [])?;
                Ok(())
            })
            .unwrap();
        assert_eq!(config_generation(&store), configured + 1);
    }
}
