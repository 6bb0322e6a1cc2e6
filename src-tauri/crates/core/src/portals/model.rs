//! What a portal is, as every front door sees it.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::servers::{ApprovalState, AuthType, ServerStatus};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, TS)]
#[ts(export)]
pub struct Portal {
    pub id: String,
    pub workspace_id: String,
    pub name: String,
    pub description: String,
    pub slug: String,
    /// Where AI clients connect: `http://127.0.0.1:<gateway port>/mcp/<slug>`.
    pub url: String,
    /// Clients must present the portal's bearer token.
    pub secure: bool,
    /// The token, redacted to at most its last 4 characters.
    pub token_redacted: Option<String>,
    /// Whether call arguments and results are logged (off by default).
    pub log_payloads: bool,
    /// How long its members' requests may take, in seconds, unless a member has its own
    /// bound; none: each server's, else 300 s.
    pub timeout_secs: Option<u32>,
    /// What its served tools and prompts may cost a model, in tokens; the portal page warns
    /// above it. None: no budget.
    pub token_budget: Option<u32>,
    /// How it lists its tools to clients.
    pub mode: PortalMode,
    /// In `hybrid` mode: how many of the tools used most lately are listed.
    pub top_n: u32,
    /// In `hybrid` mode: the tools (by exposed name) listed whatever their use.
    pub pinned: Vec<String>,
    /// On `get`: what its served tools and prompts cost, in `o200k_base` tokens (see
    /// `portals::tokens`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub tokens: Option<u32>,
    /// On `get`: what its `tools/list` costs a model in each mode, in tokens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub listed_tokens: Option<ListedTokens>,
    pub created_at: String,
    pub updated_at: String,
    /// Present on `get`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub servers: Option<Vec<PortalMember>>,
    /// The bearer token, only in the answer that created or rotated it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub token: Option<String>,
    /// Client files whose installed entry this change rewrote (a URL entry after a token
    /// rotation or a rename); only in the answer to that change.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[ts(as = "Option<Vec<String>>", optional)]
    pub entries_rewritten: Vec<String>,
}

/// What a portal's `tools/list` costs a model in each mode, in tokens.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, TS)]
#[ts(export)]
pub struct ListedTokens {
    pub direct: u32,
    pub search: u32,
    pub hybrid: u32,
}

/// How a portal lists its tools: each one (`direct`); a search tool and a call tool in their
/// place (`search`), for tool sets too big for a model's context; or beside those two the
/// tools used most lately and the pinned ones (`hybrid`).
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum PortalMode {
    #[default]
    Direct,
    Search,
    Hybrid,
}

impl PortalMode {
    pub fn as_str(self) -> &'static str {
        match self {
            PortalMode::Direct => "direct",
            PortalMode::Search => "search",
            PortalMode::Hybrid => "hybrid",
        }
    }
}

impl std::str::FromStr for PortalMode {
    type Err = crate::Error;
    fn from_str(s: &str) -> crate::Result<PortalMode> {
        match s {
            "direct" => Ok(PortalMode::Direct),
            "search" => Ok(PortalMode::Search),
            "hybrid" => Ok(PortalMode::Hybrid),
            other => Err(crate::Error::validation(
                "mode",
                format!("'{other}' is not a portal mode; use direct, search or hybrid"),
            )),
        }
    }
}

/// A member server of a portal, with the tools clients get from it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, TS)]
#[ts(export)]
pub struct PortalMember {
    pub server_id: String,
    pub name: String,
    /// Its name in the portal, unique among the members.
    pub slug: String,
    /// What goes before its tools' and prompts' names: `<slug>__` unless set (`""`: none).
    pub prefix: String,
    /// The prefix was set by the user.
    pub custom_prefix: bool,
    /// Its own bound on how long its requests may take here, in seconds, if set.
    pub timeout_secs: Option<u32>,
    /// The bound that applies: its own, else the portal's, else the server's, else 300 s.
    pub effective_timeout_secs: u32,
    /// Its resources and resource templates are served here.
    pub resources_enabled: bool,
    /// How many of its calls run at once here; none: no limit.
    pub max_concurrent: Option<u32>,
    pub is_enabled: bool,
    pub default_disabled: bool,
    /// Its health (seed 004's member `status`): a member that is not `active` may serve
    /// nothing, and says why in `error_message`.
    pub status: ServerStatus,
    pub error_message: Option<String>,
    pub last_synced: Option<String>,
    pub last_successful_sync: Option<String>,
    pub auth_type: AuthType,
    pub tools: Vec<PortalTool>,
    /// Tools whose definition changed since they were approved (the seed's `updated_tools`).
    pub updated_tools: Vec<String>,
    pub prompts: Vec<PortalPrompt>,
    /// Prompts whose definition changed since they were approved (`updated_prompts`).
    pub updated_prompts: Vec<String>,
    /// On `get`: what its served tools and prompts cost, in tokens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub tokens: Option<u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, TS)]
#[ts(export)]
pub struct PortalTool {
    pub name: String,
    /// The name clients see: the alias, else `<server-slug>__<tool>`.
    pub exposed_name: String,
    pub alias: Option<String>,
    /// Enabled in this portal (an override, else the member's default).
    pub enabled: bool,
    pub approval_state: ApprovalState,
    /// Served: enabled here, approved, and its server enabled.
    pub served: bool,
    /// On `get`: what its definition costs a model as the portal serves it, in tokens
    /// (counted whether or not it is served, to show what enabling it would cost).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub tokens: Option<u32>,
    /// On `get`: its calls through the portal in the last 7 days.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub calls_7d: Option<u32>,
    /// On `get`: its calls in the last 30 days.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub calls_30d: Option<u32>,
}

/// A member's prompt in a portal: reviewed, switched and aliased as tools are.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, TS)]
#[ts(export)]
pub struct PortalPrompt {
    pub name: String,
    /// The name clients see: the alias, else the member's prefix and the prompt's name.
    pub exposed_name: String,
    pub alias: Option<String>,
    /// Enabled in this portal (an override, else the member's default).
    pub enabled: bool,
    pub approval_state: ApprovalState,
    /// Served: enabled here, approved, and its server enabled.
    pub served: bool,
    /// On `get`: what its definition costs as served, in tokens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub tokens: Option<u32>,
}

/// Input of `create`.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(default)]
#[ts(export, optional_fields)]
pub struct NewPortal {
    pub name: String,
    pub description: Option<String>,
    /// Off only on request: an insecure portal takes any local client.
    pub secure: Option<bool>,
}

/// Input of `update`: fields left out stay as they are.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(default)]
#[ts(export, optional_fields)]
pub struct PortalPatch {
    pub name: Option<String>,
    pub description: Option<String>,
    pub secure: Option<bool>,
    pub log_payloads: Option<bool>,
    /// Seconds, 1 to 3600; 0 clears the bound.
    pub timeout_secs: Option<u32>,
    /// Tokens; 0 clears the budget.
    pub token_budget: Option<u32>,
    pub mode: Option<PortalMode>,
    /// 0 to 1000.
    pub top_n: Option<u32>,
    /// Replaces the pinned tools (exposed names).
    pub pinned: Option<Vec<String>>,
}
