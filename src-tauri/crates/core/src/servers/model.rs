//! What a server is, as shown to every front door (secrets redacted), and the inputs that
//! create and change one.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::secret::Secret;

macro_rules! text_enum {
    ($(#[$meta:meta])* $name:ident, $field:literal { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, ::serde::Serialize, ::serde::Deserialize, ::ts_rs::TS,
        )]
        #[serde(rename_all = "snake_case")]
        #[ts(export)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::error::Error;
            fn from_str(s: &str) -> $crate::error::Result<Self> {
                match s {
                    $($text => Ok($name::$variant),)+
                    other => Err($crate::error::Error::validation($field, format!(
                        "'{other}' is not a valid {}; use one of: {}",
                        $field,
                        [$($text),+].join(", ")
                    ))),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
/// Closed sets of text values beyond servers' (installations') are made the same way.
pub(crate) use text_enum;

text_enum!(
    /// How Patchbay reaches the server.
    Transport, "transport" { StreamableHttp = "streamable_http", Sse = "sse", Stdio = "stdio" }
);
text_enum!(AuthType, "auth_type" { None = "none", ApiKey = "api_key", Oauth = "oauth" });
text_enum!(
    ServerStatus, "status" { Pending = "pending", Active = "active", Error = "error", NeedsAuth = "needs_auth" }
);
text_enum!(
    ApprovalState, "approval_state" { Approved = "approved", NeedsApproval = "needs_approval", Denied = "denied" }
);

text_enum!(
    /// The order of a server list; each is paged by keyset.
    ServerSort, "sort" { Created = "created", Name = "name", Updated = "updated" }
);

// The enum comes from `text_enum!`, which has no place for `#[default]`.
#[allow(clippy::derivable_impls)]
impl Default for ServerSort {
    fn default() -> Self {
        ServerSort::Created
    }
}

impl Transport {
    pub fn is_http(self) -> bool {
        !matches!(self, Transport::Stdio)
    }
}

/// A server as every front door sees it. Secret values appear only as hints (`…9f2c`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, TS)]
#[ts(export)]
pub struct Server {
    pub id: String,
    pub workspace_id: String,
    pub name: String,
    pub description: String,
    pub transport: Transport,
    pub url: Option<String>,
    pub command: Option<String>,
    pub args: Vec<String>,
    /// Plain environment variables of a stdio server.
    pub env: BTreeMap<String, String>,
    /// Secret environment variables of a stdio server: name → redacted hint.
    pub secret_env: BTreeMap<String, String>,
    pub cwd: Option<String>,
    /// A stdio server gets the whole environment of the process that starts it, instead of
    /// the allow-listed variables (PATH, HOME, locale, temp and session ones) and its own.
    pub inherit_env: bool,
    pub auth_type: AuthType,
    /// OAuth: the browser step runs in the system browser, not in the app's window.
    pub authorize_in_browser: bool,
    pub api_key_header: Option<String>,
    /// The API key, redacted to at most its last 4 characters.
    pub api_key_redacted: Option<String>,
    pub is_enabled: bool,
    pub status: ServerStatus,
    pub error_message: Option<String>,
    pub last_synced: Option<String>,
    pub last_successful_sync: Option<String>,
    #[ts(type = "Record<string, unknown> | null")]
    pub server_info: Option<serde_json::Value>,
    pub template_id: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub deleted_at: Option<String>,
    /// How long its requests may take in the portals it is in, in seconds (unless the portal
    /// or the member has a bound of its own); none: 300 s.
    pub timeout_secs: Option<u32>,
    /// Present when the list asked for `include=tools`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub tools: Option<Vec<ToolSummary>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, TS)]
#[ts(export)]
pub struct ToolSummary {
    pub name: String,
    pub description: String,
    pub approval_state: ApprovalState,
}

/// Input of `create`. Fields left out take their defaults; the transport follows from `url`
/// (streamable HTTP) or `command` (stdio) when not given.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(default)]
#[ts(export, optional_fields)]
pub struct NewServer {
    pub name: String,
    pub description: Option<String>,
    pub transport: Option<Transport>,
    pub url: Option<String>,
    pub command: Option<String>,
    #[ts(as = "Option<Vec<String>>", optional)]
    pub args: Vec<String>,
    #[ts(as = "Option<BTreeMap<String, String>>", optional)]
    pub env: BTreeMap<String, String>,
    #[ts(as = "Option<BTreeMap<String, String>>", optional)]
    pub secret_env: BTreeMap<String, Secret>,
    pub cwd: Option<String>,
    /// Stdio only: start with the whole environment instead of the allow-listed one.
    pub inherit_env: Option<bool>,
    pub auth_type: Option<AuthType>,
    pub api_key_header: Option<String>,
    #[ts(as = "Option<String>", optional)]
    pub api_key: Option<Secret>,
    /// Instead of `api_key`: the header's value naming environment variables, as
    /// `Bearer ${env:TOKEN}`, read where the server is reached (not a secret: kept as text).
    pub api_key_from_env: Option<String>,
    pub is_enabled: Option<bool>,
    pub template_id: Option<String>,
}

/// Input of `update`: every field left `None` (or empty) stays as it is.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(default)]
#[ts(export, optional_fields)]
pub struct ServerPatch {
    pub name: Option<String>,
    pub description: Option<String>,
    pub transport: Option<Transport>,
    pub url: Option<String>,
    pub command: Option<String>,
    /// Replaces all arguments when given.
    pub args: Option<Vec<String>>,
    /// Sets (adds or overwrites) these plain variables.
    #[ts(as = "Option<BTreeMap<String, String>>", optional)]
    pub set_env: BTreeMap<String, String>,
    /// Sets these secret variables; their values go to the keyring.
    #[ts(as = "Option<BTreeMap<String, String>>", optional)]
    pub set_secret_env: BTreeMap<String, Secret>,
    /// Removes these variables, plain or secret.
    #[ts(as = "Option<Vec<String>>", optional)]
    pub unset_env: Vec<String>,
    pub cwd: Option<String>,
    pub inherit_env: Option<bool>,
    pub auth_type: Option<AuthType>,
    pub authorize_in_browser: Option<bool>,
    pub api_key_header: Option<String>,
    #[ts(as = "Option<String>", optional)]
    pub api_key: Option<Secret>,
    pub is_enabled: Option<bool>,
    /// Seconds, 1 to 3600, its requests may take in portals; 0 clears the bound.
    pub timeout_secs: Option<u32>,
}

/// Which servers a list shows.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(default)]
#[ts(export, optional_fields)]
pub struct ServerQuery {
    /// Soft-deleted servers instead of live ones.
    #[ts(as = "Option<bool>", optional)]
    pub deleted: bool,
    /// Case-insensitive substring of the name or description.
    pub search: Option<String>,
    pub status: Option<ServerStatus>,
    pub enabled: Option<bool>,
    pub sort: Option<ServerSort>,
    /// Descending instead of ascending.
    #[ts(as = "Option<bool>", optional)]
    pub desc: bool,
    pub limit: Option<u32>,
    pub cursor: Option<String>,
    #[ts(as = "Option<bool>", optional)]
    pub include_tools: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, TS)]
#[ts(export)]
pub struct ServerPage {
    pub servers: Vec<Server>,
    /// Give it back as `cursor` for the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

pub const DEFAULT_PAGE_SIZE: u32 = 50;
pub const MAX_PAGE_SIZE: u32 = 1_000;
