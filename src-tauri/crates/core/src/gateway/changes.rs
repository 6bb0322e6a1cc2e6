//! Store changes made anywhere — this process, the CLI, the app — as a generation number.
//! SQLite's `data_version` on a connection of its own moves whenever another connection
//! commits, so a cheap poll sees every write without the writers knowing of the gateway.

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
            let mut last = version(&conn);
            while !tx.is_closed() {
                std::thread::sleep(POLL);
                let now = version(&conn);
                if now != last {
                    last = now;
                    tx.send_modify(|generation| *generation += 1);
                }
            }
        });
    if let Err(err) = spawned {
        tracing::warn!(error = %err, "cannot start the store watcher");
    }
    rx
}
