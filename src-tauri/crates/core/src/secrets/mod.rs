//! Where secret values live: the OS keyring in the app and CLI, memory in unit tests.
//! SQLite only ever holds the key (`SecretKey`) under which a value is kept here.

mod keyring;
mod memory;

pub use self::keyring::KeyringSecretStore;
pub use self::memory::MemorySecretStore;

use crate::error::Result;
use crate::secret::Secret;

/// A store of secrets by key. A missing entry is `Ok(None)` (get) or a no-op (delete), not an
/// error; an unreachable or locked store is `keyring_unavailable`.
pub trait SecretStore: Send + Sync {
    fn get(&self, key: &str) -> Result<Option<Secret>>;
    fn set(&self, key: &str, value: &Secret) -> Result<()>;
    fn delete(&self, key: &str) -> Result<()>;
    /// Where the secrets are kept, for diagnostics.
    fn describe(&self) -> String;
}

/// The keyring account names Patchbay uses, in one place so nothing else spells them. Each
/// write of a secret gets a fresh name, so a failed update never overwrites the value the
/// stored record still points at.
pub mod keys {
    fn fresh() -> String {
        uuid::Uuid::now_v7().simple().to_string()
    }

    pub fn api_key(server_id: &str) -> String {
        format!("server/{server_id}/api_key/{}", fresh())
    }

    pub fn env(server_id: &str, name: &str) -> String {
        format!("server/{server_id}/env/{name}/{}", fresh())
    }

    /// The server's OAuth tokens: one entry, rewritten at each refresh.
    pub fn oauth_tokens(server_id: &str) -> String {
        format!("server/{server_id}/oauth/tokens")
    }

    /// What a client's entry presents to the gateway's endpoint of this one server.
    pub fn gateway_token(server_id: &str) -> String {
        format!("server/{server_id}/gateway/token")
    }

    pub fn oauth_client_secret(server_id: &str) -> String {
        format!("server/{server_id}/oauth/client_secret/{}", fresh())
    }
}
