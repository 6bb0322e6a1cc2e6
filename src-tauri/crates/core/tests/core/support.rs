use std::sync::Arc;

use patchbay_core::secrets::{KeyringSecretStore, MemorySecretStore, SecretStore};
use patchbay_core::servers::NewServer;
use patchbay_core::store::Store;
use patchbay_core::{Patchbay, Secret};
use tempfile::TempDir;

/// A core on a fresh database file, with its secrets in memory (the keyring is not the subject).
pub struct TestCore {
    pub core: Patchbay,
    pub secrets: Arc<MemorySecretStore>,
    pub workspace: String,
    pub dir: TempDir,
}

impl TestCore {
    pub fn new() -> TestCore {
        let dir = tempfile::tempdir().unwrap();
        let secrets = Arc::new(MemorySecretStore::default());
        let core = open(&dir, secrets.clone());
        let workspace = core.workspace(None).unwrap().id;
        TestCore {
            core,
            secrets,
            workspace,
            dir,
        }
    }

    /// A second core (its own connection) on the same file.
    pub fn reopen(&self) -> Patchbay {
        open(&self.dir, self.secrets.clone())
    }
}

pub fn open(dir: &TempDir, secrets: Arc<dyn SecretStore>) -> Patchbay {
    let store = Store::open(&dir.path().join("patchbay.db")).unwrap();
    Patchbay::new(store, secrets).unwrap()
}

pub fn http(name: &str) -> NewServer {
    NewServer {
        name: name.to_string(),
        url: Some(format!(
            "https://{}.example.com/mcp",
            name.to_lowercase().replace(' ', "-")
        )),
        ..NewServer::default()
    }
}

pub fn with_key(name: &str, key: &str) -> NewServer {
    NewServer {
        api_key: Some(Secret::new(key)),
        api_key_header: Some("X-API-Key".into()),
        ..http(name)
    }
}

/// A keyring store under a service name of its own, so tests never meet each other's entries
/// or a user's.
pub fn test_keyring() -> Arc<KeyringSecretStore> {
    Arc::new(KeyringSecretStore::new(format!(
        "patchbay-test-{}",
        uuid::Uuid::now_v7().simple()
    )))
}
