//! The two meta-tools a `search` or `hybrid` portal lists (`portals::listing`): one finds the
//! served tools a task needs (their full definitions), the other calls a found tool by its
//! exposed name. The found tool's call is the portal's usual call — served or refused, logged
//! under the tool's own exposed name — so search changes what the model reads, never what it
//! may do.

use rmcp::ErrorData as McpError;
use rmcp::model::{CallToolRequestParams, CallToolResult, ContentBlock, Tool};
use serde_json::{Value, json};

use crate::portals::PortalMode;
use crate::portals::listing::{CALL, FOUND_AT_MOST, FOUND_BY_DEFAULT, SEARCH, meta_name};
use crate::portals::served::ServedCatalog;

pub(super) enum Meta {
    Search,
    Call,
}

/// The meta-tool `requested` names, in a portal that lists them.
pub(super) fn meta(catalog: &ServedCatalog, requested: &str) -> Option<Meta> {
    if catalog.listing.mode == PortalMode::Direct {
        return None;
    }
    if requested == meta_name(catalog, SEARCH) {
        Some(Meta::Search)
    } else if requested == meta_name(catalog, CALL) {
        Some(Meta::Call)
    } else {
        None
    }
}

/// The answer of the search tool: the best matches with their full definitions.
pub(super) fn search(
    catalog: &ServedCatalog,
    arguments: Option<&serde_json::Map<String, Value>>,
) -> Result<CallToolResult, McpError> {
    let query = arguments
        .and_then(|a| a.get("query"))
        .and_then(Value::as_str)
        .filter(|q| !q.trim().is_empty())
        .ok_or_else(|| McpError::invalid_params("say what you need to do in 'query'", None))?;
    let limit = arguments
        .and_then(|a| a.get("limit"))
        .and_then(Value::as_u64)
        .map_or(FOUND_BY_DEFAULT, |n| (n as usize).clamp(1, FOUND_AT_MOST));
    let found: Vec<Value> = catalog
        .index
        .search(query, limit)
        .into_iter()
        .filter_map(|exposed| catalog.tools.iter().find(|t| t.exposed == exposed))
        .filter_map(|t| serde_json::from_value::<Tool>(t.definition.clone()).ok())
        .filter_map(|t| serde_json::to_value(t).ok())
        .collect();
    let text = if found.is_empty() {
        format!(
            "No tool of this portal matches '{query}'. Try other words: it serves {} tools.",
            catalog.index.len()
        )
    } else {
        serde_json::to_string(&found).unwrap_or_default()
    };
    let mut result = CallToolResult::success(vec![ContentBlock::text(text)]);
    result.structured_content = Some(json!({ "tools": found }));
    Ok(result)
}

/// The call the call tool asks for, as if the client had made it.
pub(super) fn found_call(
    request: &CallToolRequestParams,
) -> Result<CallToolRequestParams, McpError> {
    let arguments = request.arguments.as_ref();
    let name = arguments
        .and_then(|a| a.get("name"))
        .and_then(Value::as_str)
        .ok_or_else(|| {
            McpError::invalid_params(
                "name the tool to call in 'name' (search for it first)",
                None,
            )
        })?;
    let inner = match arguments.and_then(|a| a.get("arguments")) {
        None | Some(Value::Null) => None,
        Some(Value::Object(args)) => Some(args.clone()),
        Some(_) => {
            return Err(McpError::invalid_params(
                "'arguments' must be an object of the tool's arguments",
                None,
            ));
        }
    };
    let mut call = request.clone();
    call.name = name.to_string().into();
    call.arguments = inner;
    Ok(call)
}
