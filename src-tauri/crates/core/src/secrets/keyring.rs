//! The OS keyring: the Secret Service on Linux, the Keychain on macOS, the Credential Manager
//! on Windows, all through `keyring-core`. There is no plaintext fallback: when the keyring
//! cannot serve, the caller gets `keyring_unavailable` and nothing is written anywhere else.

use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use keyring_core::{CredentialStore, Entry};

use super::SecretStore;
use crate::error::{Error, ErrorCode, Result};
use crate::secret::Secret;

/// The keyring service under which every Patchbay entry is kept (`patchbay-dev` for a debug
/// build, which keeps its own).
pub const DEFAULT_SERVICE: &str = crate::paths::APP_NAME;
/// Tests set this so they never touch a user's entries.
pub const SERVICE_ENV: &str = "PATCHBAY_KEYRING_SERVICE";

/// A keyring call that waits on an unlock prompt nobody answers must not hang the app.
const CALL_TIMEOUT: Duration = Duration::from_secs(20);

pub struct KeyringSecretStore {
    service: String,
    /// Connected on first use, so that an app with no secrets never needs a keyring, and a
    /// keyring started after Patchbay is picked up on the next call.
    platform: Mutex<Option<Arc<CredentialStore>>>,
}

impl KeyringSecretStore {
    pub fn new(service: impl Into<String>) -> Self {
        KeyringSecretStore {
            service: service.into(),
            platform: Mutex::new(None),
        }
    }

    /// The service name from `PATCHBAY_KEYRING_SERVICE`, else [`DEFAULT_SERVICE`].
    pub fn from_env() -> Self {
        let service = std::env::var(SERVICE_ENV)
            .ok()
            .filter(|s| !s.trim().is_empty())
            .unwrap_or_else(|| DEFAULT_SERVICE.to_string());
        Self::new(service)
    }

    pub fn service(&self) -> &str {
        &self.service
    }

    fn platform(&self) -> Result<Arc<CredentialStore>> {
        let mut slot = self.platform.lock().expect("keyring slot poisoned");
        if let Some(store) = slot.as_ref() {
            return Ok(store.clone());
        }
        let store = with_timeout("connect to", connect_platform_store)?;
        *slot = Some(store.clone());
        Ok(store)
    }

    /// Runs `op` on the entry for `key`, off this thread and bounded in time. After a failure
    /// of the keyring itself, the next call connects afresh: it may have been restarted.
    fn call<T: Send + 'static>(
        &self,
        key: &str,
        verb: &'static str,
        op: impl FnOnce(Entry) -> keyring_core::Result<T> + Send + 'static,
    ) -> Result<T> {
        let result = self.platform().and_then(|platform| {
            let entry = platform
                .build(&self.service, key, None)
                .map_err(|e| map_error(e, verb))?;
            with_timeout(verb, move || op(entry).map_err(|e| map_error(e, verb)))
        });
        if result
            .as_ref()
            .is_err_and(|e| e.code == ErrorCode::KeyringUnavailable)
        {
            *self.platform.lock().expect("keyring slot poisoned") = None;
        }
        result
    }
}

impl SecretStore for KeyringSecretStore {
    fn get(&self, key: &str) -> Result<Option<Secret>> {
        self.call(key, "read from", |entry| match entry.get_password() {
            Ok(value) => Ok(Some(Secret::new(value))),
            Err(keyring_core::Error::NoEntry) => Ok(None),
            Err(e) => Err(e),
        })
    }

    fn set(&self, key: &str, value: &Secret) -> Result<()> {
        let value = value.clone();
        self.call(key, "write to", move |entry| {
            entry.set_password(value.expose())
        })
    }

    fn describe(&self) -> String {
        format!("OS keyring, service '{}'", self.service)
    }

