use std::collections::HashMap;
use std::sync::Mutex;

use super::SecretStore;
use crate::error::Result;
use crate::secret::Secret;

/// An in-memory `SecretStore`: a test double for unit tests and benchmarks, where the real
/// keyring is not the subject. Integration tests use the real Secret Service instead.
#[derive(Default)]
pub struct MemorySecretStore {
    entries: Mutex<HashMap<String, Secret>>,
}

impl MemorySecretStore {
    pub fn len(&self) -> usize {
        self.entries.lock().expect("secret map poisoned").len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl SecretStore for MemorySecretStore {
    fn get(&self, key: &str) -> Result<Option<Secret>> {
        Ok(self
            .entries
            .lock()
            .expect("secret map poisoned")
            .get(key)
            .cloned())
    }

    fn set(&self, key: &str, value: &Secret) -> Result<()> {
        self.entries
            .lock()
            .expect("secret map poisoned")
            .insert(key.to_string(), value.clone());
        Ok(())
    }

    fn describe(&self) -> String {
        "memory (test double)".to_string()
    }

    fn delete(&self, key: &str) -> Result<()> {
        self.entries
            .lock()
            .expect("secret map poisoned")
            .remove(key);
        Ok(())
    }
}
