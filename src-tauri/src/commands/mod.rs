//! The commands the UI invokes. Each takes the state and one input struct (so argument names
//! cannot drift between Rust and TypeScript: the UI's types are generated from these), calls
//! the core off the async runtime, and returns the core's error as `{code, message, field?}`.

pub mod app;
pub mod clients;
pub mod live;
pub mod oauth;
pub mod portals;
pub mod servers;
pub mod transfer;
pub mod workspaces;

use patchbay_core::Patchbay;
use tauri::State;

use crate::state::AppState;

pub type CommandResult<T> = Result<T, Failure>;

/// A core error on its way to the UI: serialized as the core's `{code, message, field?}`, and
/// logged with its cause chain as it leaves (the UI sees the message; the log keeps why).
#[derive(Debug, serde::Serialize)]
#[serde(transparent)]
pub struct Failure(patchbay_core::Error);

impl From<patchbay_core::Error> for Failure {
    fn from(error: patchbay_core::Error) -> Self {
        tracing::warn!(code = %error.code, field = ?error.field, causes = ?error.causes(),
            "a command failed: {}", error.message);
        Failure(error)
    }
}

/// Runs a core operation on the blocking pool.
async fn core<T, F>(state: State<'_, AppState>, op: F) -> CommandResult<T>
where
    T: Send + 'static,
    F: FnOnce(&Patchbay) -> patchbay_core::Result<T> + Send + 'static,
{
    Ok(patchbay_core::run_blocking(&state.core, op).await?)
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::Failure;

    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Captured {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_failure_leaving_for_the_ui_is_logged_with_its_causes() {
        let captured = Captured::default();
        let writer = captured.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .finish();
        let disk = std::io::Error::other("No space left on device");
        let error = patchbay_core::Error::internal("cannot save the server").with_source(disk);
        let sent = tracing::subscriber::with_default(subscriber, || Failure::from(error));
        let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
        assert!(
            log.contains("a command failed: cannot save the server"),
            "{log}"
        );
        assert!(
            log.contains("No space left on device"),
            "the cause is kept: {log}"
        );
        // What the UI gets is the core's error as it was.
        let json = serde_json::to_value(&sent).unwrap();
        assert_eq!(json["code"], "internal");
        assert_eq!(json["message"], "cannot save the server");
    }
}
