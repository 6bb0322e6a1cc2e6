//! The catalog (SPEC §1): templates of well-known remote MCP servers, shipped with the app in
//! `catalog/servers.json` (one object per template, the fields of `Template`), searchable
//! offline; installing one creates a server from it.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::Patchbay;
use crate::error::{Error, Result};
use crate::servers::{AuthType, NewServer, Server, Transport};

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Template {
    pub id: String,
    pub name: String,
    pub description: String,
    pub url: String,
    pub transport: Transport,
    pub auth_type: AuthType,
    pub docs_url: String,
    pub category: String,
}

/// Every template, in the file's order.
pub fn templates() -> &'static [Template] {
    static TEMPLATES: OnceLock<Vec<Template>> = OnceLock::new();
    TEMPLATES.get_or_init(|| {
        serde_json::from_str(include_str!("../catalog/servers.json"))
            .expect("the shipped catalog parses with every field (a unit test checks it)")
    })
}

/// Templates whose name, description, category or URL contains `text` (case-insensitive).
pub fn search(text: Option<&str>) -> Vec<Template> {
    let needle = text.map(str::trim).unwrap_or_default().to_lowercase();
    templates()
        .iter()
        .filter(|t| {
            needle.is_empty()
                || [&t.id, &t.name, &t.description, &t.category, &t.url]
                    .iter()
                    .any(|f| f.to_lowercase().contains(&needle))
        })
        .cloned()
        .collect()
}

impl Patchbay {
    /// Creates a server from a template (by id or name), named as the template unless told.
    /// An OAuth server comes back `pending`: authorize it next.
    pub fn install_template(
        &self,
        workspace_id: &str,
        template: &str,
        name: Option<String>,
    ) -> Result<Server> {
        let t = templates()
            .iter()
            .find(|t| t.id == template || t.name.eq_ignore_ascii_case(template))
            .ok_or_else(|| {
                Error::not_found(format!(
                    "no template '{template}' in the catalog; `patchbay catalog list --search` finds them"
                ))
            })?;
        self.create_server(
            workspace_id,
            NewServer {
                name: name.unwrap_or_else(|| t.name.clone()),
                description: Some(t.description.clone()),
                transport: Some(t.transport),
                url: Some(t.url.clone()),
                // An API-key server gets its key with `server update --api-key-stdin`.
                auth_type: Some(if t.auth_type == AuthType::ApiKey {
                    AuthType::None
                } else {
                    t.auth_type
                }),
                template_id: Some(t.id.clone()),
                ..NewServer::default()
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_catalog_has_at_least_25_distinct_remote_servers() {
        let all = templates();
        assert!(all.len() >= 25, "{}", all.len());
        let ids: std::collections::HashSet<_> = all.iter().map(|t| &t.id).collect();
        assert_eq!(ids.len(), all.len(), "template ids are unique");
        assert!(
            all.iter()
                .all(|t| t.url.starts_with("https://") && t.docs_url.starts_with("https://"))
        );
        assert!(all.iter().all(|t| t.transport != Transport::Stdio));
        assert_eq!(search(Some("POSTGRES")).len(), 2);
        assert_eq!(search(None).len(), all.len());
    }
}
