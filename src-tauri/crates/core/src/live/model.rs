//! What live operations report to every front door.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::Error;
use crate::servers::{ApprovalState, NewServer, Server, Transport};

#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, TS)]
#[ts(export)]
pub struct CapabilityCounts {
    pub tools: u32,
    pub prompts: u32,
    pub resources: u32,
    pub resource_templates: u32,
}

/// Milliseconds spent in each phase; `resources` includes resource templates.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, TS)]
#[ts(export)]
pub struct PhaseTimings {
    pub connect: u32,
    pub tools: u32,
    pub prompts: u32,
    pub resources: u32,
    pub total: u32,
}

/// The result of a connection test that succeeded.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, TS)]
#[ts(export)]
pub struct ConnectionReport {
    /// The transport that worked (a streamable HTTP URL may turn out to speak legacy SSE).
    pub transport: Transport,
    pub protocol_version: Option<String>,
    #[ts(type = "Record<string, unknown>")]
    pub server_info: serde_json::Value,
    pub counts: CapabilityCounts,
    /// The tools as listed, for the user to see what a first sync would bring (seed 001's
    /// `connect/tools`).
    pub tools: Vec<ToolPreview>,
    pub timings_ms: PhaseTimings,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, TS)]
#[ts(export)]
pub struct ToolPreview {
    pub name: String,
    pub description: String,
}

/// Input of a connection test of a server that is not saved yet.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(default)]
#[ts(export, optional_fields)]
pub struct UnsavedTest {
    pub server: NewServer,
    pub timeout_ms: Option<u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, TS)]
#[ts(export)]
pub struct SyncReport {
    pub server: Server,
    pub counts: CapabilityCounts,
    /// Tools seen for the first time (after the first sync they wait for approval).
    pub tools_added: Vec<String>,
    /// Tools whose definition differs from the one approved.
    pub tools_changed: Vec<String>,
    pub tools_removed: Vec<String>,
    pub needs_approval: u32,
    pub duration_ms: u32,
}

/// One server's outcome in a sync of many: a report or the error, never both.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct SyncItem {
    pub server_id: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub report: Option<SyncReport>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "import('./CoreError').CoreError")]
    pub error: Option<Error>,
}

/// A tool as stored at the last sync, with its approval.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, TS)]
#[ts(export)]
pub struct ToolDetail {
    pub name: String,
    pub title: Option<String>,
    pub description: String,
    #[ts(type = "Record<string, unknown>")]
    pub input_schema: serde_json::Value,
    #[ts(type = "Record<string, unknown> | null")]
    pub output_schema: Option<serde_json::Value>,
    #[ts(type = "Record<string, unknown> | null")]
    pub annotations: Option<serde_json::Value>,
    pub approval_state: ApprovalState,
    /// The definition differs from the one last approved.
    pub changed: bool,
    /// Appeared after the first sync and was never approved.
    pub is_new: bool,
    pub content_hash: String,
    pub first_seen: String,
    pub updated_at: String,
    /// What it costs a model as the server serves it, in `o200k_base` tokens (in a portal its
    /// exposed name changes that a little: `portal get`).
    pub tokens: u32,
}

/// A prompt as stored at the last sync, with its approval.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, TS)]
#[ts(export)]
pub struct PromptDetail {
    pub name: String,
    pub title: Option<String>,
    pub description: String,
    /// The arguments as the server lists them (`name`, `description`, `required`).
    #[ts(type = "Array<Record<string, unknown>>")]
    pub arguments: serde_json::Value,
    pub approval_state: ApprovalState,
    /// The definition differs from the one last approved.
    pub changed: bool,
    /// Appeared after the first sync and was never approved.
    pub is_new: bool,
    pub content_hash: String,
    pub first_seen: String,
    pub updated_at: String,
}

/// One field of a tool or prompt, as approved and as the server describes it now.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, TS)]
#[ts(export)]
pub struct FieldChange {
    pub field: String,
    #[ts(type = "unknown")]
    pub approved: Option<serde_json::Value>,
    #[ts(type = "unknown")]
    pub current: Option<serde_json::Value>,
}

/// A tool or prompt as the server describes it now, beside the definition last approved.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, TS)]
#[ts(export)]
pub struct DefinitionDiff {
    pub name: String,
    /// `None` when it was never approved.
    #[ts(type = "Record<string, unknown> | null")]
    pub approved: Option<serde_json::Value>,
    #[ts(type = "Record<string, unknown>")]
    pub current: serde_json::Value,
    /// Only the fields that differ.
    pub changes: Vec<FieldChange>,
}

/// What a tool call returned, as the server sent it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, TS)]
#[ts(export)]
pub struct ToolCallResult {
    /// MCP content blocks: `text`, `image`, `audio`, `resource`, `resource_link`.
    #[ts(type = "Array<Record<string, unknown>>")]
    pub content: Vec<serde_json::Value>,
    #[ts(type = "unknown")]
    pub structured_content: Option<serde_json::Value>,
    pub is_error: bool,
    pub duration_ms: u32,
}

/// Prompts, resources and resource templates as of the last sync, as the server described them.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, TS)]
#[ts(export)]
pub struct StoredCapabilities {
    #[ts(type = "Array<Record<string, unknown>>")]
    pub prompts: Vec<serde_json::Value>,
    #[ts(type = "Array<Record<string, unknown>>")]
    pub resources: Vec<serde_json::Value>,
    #[ts(type = "Array<Record<string, unknown>>")]
    pub resource_templates: Vec<serde_json::Value>,
}
