//! The built-in gateway: serves every portal as an MCP endpoint (Streamable HTTP) at
//! `http://127.0.0.1:<port>/mcp/<slug>`, on loopback only. A request with a foreign `Origin`
//! (403), a foreign `Host` (403) or, for a secure portal, a wrong or missing token (401) is
//! refused before anything is forwarded.

mod bridge;
mod bridge_link;
mod call_origin;
mod call_query;
mod calllog;
mod changes;
pub mod daemon;
mod forward;
mod handler;
mod http;
mod log_relay;
mod lookup;
mod portal_state;
mod resource_updates;
mod tasks;
mod tool_call;
mod tool_search;
mod turns;
mod upstreams;

pub use bridge::BridgeTarget;
pub use call_query::CallQuery;
pub use calllog::{CALLS_KEPT, CallOutcome, CallRecord};
pub(crate) use changes::watch_store;
pub use daemon::Daemon;
pub use forward::DEFAULT_UPSTREAM_TIMEOUT_SECS;
pub use http::{Gateway, GatewayStatus};
