//! What a portal serves right now, read in one go: the approved, enabled tools and prompts of
//! its enabled members under their exposed names, their resources (under their own URIs), and
//! whether calls are logged with payloads.

use rusqlite::{Connection, params};
use serde_json::Value;

use super::repo::members;
use crate::error::Result;

/// One served item: the name (or URI) clients see, the server behind it, the server's own
/// name (or URI) for it, and its definition as clients see it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ServedItem {
    pub exposed: String,
    pub server_id: String,
    pub upstream: String,
    pub definition: Value,
}

#[derive(Clone, Default)]
pub(crate) struct ServedCatalog {
    pub tools: Vec<ServedItem>,
    pub prompts: Vec<ServedItem>,
    pub resources: Vec<ServedItem>,
    pub resource_templates: Vec<ServedItem>,
    pub log_payloads: bool,
    /// The time bound (seconds) of each member whose bound is not the default.
    pub timeouts: std::collections::HashMap<String, u32>,
    /// How many calls each limited member takes at once.
    pub limits: std::collections::HashMap<String, u32>,
    /// The extensions (SEP-2133) of the members that the portal passes on, with the settings
    /// the first member declaring each gave.
    pub extensions: rmcp::model::ExtensionCapabilities,
    /// How the portal lists its tools.
    pub listing: Listing,
    /// Its served tools, for the search tool of a `search` or `hybrid` portal.
    pub index: std::sync::Arc<super::search::ToolIndex>,
}

/// How a portal lists its tools, and what a `hybrid` listing takes.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Listing {
    pub mode: super::PortalMode,
    /// The exposed names listed whatever their use (`hybrid`).
    pub pinned: Vec<String>,
    /// The tools used most lately, most first, as many as `hybrid` lists.
    pub most_used: Vec<String>,
    /// The names of the members serving tools, for the search tool's description.
    pub servers: Vec<String>,
}

/// Extensions a portal passes on: MCP Apps add only `_meta` and resources; the gateway routes
/// the methods tasks add (`gateway::tasks`). Another that adds methods is not declared to
/// clients until the gateway routes them.
const PASSED_EXTENSIONS: &[&str] = &[
    "io.modelcontextprotocol/ui",
    rmcp::model::TASKS_EXTENSION_ID,
];

impl ServedCatalog {
    /// The tool served as `name`; else the one served tool whose server calls it `name`: an
    /// MCP App (`ui://` resource) calls its server's tools by the server's own names.
    pub fn tool(&self, name: &str) -> Option<&ServedItem> {
        if let Some(tool) = self.tools.iter().find(|t| t.exposed == name) {
            return Some(tool);
        }
        let mut own = self.tools.iter().filter(|t| t.upstream == name);
        match (own.next(), own.next()) {
            (Some(tool), None) => Some(tool),
            _ => None,
        }
    }

    pub fn prompt(&self, exposed: &str) -> Option<&ServedItem> {
        self.prompts.iter().find(|p| p.exposed == exposed)
    }

    /// The server of a resource URI: a listed resource, else the member whose template's
    /// fixed part (before its first `{`) the URI starts with, longest first.
    pub fn resource_server(&self, uri: &str) -> Option<&str> {
        if let Some(r) = self.resources.iter().find(|r| r.exposed == uri) {
            return Some(&r.server_id);
        }
        self.resource_templates
            .iter()
            .map(|t| (t, t.exposed.split('{').next().unwrap_or_default()))
            .filter(|(_, prefix)| !prefix.is_empty() && uri.starts_with(prefix))
            .max_by_key(|(_, prefix)| prefix.len())
            .map(|(t, _)| t.server_id.as_str())
    }
}

