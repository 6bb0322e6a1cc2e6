//! The command line, exactly as the README documents it: scripts rely on these names.

// Parsed once per process: the size of a variant does not matter here.
#![allow(clippy::large_enum_variant)]

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

mod clients;
mod portal;

pub use clients::*;
pub use portal::*;

#[derive(Debug, Parser)]
#[command(
    name = "patchbay",
    // `--version` prints more than the number (build, data dir, keyring, gateway): main.rs.
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
    /// The tools of a server: approval and calls.
    #[command(subcommand)]
    Tool(ToolCommand),
    /// The prompts of a server.
    #[command(subcommand)]
    Prompt(PromptCommand),
    /// The resources of a server.
    #[command(subcommand)]
    Resource(ResourceCommand),
    /// Portals: one local MCP endpoint bundling several servers.
    #[command(subcommand)]
    Portal(PortalCommand),
    /// Serve a portal (or, with --server, one server) over stdin/stdout through the user's
    /// gateway, started when it is not running: the entry Patchbay writes into AI clients.
    #[command(group = clap::ArgGroup::new("what").required(true).args(["portal", "server"]))]
    Bridge {
        /// The portal, by id (what installed entries use), slug or name.
        portal: Option<String>,
        /// A server instead, by id or name, on its own endpoint of the gateway.
        #[arg(long, value_name = "SERVER")]
        server: Option<String>,
    },
    /// The user's gateway in the background: one per data dir, outliving the window.
    #[command(subcommand)]
    Gateway(GatewayCommand),
    /// Start the gateway at login, as the OS's per-user service.
    #[command(subcommand)]
    Service(ServiceCommand),
    /// AI clients on this machine (found under $HOME): their configs and servers.
    #[command(subcommand)]
    Client(ClientCommand),
    /// Put a portal or a server into an AI client's config (only Patchbay's entry changes).
    Install(InstallArgs),
    /// Take Patchbay's entry for a portal or server out of an AI client's config.
    Uninstall(InstallArgs),
    /// What Patchbay installed where, and whether it was edited by hand since (drift).
    #[command(subcommand)]
    Installation(InstallationCommand),
    /// Well-known remote MCP servers, ready to add.
    #[command(subcommand)]
    Catalog(CatalogCommand),
    /// Settings of this data dir; with a flag, set it.
    Settings {
        /// How often the user's gateway syncs every enabled server to check it (0: never).
        #[arg(long, value_name = "SECS")]
        health_check_seconds: Option<u32>,
    },
    /// Run the gateway that serves the portals, headless; the first line printed is its address.
    Serve {
        /// The port on 127.0.0.1 (default: PATCHBAY_GATEWAY_PORT, else 47821; 0: any free port).
        #[arg(long)]
        port: Option<u16>,
        /// Started by `gateway start` or a client's entry (a gateway already serving is fine).
        #[arg(long, hide = true)]
        background: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum GatewayCommand {
    /// Whether the gateway runs, where, and what it serves.
    Status,
    /// Start it in the background unless it runs; one of another Patchbay version restarts.
    Start,
    /// Stop it (calls in flight are logged first).
    Stop,
}

#[derive(Debug, Subcommand)]
pub enum ServiceCommand {
    /// Run the gateway at login (systemd user unit, LaunchAgent or logon task).
    Install,
    /// Stop running it at login.
    Uninstall,
    /// Whether it is installed, and where.
    Status,
}

/// How long a live operation may take.
#[derive(Debug, Args, Clone, Copy)]
pub struct TimeoutArg {
    /// Give up after this many seconds (default 30).
    #[arg(long, value_name = "SECS", default_value_t = 30.0)]
    pub timeout: f64,
}

#[derive(Debug, Args)]
pub struct TestServer {
    /// A saved server (id or name); leave out to test the settings given by flags.
    #[arg(conflicts_with_all = ["url", "command"])]
    pub server: Option<String>,
    #[command(flatten)]
    pub fields: ServerFields,
    #[command(flatten)]
    pub timeout: TimeoutArg,
}

#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("which").required(true).args(["server", "all"]))]
pub struct SyncServers {
    /// The server to sync (id or name).
    pub server: Option<String>,
    /// Sync every enabled server of the workspace, concurrently.
    #[arg(long)]
    pub all: bool,
    /// With --all: how many servers to talk to at once (stdio servers: at most 4).
    #[arg(long, value_name = "N", default_value_t = patchbay_core::live::DEFAULT_SYNC_CONCURRENCY)]
    pub concurrency: usize,
    #[command(flatten)]
    pub timeout: TimeoutArg,
}

#[derive(Debug, Subcommand)]
pub enum ToolCommand {
    /// The tools of a server as of its last sync, with their approval.
    List { server: String },
    /// Approve a tool, or with --all every tool waiting for approval.
    Approve(ToolSelection),
    /// Deny a tool, or with --all every tool of the server.
    Deny(ToolSelection),
    /// What changed in a tool since it was approved.
    Diff { server: String, tool: String },
    /// Call a tool.
    Call {
        server: String,
        tool: String,
        /// The arguments, a JSON object.
        #[arg(long, value_name = "JSON", default_value = "{}")]
        args: String,
        #[command(flatten)]
        timeout: TimeoutArg,
    },
}

#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("which").required(true).args(["tool", "all"]))]
pub struct ToolSelection {
    pub server: String,
    pub tool: Option<String>,
    #[arg(long)]
    pub all: bool,
}

#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("which").required(true).args(["prompt", "all"]))]
pub struct PromptSelection {
    pub server: String,
    pub prompt: Option<String>,
    #[arg(long)]
    pub all: bool,
}

#[derive(Debug, Subcommand)]
pub enum PromptCommand {
    /// The prompts of a server as of its last sync, with their approval.
    List { server: String },
    /// Approve a prompt, or with --all every prompt waiting for approval.
    Approve(PromptSelection),
    /// Deny a prompt, or with --all every prompt of the server.
    Deny(PromptSelection),
    /// What changed in a prompt since it was approved.
    Diff { server: String, prompt: String },
    /// Get a prompt from the server.
    Get {
        server: String,
        prompt: String,
        /// The prompt's arguments, a JSON object of strings.
        #[arg(long, value_name = "JSON", default_value = "{}")]
        args: String,
        #[command(flatten)]
        timeout: TimeoutArg,
    },
}

#[derive(Debug, Subcommand)]
pub enum ResourceCommand {
    /// Read a resource from the server.
    Read {
        server: String,
        uri: String,
        #[command(flatten)]
        timeout: TimeoutArg,
    },
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
    /// Change a workspace's settings.
    Set {
        name: String,
        /// Whether a server's first sync approves all its tools.
        #[arg(long, value_name = "true|false")]
        auto_approve_first_sync: Option<bool>,
    },
    /// Delete a workspace; refused while it holds servers unless --purge.
    Delete {
        name: String,
        /// Also delete its servers and their keyring entries.
        #[arg(long)]
        purge: bool,
    },
    /// Print a workspace's servers and portals as JSON, without secrets.
    Export {
        name: String,
    },
    /// Create a workspace from an export. Secrets not given are listed, and their servers
    /// marked needs_auth.
    Import {
        file: PathBuf,
        /// Another name than the exported one.
        #[arg(long)]
        name: Option<String>,
        /// Read secrets as JSON from stdin: {"SERVER": {"api_key": "...", "env": {"NAME": "..."}}}.
        #[arg(long)]
        secrets_stdin: bool,
        /// Import an export that runs commands, has portals without a token or logs call
        /// payloads, without asking. Without it, those are listed and asked about on a
        /// terminal, and refused otherwise.
        #[arg(long)]
        accept_risks: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum ServerCommand {
    Create(CreateServer),
    List(ListServers),
    /// Show one server (SERVER is its id or name).
    Get {
        server: String,
        /// Add its tools as of its last sync.
        #[arg(long, value_enum)]
        include: Option<Include>,
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
    /// Connect and list capabilities without saving anything.
    Test(TestServer),
    /// Fetch and store a server's capabilities, applying tool approval.
    Sync(SyncServers),
    /// Authorize Patchbay with an OAuth server in a browser; tokens go to the OS keyring.
    Authorize(AuthorizeServer),
    /// Forget a server's OAuth tokens (its client registration is kept).
    Logout {
        server: String,
    },
}

#[derive(Debug, Args)]
pub struct AuthorizeServer {
    pub server: String,
    /// A client id registered beforehand with the authorization server (else Patchbay
    /// registers itself, and remembers the registration).
    #[arg(long, value_name = "ID")]
    pub client_id: Option<String>,
    /// Read that client's secret from standard input (it goes to the OS keyring).
    #[arg(long, requires = "client_id")]
    pub client_secret_stdin: bool,
    /// A scope to ask for; repeat for several (default: what the server asks for).
    #[arg(long = "scope", value_name = "SCOPE")]
    pub scopes: Vec<String>,
    /// Print the URL only; do not open a browser.
    #[arg(long)]
    pub no_browser: bool,
    /// Give up when the browser step takes longer than this (default 300).
    #[arg(long, value_name = "SECS", default_value_t = 300.0)]
    pub timeout: f64,
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
    /// A secret environment variable, K=V, kept in the OS keyring. The value shows in the
    /// process list and the shell history: prefer --secret-env-stdin.
    #[arg(long = "secret-env", value_name = "K=V")]
    pub secret_env: Vec<String>,
    /// Read the value of secret environment variable NAME from standard input (it goes to the
    /// OS keyring), so that it never shows in the process list or the shell history.
    #[arg(
        long = "secret-env-stdin",
        value_name = "NAME",
        conflicts_with = "api_key_stdin"
    )]
    pub secret_env_stdin: Option<String>,
    /// Start the command with every environment variable of the process that starts it (the
    /// app, the gateway or this CLI). By default it gets only PATH, HOME, the locale, temp and
    /// session variables, and its own (--env, --secret-env), so that tokens exported in your
    /// shell do not reach every server.
    #[arg(long, value_name = "true|false")]
    pub inherit_env: Option<bool>,
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
    /// Create it switched off: kept, but not synced, checked or served.
    #[arg(long, value_name = "true|false")]
    pub enabled: Option<bool>,
    /// Wait for its first sync and print what it found (the user's gateway syncs a new server
    /// by itself otherwise). A failed sync leaves the server, with its error.
    #[arg(long)]
    pub sync: bool,
    #[command(flatten)]
    pub timeout: TimeoutArg,
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
    /// How long its requests may take in portals (1 to 3600 s; 0: back to the default, 300),
    /// unless a portal or a member has a bound of its own.
    #[arg(long, value_name = "SECS")]
    pub request_timeout: Option<u32>,
}
