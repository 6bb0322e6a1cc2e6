//! The SQLite file every record lives in. Opened once per process with WAL, foreign keys and a
//! busy timeout, so the desktop app and the CLI can share one data dir; every write runs in an
//! IMMEDIATE transaction so two processes queue for the write lock instead of failing.

mod migrations;

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};

use crate::error::{Error, Result};

pub use migrations::{MIGRATIONS, SCHEMA_VERSION};

/// How long a write waits for another process holding the write lock.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

pub struct Store {
    conn: Mutex<Connection>,
    path: Option<PathBuf>,
}

impl Store {
    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Store> {
        Self::open_at_version(path, SCHEMA_VERSION)
    }

    /// Opens the database and migrates it only up to `version`: for tests of migrations.
    #[doc(hidden)]
    pub fn open_at_version(path: &Path, version: u32) -> Result<Store> {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI;
        make_private(path)?;
        // Two processes opening a new data dir at once (the app and the gateway it starts, two
        // CLI runs) race to switch it to WAL and to migrate it; SQLite answers the loser "busy"
        // at once, without waiting, during the switch. Opening again once it is done succeeds.
        let deadline = std::time::Instant::now() + BUSY_TIMEOUT;
        let mut pause = Duration::from_millis(5);
        loop {
            let opened = Connection::open_with_flags(path, flags)
                .map_err(|e| {
                    Error::from(e)
                        .with_context(format!("cannot open the database {}", path.display()))
                })
                .and_then(Self::configure)
                .and_then(|mut store| {
                    store.path = Some(path.to_path_buf());
                    store.migrate_to(version)?;
                    Ok(store)
                });
            match opened {
                Err(e) if e.is_database_busy() && std::time::Instant::now() < deadline => {
                    std::thread::sleep(pause);
                    pause = (pause * 2).min(Duration::from_millis(200));
                }
                other => return other,
            }
        }
    }

    /// A private database in memory, for unit tests and benchmarks.
    pub fn open_in_memory() -> Result<Store> {
        let store = Self::configure(Connection::open_in_memory()?)?;
        store.migrate_to(SCHEMA_VERSION)?;
        Ok(store)
    }

    fn configure(conn: Connection) -> Result<Store> {
        conn.busy_timeout(BUSY_TIMEOUT)?;
        // WAL lets readers run beside a writer; NORMAL sync keeps every committed transaction
        // across a process crash (only a power loss may drop the last ones).
        let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
        if mode != "wal" && mode != "memory" {
            return Err(Error::internal(format!(
                "the database refused write-ahead logging (journal mode {mode}); is the data \
                 directory on a network file system?"
            )));
        }
        conn.execute_batch("PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;")?;
        Ok(Store {
            conn: Mutex::new(conn),
            path: None,
        })
    }

    fn migrate_to(&self, version: u32) -> Result<()> {
        let mut conn = self.lock();
        migrations::apply(&mut conn, version)
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    pub fn schema_version(&self) -> Result<u32> {
        Ok(self
            .lock()
            .query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }

    /// Runs `f` on the connection, for reads (and single statements).
    pub fn read<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        f(&self.lock())
    }

    /// Runs `f` in one IMMEDIATE transaction, committed when `f` returns `Ok`.
    pub fn write<T>(&self, f: impl FnOnce(&Transaction) -> Result<T>) -> Result<T> {
        let mut conn = self.lock();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let value = f(&tx)?;
        tx.commit()?;
        Ok(value)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Connection> {
        // A panic while holding the lock leaves SQLite consistent (the transaction rolls
        // back on drop), so a poisoned lock is safe to take over.
        crate::lock(&self.conn)
    }
}

/// The database and its WAL files are the user's alone (0600): SQLite gives the WAL files the
/// database file's mode, so the file is made before SQLite first opens it.
fn make_private(path: &Path) -> Result<()> {
    let text = path.to_string_lossy();
    if text.starts_with("file:") || text == ":memory:" {
        return Ok(());
    }
    let private = |p: &Path| {
        crate::paths::private_file(p)
            .map_err(|e| Error::internal(format!("cannot make {} private: {e}", p.display())))
    };
    private(path)?;
    // The WAL files of an earlier run, if they are still there: another process closing the
    // database may delete them meanwhile, and they are never made here (SQLite makes them with
    // the database file's mode).
    for suffix in ["-wal", "-shm"] {
        let companion = PathBuf::from(format!("{text}{suffix}"));
        match crate::paths::set_mode(&companion, 0o600) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(Error::internal(format!(
                    "cannot make {} private: {e}",
                    companion.display()
                )));
            }
            _ => {}
        }
    }
    Ok(())
}
