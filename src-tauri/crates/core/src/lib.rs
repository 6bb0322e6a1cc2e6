//! Patchbay's core: everything the desktop app and the CLI do, with no dependency on either.

pub mod asked_in_window;
pub mod catalog;
pub mod clients;
mod clock;
pub mod error;
pub mod gateway;
pub mod heap;
pub mod live;
pub mod login_service;
mod net;
mod notify;
pub mod oauth;
pub mod paths;
#[cfg(test)]
mod plain_messages;
pub mod portals;
pub mod reconciler;
pub mod redact;
pub mod secret;
pub mod secrets;
pub mod servers;
pub mod settings;
pub mod store;
pub mod transfer;
mod validate;
mod web_origin;
pub mod workspaces;

use std::path::Path;
use std::sync::Arc;

pub use error::{ConnectionCategory, Error, ErrorCode, Result};
pub use secret::Secret;
use secrets::{KeyringSecretStore, SecretStore};
use store::Store;

/// The core: one store and one secret store, shared by every front door.
pub struct Patchbay {
    store: Store,
    secrets: Arc<dyn SecretStore>,
}

impl Patchbay {
    pub fn new(store: Store, secrets: Arc<dyn SecretStore>) -> Result<Self> {
        // Most opens find the default there: check with a read, so that opening takes the
        // write lock only the first time.
        if !store.read(workspaces::has_default)? {
            store.write(|tx| workspaces::ensure_default(tx))?;
        }
        Ok(Patchbay { store, secrets })
    }

    /// Opens the data dir (creating it if needed) with the OS keyring.
    pub fn open(data_dir: &Path) -> Result<Self> {
        paths::ensure_dir(data_dir)?;
        let store = Store::open(&data_dir.join(paths::DATABASE_FILE))?;
        Self::new(store, Arc::new(KeyringSecretStore::from_env()))
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn secrets(&self) -> &dyn SecretStore {
        self.secrets.as_ref()
    }

    pub(crate) fn secrets_arc(&self) -> Arc<dyn SecretStore> {
        Arc::clone(&self.secrets)
    }
}

/// Runs a core operation on tokio's blocking pool: SQLite and keyring calls block, so async
/// front doors (the desktop app) must not run them on their executor threads.
pub async fn run_blocking<T, F>(core: &Arc<Patchbay>, op: F) -> Result<T>
where
    T: Send + 'static,
    F: FnOnce(&Patchbay) -> Result<T> + Send + 'static,
{
    let core = Arc::clone(core);
    tokio::task::spawn_blocking(move || op(&core)).await?
}

/// A mutex's guard even if a thread panicked while holding it: what these mutexes guard
/// (caches, buffers, lists of sessions) stays usable after such a panic.
pub(crate) fn lock<T>(mutex: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}
