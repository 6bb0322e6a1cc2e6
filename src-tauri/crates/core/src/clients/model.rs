//! What the clients module answers with.

use serde::Serialize;
use ts_rs::TS;

use crate::servers::text_enum;

text_enum!(
    /// How an installed entry compares with what Patchbay wrote and would write now: `stale`,
    /// Patchbay would write it differently now (a rotated token, a renamed portal); `modified`,
    /// edited by hand; `missing`, gone from the file; `unreadable`, the file no longer parses.
    Drift, "drift" {
        InSync = "in_sync", Stale = "stale", Modified = "modified", Missing = "missing",
        FileMissing = "file_missing", Unreadable = "unreadable",
    }
);
text_enum!(
    /// What an installation points at.
    TargetKind, "target_kind" { Portal = "portal", Server = "server" }
);
text_enum!(
    /// The entry's kind: `http`, a URL entry; `stdio`, the server's own command; `bridge`,
    /// `patchbay bridge` through the user's gateway.
    EntryMode, "mode" { Http = "http", Stdio = "stdio", Bridge = "bridge" }
);

/// A client Patchbay knows, as found on this machine.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ClientInfo {
    pub id: String,
    pub name: String,
    /// Its config file or its folder exists.
    pub present: bool,
    /// The user-level config file (it may not exist yet).
    pub config_path: String,
    pub config_exists: bool,
    /// A project's config file, relative to the project folder, where the client has one.
    pub project_file: Option<String>,
    /// It can reach an HTTP server with headers; if not, portals go in through the bridge.
    pub http_with_headers: bool,
}

/// A portal or server Patchbay put into a client's config.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Installation {
    pub id: String,
    pub workspace_id: String,
    pub client_id: String,
    pub file: String,
    pub project_dir: Option<String>,
    /// A project's private entry in the user's file (Claude Code's local scope).
    #[serde(default)]
    pub private: bool,
    pub entry_name: String,
    pub target_kind: TargetKind,
    pub target_id: String,
    /// The portal's or server's name now (`null` if it was deleted since).
    pub target_name: Option<String>,
    pub mode: EntryMode,
    /// Where the file was copied before the change, when it existed.
    pub backup: Option<String>,
    pub installed_at: String,
    pub drift: Drift,
}

/// What an import did with each entry asked for.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ImportReport {
    /// Names of the servers created.
    pub imported: Vec<String>,
    pub skipped: Vec<SkippedEntry>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct SkippedEntry {
    pub name: String,
    pub reason: String,
}