pub(crate) fn served_catalog(conn: &Connection, portal_id: &str) -> Result<ServedCatalog> {
    let log_payloads: bool = conn.query_row(
        "SELECT log_payloads FROM portals WHERE id = ?1",
        [portal_id],
        |r| r.get(0),
    )?;
    let mut tool_stmt = conn
        .prepare_cached("SELECT definition FROM server_tools WHERE server_id = ?1 AND name = ?2")?;
    let mut prompt_stmt = conn.prepare_cached(
        "SELECT definition FROM server_prompts WHERE server_id = ?1 AND name = ?2",
    )?;
    let mut caps_stmt = conn.prepare_cached(CAPABILITIES)?;
    let mut catalog = ServedCatalog {
        log_payloads,
        ..ServedCatalog::default()
    };
    let (mode, top_n, pinned): (String, u32, String) = conn.query_row(
        "SELECT mode, top_n, pinned_tools FROM portals WHERE id = ?1",
        [portal_id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    let mut uris = std::collections::HashSet::new();
    let mut servers = Vec::new();
    for member in members(conn, portal_id)? {
        if !member.is_enabled {
            continue;
        }
        catalog
            .timeouts
            .insert(member.server_id.clone(), member.effective_timeout_secs);
        if let Some(n) = member.max_concurrent {
            catalog.limits.insert(member.server_id.clone(), n);
        }
        let served = |stmt: &mut rusqlite::CachedStatement, name: &str, exposed: &str| {
            let text: String = stmt.query_row(params![member.server_id, name], |r| r.get(0))?;
            let mut definition: Value = serde_json::from_str(&text).unwrap_or_default();
            definition["name"] = exposed.into();
            Ok::<_, crate::Error>(ServedItem {
                exposed: exposed.to_string(),
                server_id: member.server_id.clone(),
                upstream: name.to_string(),
                definition,
            })
        };
        for tool in member.tools.iter().filter(|t| t.served) {
            let item = served(&mut tool_stmt, &tool.name, &tool.exposed_name)?;
            catalog.tools.push(item);
        }
        if member.tools.iter().any(|t| t.served) {
            servers.push(member.name.clone());
        }
        for prompt in member.prompts.iter().filter(|p| p.served) {
            let item = served(&mut prompt_stmt, &prompt.name, &prompt.exposed_name)?;
            catalog.prompts.push(item);
        }
        if member.resources_enabled {
            add_resources(&mut catalog, &mut caps_stmt, &member.server_id, &mut uris)?;
        }
        add_extensions(conn, &mut catalog, &member.server_id)?;
    }
    // "Used lately": calls in the last 30 days.
    let uses: std::collections::HashMap<String, u32> =
        super::usage::calls_by_tool(conn, portal_id)?
            .into_iter()
            .map(|(tool, calls)| (tool, calls.month))
            .collect();
    let served: std::collections::HashSet<&str> =
        catalog.tools.iter().map(|t| t.exposed.as_str()).collect();
    let mut most_used: Vec<(&String, &u32)> = uses
        .iter()
        .filter(|(tool, _)| served.contains(tool.as_str()))
        .collect();
    most_used.sort_by(|(a, x), (b, y)| y.cmp(x).then(a.cmp(b)));
    let mode: super::PortalMode = mode.parse().unwrap_or_default();
    catalog.listing = Listing {
        mode,
        pinned: serde_json::from_str(&pinned).unwrap_or_default(),
        most_used: most_used
            .into_iter()
            .take(top_n as usize)
            .map(|(t, _)| t.clone())
            .collect(),
        servers,
    };
    // Only a portal that lists the search tool searches.
    if mode != super::PortalMode::Direct {
        catalog.index = std::sync::Arc::new(super::search::ToolIndex::build(
            catalog
                .tools
                .iter()
                .map(|t| (t.exposed.as_str(), &t.definition)),
            &uses,
        ));
    }
    Ok(catalog)
}

/// What the gateway's endpoint of one server serves: its approved tools, its prompts, its
/// resources and templates, all under the server's own names; nothing while it is disabled.
pub(crate) fn served_server_catalog(conn: &Connection, server_id: &str) -> Result<ServedCatalog> {
    let mut catalog = ServedCatalog::default();
    let enabled = crate::servers::repo::live_by_id(conn, server_id)?.is_some_and(|(_, on)| on);
    if !enabled {
        return Ok(catalog);
    }
    if let Some(secs) = crate::servers::repo::timeout_secs(conn, server_id)? {
        catalog.timeouts.insert(server_id.to_string(), secs);
    }
    for (table, into) in [
        ("server_tools", &mut catalog.tools),
        ("server_prompts", &mut catalog.prompts),
    ] {
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT name, definition FROM {table} WHERE server_id = ?1
             AND approval_state = 'approved' ORDER BY name"
        ))?;
        let rows = stmt
            .query_map([server_id], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        for (name, text) in rows {
            into.push(ServedItem {
                exposed: name.clone(),
                server_id: server_id.to_string(),
                upstream: name,
                definition: serde_json::from_str(&text).unwrap_or_default(),
            });
        }
    }
    let mut caps_stmt = conn.prepare_cached(CAPABILITIES)?;
    let mut uris = std::collections::HashSet::new();
    add_resources(&mut catalog, &mut caps_stmt, server_id, &mut uris)?;
    add_extensions(conn, &mut catalog, server_id)?;
    Ok(catalog)
}

/// The passed extensions a server declared at its last sync (its stored `server_info`).
fn add_extensions(conn: &Connection, catalog: &mut ServedCatalog, server_id: &str) -> Result<()> {
    let info: Value = crate::servers::repo::server_info(conn, server_id)?
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default();
    if let Some(declared) = info["capabilities"]["extensions"].as_object() {
        for (id, settings) in declared {
            if PASSED_EXTENSIONS.contains(&id.as_str()) && !catalog.extensions.contains_key(id) {
                let settings = settings.as_object().cloned().unwrap_or_default();
                catalog.extensions.insert(id.clone(), settings);
            }
        }
    }
    Ok(())
}

const CAPABILITIES: &str = "SELECT kind, key, definition FROM server_capabilities
    WHERE server_id = ?1 AND kind != 'prompt' ORDER BY kind, key";

/// A server's resources and resource templates. A URI in `uris` already is served by an
/// earlier server and stays with it.
fn add_resources(
    catalog: &mut ServedCatalog,
    caps_stmt: &mut rusqlite::CachedStatement,
    server_id: &str,
    uris: &mut std::collections::HashSet<String>,
) -> Result<()> {
    let caps = caps_stmt
        .query_map([server_id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for (kind, key, text) in caps {
        let definition: Value = serde_json::from_str(&text).unwrap_or_default();
        let item = |exposed: String, definition: Value| ServedItem {
            exposed,
            server_id: server_id.to_string(),
            upstream: key.clone(),
            definition,
        };
        match kind.as_str() {
            // Two members may list one URI: the first (by member name) serves it.
            "resource" if uris.insert(key.clone()) => {
                catalog.resources.push(item(key.clone(), definition));
            }
            "resource_template" => {
                catalog
                    .resource_templates
                    .push(item(key.clone(), definition));
            }
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(exposed: &str, server: &str) -> ServedItem {
        ServedItem {
            exposed: exposed.into(),
            server_id: server.into(),
            upstream: exposed.into(),
            definition: Value::Null,
        }
    }

    #[test]
    fn a_tool_is_found_by_its_exposed_name_else_by_its_servers_own_when_only_one_has_it() {
        let served = |exposed: &str, server: &str, upstream: &str| ServedItem {
            upstream: upstream.into(),
            ..item(exposed, server)
        };
        let catalog = ServedCatalog {
            tools: vec![
                served("a__show", "a", "show"),
                served("b__show", "b", "show"),
                served("a__chart", "a", "chart"),
            ],
            ..ServedCatalog::default()
        };
        assert_eq!(
            catalog.tool("b__show").map(|t| t.server_id.as_str()),
            Some("b")
        );
        assert_eq!(
            catalog.tool("chart").map(|t| t.exposed.as_str()),
            Some("a__chart")
        );
        assert!(
            catalog.tool("show").is_none(),
            "two members call a tool 'show'"
        );
        assert!(catalog.tool("nothing").is_none());
    }

    #[test]
    fn a_resource_uri_goes_to_its_listing_server_else_the_longest_template_prefix() {
        let catalog = ServedCatalog {
            resources: vec![item("demo://resource/static/1", "a")],
            resource_templates: vec![
                item("demo://resource/{id}", "b"),
                item("demo://resource/dynamic/{id}", "c"),
                item("{anything}", "d"),
            ],
            ..ServedCatalog::default()
        };
        assert_eq!(
            catalog.resource_server("demo://resource/static/1"),
            Some("a")
        );
        assert_eq!(
            catalog.resource_server("demo://resource/dynamic/7"),
            Some("c")
        );
        assert_eq!(catalog.resource_server("demo://resource/x"), Some("b"));
        assert_eq!(catalog.resource_server("other://x"), None);
    }
}