    fn delete(&self, key: &str) -> Result<()> {
        self.call(key, "delete from", |entry| {
            match entry.delete_credential() {
                Ok(()) | Err(keyring_core::Error::NoEntry) => Ok(()),
                Err(e) => Err(e),
            }
        })
    }
}

/// Runs a keyring call on its own thread and gives up after `CALL_TIMEOUT`: the Secret Service
/// may wait forever on an unlock prompt that no one can see.
fn with_timeout<T: Send + 'static>(
    verb: &'static str,
    call: impl FnOnce() -> Result<T> + Send + 'static,
) -> Result<T> {
    let (tx, rx) = mpsc::sync_channel(1);
    std::thread::Builder::new()
        .name("patchbay-keyring".into())
        .spawn(move || {
            let _ = tx.send(call());
        })
        .map_err(|e| Error::internal(format!("cannot start a keyring thread: {e}")))?;
    match rx.recv_timeout(CALL_TIMEOUT) {
        Ok(result) => result,
        Err(_) => Err(Error::keyring_unavailable(format!(
            "the OS keyring did not answer within {}s when asked to {verb} it; it may be \
             waiting for an unlock prompt. Unlock your login keyring and try again",
            CALL_TIMEOUT.as_secs()
        ))),
    }
}

fn connect_platform_store() -> Result<Arc<CredentialStore>> {
    #[cfg(target_os = "linux")]
    let store = zbus_secret_service_keyring_store::Store::new().map(|s| s as Arc<CredentialStore>);
    #[cfg(target_os = "macos")]
    let store =
        apple_native_keyring_store::keychain::Store::new().map(|s| s as Arc<CredentialStore>);
    #[cfg(target_os = "windows")]
    let store = windows_native_keyring_store::Store::new().map(|s| s as Arc<CredentialStore>);
    #[cfg(not(any(target_os = "linux", target_os = "macos", target_os = "windows")))]
    let store: keyring_core::Result<Arc<CredentialStore>> =
        Err(keyring_core::Error::NotSupportedByStore(
            "no OS keyring is supported on this platform".into(),
        ));
    store.map_err(|e| map_error(e, "connect to"))
}

/// Turns a keyring failure into an error that says what to do. Variants that carry secret
/// bytes (`BadEncoding`, `BadDataFormat`) are never formatted.
fn map_error(err: keyring_core::Error, verb: &str) -> Error {
    use keyring_core::Error as K;
    match err {
        K::NoStorageAccess(inner) => Error::keyring_unavailable(format!(
            "the OS keyring is locked or refused access when asked to {verb} it ({inner}). \
             Unlock your login keyring and try again"
        )),
        K::PlatformFailure(inner) => {
            let detail = inner.to_string();
            Error::keyring_unavailable(format!(
                "cannot {verb} the OS keyring: {}. {detail}",
                platform_hint(&detail)
            ))
        }
        K::NotSupportedByStore(why) => {
            Error::keyring_unavailable(format!("cannot {verb} the OS keyring: {why}"))
        }
        K::BadEncoding(_) | K::BadDataFormat(_, _) => Error::internal(
            "a keyring entry of Patchbay holds data it cannot read; set the secret again",
        ),
        other => Error::internal(format!("keyring error while trying to {verb} it: {other}")),
    }
}

fn platform_hint(detail: &str) -> &'static str {
    let lower = detail.to_ascii_lowercase();
    if lower.contains("not provided by any .service") || lower.contains("serviceunknown") {
        "no Secret Service provider is running; install and start one (gnome-keyring, KeePassXC \
         with Secret Service integration, or KWallet)"
    } else if lower.contains("connect") || lower.contains("autolaunch") || lower.contains("address")
    {
        "there is no D-Bus session bus to reach the Secret Service; run Patchbay inside a desktop \
         session, or start one with dbus-run-session"
    } else if lower.contains("islocked") || lower.contains("locked") {
        "the keyring is locked; unlock your login keyring and try again"
    } else {
        "the keyring refused the request; check that it is running and unlocked"
    }
}
