//! The catalog (SPEC §1): templates of well-known remote MCP servers, shipped with the app in
//! `catalog/servers.json` (one object per template, the fields of `Template`), searchable
//! offline; installing one creates a server from it.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::Patchbay;
use crate::Secret;
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
    /// For an `api_key` template: the header that carries the key (default Authorization)
    /// and what goes before the key in it (default `Bearer ` in Authorization, else nothing).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub api_key_header: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub api_key_prefix: Option<String>,
}

impl Template {
    /// The header and its value for a key as the user pastes it (with or without the scheme).
    fn api_key_value(&self, key: &Secret) -> (String, Secret) {
        let header = self
            .api_key_header
            .clone()
            .unwrap_or_else(|| crate::servers::edit::DEFAULT_API_KEY_HEADER.to_string());
        let prefix = self.api_key_prefix.clone().unwrap_or_else(|| {
            if header.eq_ignore_ascii_case("authorization") {
                "Bearer ".into()
            } else {
                String::new()
            }
        });
        let key = key.expose().trim();
        let value = if prefix.is_empty() || key.starts_with(prefix.as_str()) {
            key.to_string()
        } else {
            format!("{prefix}{key}")
        };
        (header, Secret::new(value))
    }
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
    /// An OAuth server comes back `pending`: authorize it next. An API-key template needs
    /// its key now (without it the first sync could only fail).
    pub fn install_template(
        &self,
        workspace_id: &str,
        template: &str,
        name: Option<String>,
        api_key: Option<Secret>,
    ) -> Result<Server> {
        let t = templates()
            .iter()
            .find(|t| t.id == template || t.name.eq_ignore_ascii_case(template))
            .ok_or_else(|| {
                Error::not_found(format!(
                    "no template '{template}' in the catalog; search the catalog for it by name"
                ))
                .at_field("template")
            })?;
        let key = match (t.auth_type, api_key) {
            (AuthType::ApiKey, Some(key)) if !key.expose().trim().is_empty() => {
                Some(t.api_key_value(&key))
            }
            (AuthType::ApiKey, _) => {
                return Err(Error::validation(
                    "api_key",
                    format!(
                        "{} needs an API key (see {}); give it with the server",
                        t.name, t.docs_url
                    ),
                ));
            }
            _ => None,
        };
        let (api_key_header, api_key) = key.unzip();
        self.create_server(
            workspace_id,
            NewServer {
                name: name.unwrap_or_else(|| t.name.clone()),
                description: Some(t.description.clone()),
                transport: Some(t.transport),
                url: Some(t.url.clone()),
                auth_type: Some(t.auth_type),
                api_key_header,
                api_key,
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

    #[test]
    fn a_pasted_key_gets_the_templates_scheme_once() {
        let mut t = templates()
            .iter()
            .find(|t| t.auth_type == AuthType::ApiKey)
            .expect("an api_key template")
            .clone();
        t.api_key_header = None;
        t.api_key_prefix = None;
        for pasted in ["k-123", "  k-123\n", "Bearer k-123"] {
            let (header, value) = t.api_key_value(&Secret::new(pasted));
            assert_eq!(
                (header.as_str(), value.expose()),
                ("Authorization", "Bearer k-123")
            );
        }
        t.api_key_header = Some("x-api-key".into());
        let (header, value) = t.api_key_value(&Secret::new("k-123"));
        assert_eq!((header.as_str(), value.expose()), ("x-api-key", "k-123"));
    }
}
