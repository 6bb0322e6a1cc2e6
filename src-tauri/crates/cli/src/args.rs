//! The command line, exactly as the README documents it: scripts rely on these names.

// Parsed once per process: the size of a variant does not matter here.
#![allow(clippy::large_enum_variant)]

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "patchbay",
    version,
    about = "Manage the MCP servers your AI tools use"
)]
pub struct Cli {
    /// Print JSON instead of tables; errors go to stderr as {"error": {"code", "message"}}.
    #[arg(long, global = true)]
    pub json: bool,
    /// Where Patchbay keeps its database (default: the OS's per-user data dir).
    #[arg(long, global = true, env = "PATCHBAY_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// The workspace to act in (default: the default workspace).
    #[arg(long, global = true, env = "PATCHBAY_WORKSPACE", value_name = "NAME")]
    pub workspace: Option<String>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Workspaces: the scope servers belong to.
    #[command(subcommand)]
    Workspace(WorkspaceCommand),
    /// MCP servers.
    #[command(subcommand)]
    Server(ServerCommand),
}

#[derive(Debug, Subcommand)]
pub enum WorkspaceCommand {
    List,
    Create {
        name: String,
    },
    Rename {
        old: String,
        new: String,
    },
    /// Delete a workspace; refused while it holds servers unless --purge.
    Delete {
        name: String,
        /// Also delete its servers and their keyring entries.
        #[arg(long)]
        purge: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum ServerCommand {
    Create(CreateServer),
    List(ListServers),
    /// Show one server (SERVER is its id or name).
    Get {
        server: String,
    },
    Update(UpdateServer),
    /// Soft delete: restore brings it back.
    Delete {
        server: String,
    },
    Restore {
        server: String,
    },
    /// Remove the server and its keyring entries for good.
    Purge {
        server: String,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
#[value(rename_all = "snake_case")]
pub enum TransportArg {
    StreamableHttp,
    Sse,
    Stdio,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
#[value(rename_all = "snake_case")]
pub enum AuthArg {
    None,
    ApiKey,
    Oauth,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
#[value(rename_all = "snake_case")]
pub enum StatusArg {
    Pending,
    Active,
    Error,
    NeedsAuth,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum SortArg {
    Created,
    Name,
    Updated,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Include {
    Tools,
}

/// The settings `create` and `update` both take; on `update`, a flag not given leaves its
/// field as it is.
#[derive(Debug, Args)]
pub struct ServerFields {
    #[arg(long)]
    pub description: Option<String>,
    /// The server's MCP endpoint (HTTP servers).
    #[arg(long)]
    pub url: Option<String>,
    #[arg(long, value_enum)]
    pub transport: Option<TransportArg>,
    /// The program to run (stdio servers).
    #[arg(long)]
    pub command: Option<String>,
    /// An argument of the command; repeat for several (on update: replaces them all).
    #[arg(long = "arg", value_name = "A", allow_hyphen_values = true)]
    pub args: Vec<String>,
    /// The working directory of the command.
    #[arg(long)]
    pub cwd: Option<PathBuf>,
    /// An environment variable of the command, K=V; repeat for several.
    #[arg(long = "env", value_name = "K=V")]
    pub env: Vec<String>,
    /// A secret environment variable, K=V, kept in the OS keyring.
    #[arg(long = "secret-env", value_name = "K=V")]
    pub secret_env: Vec<String>,
    #[arg(long, value_enum)]
    pub auth: Option<AuthArg>,
    /// The header that carries the API key (default: Authorization).
    #[arg(long, value_name = "HEADER")]
    pub api_key_header: Option<String>,
    /// Read the API key from standard input (it goes to the OS keyring).
    #[arg(long)]
    pub api_key_stdin: bool,
}

#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("target").required(true).args(["url", "command"]))]
pub struct CreateServer {
    #[arg(long)]
    pub name: String,
    #[command(flatten)]
    pub fields: ServerFields,
}

#[derive(Debug, Args)]
pub struct ListServers {
    /// Add each server's tools as of its last sync.
    #[arg(long, value_enum)]
    pub include: Option<Include>,
    /// List soft-deleted servers instead of live ones.
    #[arg(long)]
    pub deleted: bool,
    /// Only servers whose name or description contains this text.
    #[arg(long)]
    pub search: Option<String>,
    /// Only servers in this status.
    #[arg(long, value_enum)]
    pub status: Option<StatusArg>,
    /// Only enabled (true) or disabled (false) servers.
    #[arg(long, value_name = "true|false")]
    pub enabled: Option<bool>,
    /// The order of the list (default: created).
    #[arg(long, value_enum)]
    pub sort: Option<SortArg>,
    /// Descending order.
    #[arg(long)]
    pub desc: bool,
    /// Servers per page (default 50, at most 1000).
    #[arg(long)]
    pub limit: Option<u32>,
    /// The next_cursor of the page before.
    #[arg(long, value_name = "TOKEN")]
    pub cursor: Option<String>,
}

#[derive(Debug, Args)]
pub struct UpdateServer {
    pub server: String,
    #[arg(long)]
    pub name: Option<String>,
    #[command(flatten)]
    pub fields: ServerFields,
    /// Remove all arguments.
    #[arg(long, conflicts_with = "args")]
    pub clear_args: bool,
    /// Remove an environment variable.
    #[arg(long = "unset-env", value_name = "K")]
    pub unset_env: Vec<String>,
    #[arg(long, value_name = "true|false")]
    pub enabled: Option<bool>,
}
