//! The entry to paste by hand into one client's config, in that client's own shape and
//! container, exactly what an install would write; a secret it would carry is shown as a
//! placeholder (the window never gets one).

use std::path::Path;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::config_file::Entries;
use super::entry::ClientEntry;
use super::install::{keys, spec};
use super::plan::EntryTransport;
use super::registry::Format;
use crate::Patchbay;
use crate::error::Result;
use crate::portals::slug::slugify;

/// Where a header's secret would be.
const SECRET_PLACEHOLDER: &str = "<the portal's token>";

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct EntrySnippet {
    pub client: String,
    /// `json` or `toml`.
    pub format: String,
    /// The client's user file, where the snippet goes.
    pub file: String,
    pub text: String,
    /// A secret was left out: this text stands where it goes (the window fills in a token it
    /// was just shown).
    pub placeholder: Option<String>,
}

impl Patchbay {
    pub fn entry_snippet(
        &self,
        workspace_id: &str,
        target: &str,
        client: &str,
        transport: EntryTransport,
        dirs: &super::Dirs,
        bridge_command: &Path,
    ) -> Result<EntrySnippet> {
        let spec = spec(client)?;
        let resolved = self.resolve_target(workspace_id, target)?;
        let mut planned = self.plan_entry(
            workspace_id,
            &resolved,
            spec,
            transport,
            false,
            bridge_command,
        )?;
        let has_placeholder = planned.secret;
        if let ClientEntry::Http { headers, .. } = &mut planned.entry {
            for value in headers.values_mut().filter(|_| has_placeholder) {
                *value = match value.strip_prefix("Bearer ") {
                    Some(_) => format!("Bearer {SECRET_PLACEHOLDER}"),
                    None => SECRET_PLACEHOLDER.to_string(),
                };
            }
        }
        let name = match &resolved {
            super::plan::Resolved::Portal { slug, .. } => format!("patchbay-{slug}"),
            super::plan::Resolved::Server { name, .. } => format!("patchbay-{}", slugify(name)),
        };
        let entries = Entries {
            format: spec.format,
        };
        let path: Vec<String> = spec.servers_path.iter().map(|k| k.to_string()).collect();
        let mut text = entries.upsert("", &keys(&path), &name, &planned.value(spec), "snippet")?;
        if let (Some((id, item)), Some(key)) = (&planned.input, spec.secret_inputs_key) {
            text = entries.upsert_input(&text, key, id, item, "snippet")?;
        }
        Ok(EntrySnippet {
            client: spec.id.to_string(),
            format: match spec.format {
                Format::Json => "json",
                Format::Toml => "toml",
            }
            .into(),
            file: dirs.resolve(spec.user_file).to_string_lossy().into_owned(),
            text,
            placeholder: has_placeholder.then(|| SECRET_PLACEHOLDER.to_string()),
        })
    }
}
