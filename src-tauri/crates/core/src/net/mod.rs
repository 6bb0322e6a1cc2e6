//! HTTP for every part of the core that talks to the network (MCP sessions, OAuth, the gateway
//! probe): the shared clients and the classification of what HTTP, TCP and TLS report. It knows
//! nothing of MCP, so `live` and `oauth` both build on it without depending on each other.

mod classify;
mod client;

pub(crate) use classify::{auth_required, chain, first_known, http_status, known, timed_out};
pub(crate) use client::{http_client, no_redirect_client};
