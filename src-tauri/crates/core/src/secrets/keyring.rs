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

    /// The connected store, or the keyring's own reason it cannot connect.
    fn platform(&self) -> Result<keyring_core::Result<Arc<CredentialStore>>> {
        let mut slot = self.platform.lock().expect("keyring slot poisoned");
        if let Some(store) = slot.as_ref() {
            return Ok(Ok(store.clone()));
        }
        let connected = with_timeout("connect to", connect_platform_store)?;
        if let Ok(store) = &connected {
            *slot = Some(store.clone());
        }
        Ok(connected)
    }

    fn forget_platform(&self) {
        *self.platform.lock().expect("keyring slot poisoned") = None;
    }

    /// Runs `op` on the entry for `key`, off this thread and bounded in time. The Secret
    /// Service can stop in the middle of a call or be restarted between two (gnome-keyring has
    /// aborted on bursts of new clients; D-Bus or systemd start it again): every operation here
    /// is idempotent, so such a failure gets one more try on a fresh connection. After any
    /// other failure of the keyring itself, the next call connects afresh too.
    fn call<T: Send + 'static>(
        &self,
        key: &str,
        verb: &'static str,
        op: impl Fn(Entry) -> keyring_core::Result<T> + Send + Sync + 'static,
    ) -> Result<T> {
        let op = Arc::new(op);
        let mut outcome = self.attempt(key, verb, &op);
        if matches!(&outcome, Ok(Err(e)) if service_went_away(e)) {
            tracing::warn!(
                "the Secret Service went away during a call to {verb} it; trying once more"
            );
            self.forget_platform();
            outcome = self.attempt(key, verb, &op);
        }
        let result = outcome.and_then(|r| r.map_err(|e| map_error(e, verb)));
        if result
            .as_ref()
            .is_err_and(|e| e.code == ErrorCode::KeyringUnavailable)
        {
            self.forget_platform();
        }
        result
    }

    /// One try of `op`: the outer error is a call that never finished, the inner one is the
    /// keyring's answer.
    fn attempt<T: Send + 'static>(
        &self,
        key: &str,
        verb: &'static str,
        op: &Arc<impl Fn(Entry) -> keyring_core::Result<T> + Send + Sync + 'static>,
    ) -> Result<keyring_core::Result<T>> {
        let platform = match self.platform()? {
            Ok(platform) => platform,
            Err(e) => return Ok(Err(e)),
        };
        let entry = match platform.build(&self.service, key, None) {
            Ok(entry) => entry,
            Err(e) => return Ok(Err(e)),
        };
        let op = Arc::clone(op);
        with_timeout(verb, move || op(entry))
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
    call: impl FnOnce() -> T + Send + 'static,
) -> Result<T> {
    let (tx, rx) = mpsc::sync_channel(1);
    std::thread::Builder::new()
        .name("patchbay-keyring".into())
        .spawn(move || {
            let _ = tx.send(call());
        })
        .map_err(|e| Error::internal(format!("cannot start a keyring thread: {e}")))?;
    match rx.recv_timeout(CALL_TIMEOUT) {
        Ok(result) => Ok(result),
        Err(_) => Err(Error::keyring_unavailable(format!(
            "the OS keyring did not answer within {}s when asked to {verb} it; it may be \
             waiting for an unlock prompt. Unlock your login keyring and try again",
            CALL_TIMEOUT.as_secs()
        ))),
    }
}

fn connect_platform_store() -> keyring_core::Result<Arc<CredentialStore>> {
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
    store
}

/// Whether the Secret Service stopped with our call unanswered (the bus says `NoReply`), or
/// is a new one that does not know the session our connection opened with the old one.
fn service_went_away(err: &keyring_core::Error) -> bool {
    let keyring_core::Error::PlatformFailure(inner) = err else {
        return false;
    };
    let detail = inner.to_string();
    ["NoReply", "NoSession", "UnknownObject"]
        .iter()
        .any(|marker| detail.contains(marker))
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
    // Before the bus check below: "disconnected" holds "connect".
    if lower.contains("noreply") || lower.contains("nosession") || lower.contains("unknownobject") {
        "the Secret Service stopped while answering, twice; check that your keyring \
         (gnome-keyring-daemon, KeePassXC, KWallet) keeps running, and try again"
    } else if lower.contains("not provided by any .service") || lower.contains("serviceunknown") {
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

#[cfg(test)]
mod tests {
    use super::*;

    // The zbus error a caller gets when the Secret Service dies before it answers.
    const NO_REPLY: &str = "zbus error: org.freedesktop.DBus.Error.NoReply: Message recipient \
                            disconnected from message bus without replying";

    #[test]
    fn a_service_that_stopped_is_not_taken_for_a_missing_bus() {
        assert!(platform_hint(NO_REPLY).starts_with("the Secret Service stopped while answering"));
        assert!(platform_hint("failed to connect to the session bus").contains("no D-Bus session"));
    }

    #[test]
    fn only_a_service_that_went_away_is_tried_again() {
        let failure = |detail: &str| {
            keyring_core::Error::PlatformFailure(Box::new(std::io::Error::other(
                detail.to_string(),
            )))
        };
        assert!(service_went_away(&failure(NO_REPLY)));
        assert!(service_went_away(&failure(
            "org.freedesktop.Secret.Error.NoSession: The session does not exist"
        )));
        assert!(!service_went_away(&failure(
            "org.freedesktop.DBus.Error.ServiceUnknown"
        )));
        assert!(!service_went_away(&keyring_core::Error::NoStorageAccess(
            Box::new(std::io::Error::other(NO_REPLY))
        )));
    }
}
