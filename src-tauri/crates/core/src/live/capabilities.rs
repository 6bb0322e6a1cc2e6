//! Listing everything a server offers, page by page, with bounds: a server that pages
//! forever or offers absurd numbers of items gets an error, not an endless sync.

use std::time::Instant;

use rmcp::ServiceError;
use rmcp::model::{ErrorCode, PaginatedRequestParams};
use serde_json::Value;

use super::classify;
use super::connect::Session;
use super::model::{CapabilityCounts, PhaseTimings};
use crate::error::{ConnectionCategory, Error, Result};

const MAX_PAGES: usize = 500;
const MAX_ITEMS: usize = 20_000;

/// What a server offered at one sync, each item as the server described it.
#[derive(Debug, Default, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct Snapshot {
    pub tools: Vec<Value>,
    pub prompts: Vec<Value>,
    pub resources: Vec<Value>,
    pub resource_templates: Vec<Value>,
}

impl Snapshot {
    pub fn counts(&self) -> CapabilityCounts {
        CapabilityCounts {
            tools: self.tools.len() as u32,
            prompts: self.prompts.len() as u32,
            resources: self.resources.len() as u32,
            resource_templates: self.resource_templates.len() as u32,
        }
    }
}

#[derive(Clone, Copy)]
enum Kind {
    Tools,
    Prompts,
    Resources,
    Templates,
}

impl Kind {
    fn label(self) -> &'static str {
        match self {
            Kind::Tools => "tools",
            Kind::Prompts => "prompts",
            Kind::Resources => "resources",
            Kind::Templates => "resource templates",
        }
    }
}

/// One page, or `None` when the server does not implement this listing at all (JSON-RPC
/// -32601): servers declare `resources` and still answer `resources/templates/list` that way
/// (npm `@modelcontextprotocol/server-puppeteer`), and a listing that does not exist is empty.
async fn list_page(
    session: &Session,
    kind: Kind,
    cursor: Option<String>,
) -> Result<Option<(Vec<Value>, Option<String>)>> {
    match list_page_raw(session, kind, cursor).await {
        Ok(page) => Ok(Some(page)),
        Err(ServiceError::McpError(data)) if data.code == ErrorCode::METHOD_NOT_FOUND => {
            tracing::debug!(target = %session.target, listing = kind.label(), "listing not implemented; taken as empty");
            Ok(None)
        }
        Err(e) => Err(session.explain(classify::service_error(e, &session.target))),
    }
}

async fn list_page_raw(
    session: &Session,
    kind: Kind,
    cursor: Option<String>,
) -> std::result::Result<(Vec<Value>, Option<String>), ServiceError> {
    let peer = session.service.peer();
    let params = Some(PaginatedRequestParams::default().with_cursor(cursor));
    fn values<T: serde::Serialize>(items: Vec<T>) -> Vec<Value> {
        items
            .iter()
            .filter_map(|i| serde_json::to_value(i).ok())
            .collect()
    }
    Ok(match kind {
        Kind::Tools => {
            let r = peer.list_tools(params).await?;
            (values(r.tools), r.next_cursor)
        }
        Kind::Prompts => {
            let r = peer.list_prompts(params).await?;
            (values(r.prompts), r.next_cursor)
        }
        Kind::Resources => {
            let r = peer.list_resources(params).await?;
            (values(r.resources), r.next_cursor)
        }
        Kind::Templates => {
            let r = peer.list_resource_templates(params).await?;
            (values(r.resource_templates), r.next_cursor)
        }
    })
}

async fn list_all(session: &Session, kind: Kind) -> Result<Vec<Value>> {
    let mut items = Vec::new();
    let mut cursor = None;
    for _ in 0..MAX_PAGES {
        let Some((page, next)) = list_page(session, kind, cursor).await? else {
            return Ok(items);
        };
        items.extend(page);
        if items.len() > MAX_ITEMS {
            return Err(too_many(session, kind));
        }
        match next {
            Some(next) if !next.is_empty() => cursor = Some(next),
            _ => return Ok(items),
        }
    }
    Err(too_many(session, kind))
}

fn too_many(session: &Session, kind: Kind) -> Error {
    Error::connection(
        ConnectionCategory::Protocol,
        format!(
            "{} offers more than {MAX_ITEMS} {} (or pages without end); Patchbay stopped listing them",
            session.target,
            kind.label()
        ),
    )
}

/// Lists each kind the server declares in its capabilities (asking for an undeclared one
/// is an error on many servers).
pub(crate) async fn fetch(session: &Session, timings: &mut PhaseTimings) -> Result<Snapshot> {
    let caps = session
        .service
        .peer()
        .peer_info()
        .map(|info| info.capabilities.clone())
        .unwrap_or_default();
    let mut snapshot = Snapshot::default();
    let mut timed = Instant::now();
    if caps.tools.is_some() {
        snapshot.tools = list_all(session, Kind::Tools).await?;
    }
    timings.tools = timed.elapsed().as_millis() as u32;
    timed = Instant::now();
    if caps.prompts.is_some() {
        snapshot.prompts = list_all(session, Kind::Prompts).await?;
    }
    timings.prompts = timed.elapsed().as_millis() as u32;
    timed = Instant::now();
    if caps.resources.is_some() {
        snapshot.resources = list_all(session, Kind::Resources).await?;
        snapshot.resource_templates = list_all(session, Kind::Templates).await?;
    }
    timings.resources = timed.elapsed().as_millis() as u32;
    Ok(snapshot)
}
