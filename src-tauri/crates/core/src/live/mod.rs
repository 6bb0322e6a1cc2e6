//! Talking to live MCP servers: connection tests, capability sync and calls.

pub(crate) mod answered_in_rounds;
mod approval;
mod capabilities;
mod classify;
mod client_handler;
mod client_requests;
pub(crate) mod client_roots;
pub(crate) mod connect;
mod hash;
mod health;
mod late_discovery;
mod model;
mod ops;
mod prompt_records;
mod records;
pub(crate) mod relayed_calls;
mod review_ops;
pub(crate) mod reviewed;
mod session_guard;
pub(crate) use session_guard::SessionGuard;
mod sse;
mod stdio;
mod stdio_env;
mod target;
pub(crate) mod tasks;
pub(crate) mod tool_call_rounds;

pub use model::*;
pub use ops::*;

pub(crate) use classify::service_error;
pub(crate) use connect::Session;
pub(crate) use hash::content_hash;
pub(crate) use health::{record_reachable, record_unreachable, refresh_oauth_ahead};
pub(crate) use ops::{open_by_id, workspace_of};
pub(crate) use target::Target;
