//! What a portal lists in `tools/list`: every served tool (`direct`); a tool that searches them
//! and one that calls what it found, in their place (`search`); or beside those two the pinned
//! tools and the ones used most lately (`hybrid`). The gateway serves this listing and runs the
//! two meta-tools (`gateway::tool_search`); `portal get` counts what each mode would cost.

use serde_json::{Value, json};

use super::PortalMode;
use super::served::ServedCatalog;

pub(crate) const SEARCH: &str = "search_tools";
pub(crate) const CALL: &str = "call_tool";
/// What the meta-tools are called when a served tool already has one of their names.
const OWN_PREFIX: &str = "patchbay__";
pub(crate) const FOUND_AT_MOST: usize = 20;
pub(crate) const FOUND_BY_DEFAULT: usize = 5;

/// A meta-tool's name: its own, unless a served tool already has it.
pub(crate) fn meta_name(catalog: &ServedCatalog, base: &str) -> String {
    if catalog.tools.iter().any(|t| t.exposed == base) {
        format!("{OWN_PREFIX}{base}")
    } else {
        base.to_string()
    }
}

/// The definitions (as stored) of the tools a client gets in `tools/list` in `mode`.
pub(crate) fn listed(catalog: &ServedCatalog, mode: PortalMode) -> Vec<Value> {
    let all = || catalog.tools.iter().map(|t| t.definition.clone());
    match mode {
        PortalMode::Direct => all().collect(),
        PortalMode::Search => meta_tools(catalog, mode),
        PortalMode::Hybrid => {
            let listing = &catalog.listing;
            let shown = |exposed: &String| {
                listing.pinned.contains(exposed) || listing.most_used.contains(exposed)
            };
            let mut out: Vec<Value> = catalog
                .tools
                .iter()
                .filter(|t| shown(&t.exposed))
                .map(|t| t.definition.clone())
                .collect();
            out.extend(meta_tools(catalog, mode));
            out
        }
    }
}

fn meta_tools(catalog: &ServedCatalog, mode: PortalMode) -> Vec<Value> {
    let (search, call) = (meta_name(catalog, SEARCH), meta_name(catalog, CALL));
    vec![
        json!({
            "name": search,
            "title": "Search this portal's tools",
            "description": search_description(catalog, &call, mode),
            "inputSchema": {
                "type": "object",
                "properties": {
                    "query": {"type": "string", "description": "What you need to do, in a few words"},
                    "limit": {"type": "integer", "minimum": 1, "maximum": FOUND_AT_MOST,
                              "description": format!("How many tools to return (default {FOUND_BY_DEFAULT})")}
                },
                "required": ["query"]
            },
            "annotations": {"readOnlyHint": true, "openWorldHint": false}
        }),
        json!({
            "name": call,
            "title": "Call a tool found by search",
            "description": format!("Calls a tool that {search} found, by its name, with the arguments its input schema asks for."),
            "inputSchema": {
                "type": "object",
                "properties": {
                    "name": {"type": "string", "description": format!("The tool's name, as {search} gave it")},
                    "arguments": {"type": "object", "description": "The tool's arguments"}
                },
                "required": ["name"]
            }
        }),
    ]
}

/// Says what the search hides, so a model knows when to reach for it.
fn search_description(catalog: &ServedCatalog, call: &str, mode: PortalMode) -> String {
    let listing = &catalog.listing;
    let mut examples: Vec<&str> = listing.most_used.iter().map(String::as_str).collect();
    for tool in &catalog.tools {
        if examples.len() >= 5 {
            break;
        }
        if !examples.contains(&tool.exposed.as_str()) {
            examples.push(&tool.exposed);
        }
    }
    examples.truncate(5);
    let hidden = if mode == PortalMode::Hybrid {
        "more tools than are listed"
    } else {
        "its tools"
    };
    format!(
        "Finds the tools for a task among the {} tools this portal serves ({hidden}), from {}; for example {}. Describe what you need to do; it answers with the best matching tools and their full input schemas. Then call one with {call}.",
        catalog.tools.len(),
        if listing.servers.is_empty() {
            "no server yet".to_string()
        } else {
            listing.servers.join(", ")
        },
        examples.join(", "),
    )
}
