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

pub type CommandResult<T> = Result<T, patchbay_core::Error>;

/// Runs a core operation on the blocking pool.
async fn core<T, F>(state: State<'_, AppState>, op: F) -> CommandResult<T>
where
    T: Send + 'static,
    F: FnOnce(&Patchbay) -> CommandResult<T> + Send + 'static,
{
    patchbay_core::run_blocking(&state.core, op).await
}
