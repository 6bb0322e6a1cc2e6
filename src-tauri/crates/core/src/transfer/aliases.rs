//! An export's aliases, read as untrusted input before anything of it is created.

use super::WorkspaceExport;
use crate::error::{Error, Result};

/// The export's aliases, checked as `portal tool enable --alias` checks them, and unique in
/// their portal: a crafted file could otherwise store names no client can call (a newline
/// in one) or serve two tools under one name. Checked before anything is created.
pub(super) fn names_are_valid(doc: &WorkspaceExport) -> Result<()> {
    for portal in &doc.portals {
        for (noun, aliases) in [
            (
                "tool",
                portal
                    .servers
                    .iter()
                    .flat_map(|m| m.tools.iter().filter_map(|t| t.alias.as_deref()))
                    .collect::<Vec<_>>(),
            ),
            (
                "prompt",
                portal
                    .servers
                    .iter()
                    .flat_map(|m| m.prompts.iter().filter_map(|p| p.alias.as_deref()))
                    .collect(),
            ),
        ] {
            let mut seen = std::collections::HashSet::new();
            for alias in aliases {
                let alias = crate::portals::checked_alias(alias).map_err(|e| {
                    Error::validation(
                        "alias",
                        format!("portal '{}' in this export: {}", portal.name, e.message),
                    )
                })?;
                if !seen.insert(alias.clone()) {
                    return Err(Error::conflict(
                        "alias",
                        format!(
                            "this export serves two {noun}s named '{alias}' in portal '{}'; it was not imported",
                            portal.name
                        ),
                    ));
                }
            }
        }
    }
    Ok(())
}
