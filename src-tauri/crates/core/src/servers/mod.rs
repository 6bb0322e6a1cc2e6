//! Servers: the MCP servers a user reaches, their settings and their lifecycle.

pub(crate) mod edit;
mod model;
mod ops;
mod page;
pub(crate) mod repo;
pub(crate) mod status_repo;
pub(crate) mod variables;

pub(crate) use model::text_enum;
pub use model::*;
