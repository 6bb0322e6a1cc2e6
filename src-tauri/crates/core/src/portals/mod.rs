//! Portals: one local MCP endpoint, served by the built-in gateway, bundling the approved
//! tools of several servers (SPEC §1).

pub(crate) mod listing;
mod member_ops;
mod model;
mod ops;
pub(crate) mod repo;
pub mod search;
pub(crate) mod served;
pub(crate) mod slug;
pub mod tokens;
pub(crate) mod usage;

pub use member_ops::MemberSetting;
pub(crate) use member_ops::checked_timeout;
pub use model::*;
pub(crate) use ops::alias as checked_alias;

/// The gateway's port: `PATCHBAY_GATEWAY_PORT`, else this default.
pub const DEFAULT_GATEWAY_PORT: u16 = 47821;

pub fn gateway_port() -> u16 {
    std::env::var("PATCHBAY_GATEWAY_PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(DEFAULT_GATEWAY_PORT)
}

pub fn portal_url(slug: &str) -> String {
    format!("http://127.0.0.1:{}/mcp/{slug}", gateway_port())
}
