//! AI clients on this machine (SPEC §1, Installation): which are present and where their MCP
//! config lives, the servers they have (to import), and Patchbay's own entries in them —
//! portals and servers installed, recorded, and watched for hand edits (drift).

mod config_file;
mod dirs;
mod entry;
mod import;
mod install;
mod json_entries;
mod jsonc;
mod model;
mod plan;
mod records;
pub mod registry;
mod repair;
mod snippet;
#[cfg(test)]
mod text_properties;
mod toml_entries;

pub use dirs::Dirs;
pub use entry::{ClientServer, ClientTransport};
pub use import::Pick;
pub use install::InstallPlace;
pub use model::*;
pub use plan::EntryTransport;
pub use snippet::EntrySnippet;
