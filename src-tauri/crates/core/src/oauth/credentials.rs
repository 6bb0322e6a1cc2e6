//! rmcp's credential store over the OS keyring: a server's tokens (access, refresh, expiry)
//! as one keyring entry, rewritten when a refresh rotates them. Keyring calls block, so they
//! run on the blocking pool.

use std::sync::Arc;

use rmcp::transport::auth::{AuthError, CredentialStore, StoredCredentials};

use crate::secret::Secret;
use crate::secrets::{SecretStore, keys};

pub(crate) struct KeyringCredentials {
    secrets: Arc<dyn SecretStore>,
    key: String,
}

impl KeyringCredentials {
    pub fn new(secrets: Arc<dyn SecretStore>, server_id: &str) -> Self {
        KeyringCredentials {
            secrets,
            key: keys::oauth_tokens(server_id),
        }
    }

    async fn blocking<T: Send + 'static>(
        &self,
        op: impl FnOnce(&dyn SecretStore, &str) -> crate::Result<T> + Send + 'static,
    ) -> Result<T, AuthError> {
        let (secrets, key) = (Arc::clone(&self.secrets), self.key.clone());
        tokio::task::spawn_blocking(move || op(secrets.as_ref(), &key))
            .await
            .map_err(|e| AuthError::CredentialStoreError(e.to_string()))?
            .map_err(|e| AuthError::CredentialStoreError(e.message))
    }
}

#[async_trait::async_trait]
impl CredentialStore for KeyringCredentials {
    async fn load(&self) -> Result<Option<StoredCredentials>, AuthError> {
        let stored = self.blocking(|s, key| s.get(key)).await?;
        Ok(stored.and_then(|secret| serde_json::from_str(secret.expose()).ok()))
    }

    async fn save(&self, credentials: StoredCredentials) -> Result<(), AuthError> {
        let text = serde_json::to_string(&credentials)
            .map_err(|e| AuthError::CredentialStoreError(e.to_string()))?;
        self.blocking(move |s, key| s.set(key, &Secret::new(text)))
            .await
    }

    async fn clear(&self) -> Result<(), AuthError> {
        self.blocking(|s, key| s.delete(key)).await
    }
}
