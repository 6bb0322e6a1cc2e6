//! `patchbay portal …`: portals, their members, tools, tokens and call log.

use clap::{Args, Subcommand};

#[derive(Debug, Subcommand)]
pub enum PortalCommand {
    Create {
        #[arg(long)]
        name: String,
        #[arg(long)]
        description: Option<String>,
        /// Let any local client in without the portal's token.
        #[arg(long)]
        insecure: bool,
    },
    List,
    /// Show a portal (id, slug or name) with its members, tools and URL.
    Get {
        portal: String,
    },
    Update {
        portal: String,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        description: Option<String>,
        /// Require the portal's token (true) or not (false).
        #[arg(long, value_name = "true|false")]
        secure: Option<bool>,
        /// Log call arguments and results too.
        #[arg(long, value_name = "true|false")]
        log_payloads: Option<bool>,
        /// How long its members' requests may take (1 to 3600 s; 0: back to each server's),
        /// unless a member has a bound of its own.
        #[arg(long, value_name = "SECS")]
        request_timeout: Option<u32>,
        /// Warn when its served tools and prompts cost a model more tokens than this (0: no
        /// budget).
        #[arg(long, value_name = "TOKENS")]
        token_budget: Option<u32>,
        /// How it lists its tools: every one (direct), a search tool and a call tool instead
        /// (search), or those two beside the most used and the pinned ones (hybrid).
        #[arg(long, value_name = "direct|search|hybrid")]
        mode: Option<String>,
        /// In hybrid mode: how many of the tools used most in 30 days are listed.
        #[arg(long, value_name = "N")]
        top: Option<u32>,
        /// In hybrid mode: a tool (by the name clients see) listed whatever its use; repeat
        /// for more. Replaces the pinned set.
        #[arg(long = "pin", value_name = "TOOL")]
        pins: Vec<String>,
        /// Pin no tool.
        #[arg(long, conflicts_with = "pins")]
        no_pins: bool,
    },
    Delete {
        portal: String,
    },
    AddServer {
        portal: String,
        server: String,
        /// Its tools start disabled in this portal; enable them one by one.
        #[arg(long)]
        default_disabled: bool,
        /// Before its tools' and prompts' names (default: `<server slug>__`; "" for none, when
        /// no name then collides: a one-server portal that looks like the server).
        #[arg(long, value_name = "PREFIX")]
        prefix: Option<String>,
    },
    /// A member's settings in this portal.
    #[command(subcommand)]
    Member(PortalMemberCommand),
    RemoveServer {
        portal: String,
        server: String,
    },
    /// Enable or disable one tool of a member server in this portal.
    #[command(subcommand)]
    Tool(PortalToolCommand),
    /// Enable or disable one prompt of a member server in this portal.
    #[command(subcommand)]
    Prompt(PortalPromptCommand),
    #[command(subcommand)]
    Token(PortalTokenCommand),
    /// The headers a client sends to the portal, as a JSON object (its bearer token, read from
    /// the keyring): what a URL entry's header command runs (Claude Code's headersHelper).
    Headers {
        portal: String,
    },
    /// The entry to paste into one client's config by hand, in that client's shape (what
    /// `install` would write; a token it would carry is a placeholder).
    Entry {
        portal: String,
        /// claude-desktop, claude-code, cursor, vscode, windsurf, zed, gemini-cli or codex.
        #[arg(long)]
        client: String,
        #[arg(long, value_enum, default_value_t = crate::args::Transport::Stdio)]
        transport: crate::args::Transport,
    },
    /// The latest calls through the portal, newest first.
    Log {
        portal: String,
        /// Only calls routed to this server (name or id).
        #[arg(long)]
        server: Option<String>,
        /// Only tools whose name contains this.
        #[arg(long)]
        tool: Option<String>,
        /// Only calls that ended so.
        #[arg(long, value_parser = ["ok", "tool_error", "error", "input_required", "task", "answered_for_client"])]
        outcome: Option<String>,
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
}

#[derive(Debug, Subcommand)]
pub enum PortalToolCommand {
    Enable(PortalToolArgs),
    Disable(PortalToolArgs),
}

#[derive(Debug, Args)]
pub struct PortalToolArgs {
    pub portal: String,
    pub server: String,
    pub tool: String,
    /// The name clients see instead of `<server>__<tool>`.
    #[arg(long)]
    pub alias: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum PortalPromptCommand {
    Enable(PortalPromptArgs),
    Disable(PortalPromptArgs),
}

#[derive(Debug, Args)]
pub struct PortalPromptArgs {
    pub portal: String,
    pub server: String,
    pub prompt: String,
    /// The name clients see instead of the member's prefix and the prompt's name.
    #[arg(long)]
    pub alias: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum PortalTokenCommand {
    /// A new token (the old one stops working); prints {"token": "..."}, the only time it shows.
    Rotate { portal: String },
}

#[derive(Debug, Subcommand)]
pub enum PortalMemberCommand {
    /// Change a member: its name prefix, its time bound, its resources, its calls at once.
    #[command(group = clap::ArgGroup::new("change").required(true).multiple(true)
        .args(["prefix", "default_prefix", "timeout", "default_timeout", "resources",
            "max_concurrent", "no_concurrency_limit"]))]
    Update {
        portal: String,
        server: String,
        /// Before its tools' and prompts' names ("" for none).
        #[arg(long, value_name = "PREFIX", conflicts_with = "default_prefix")]
        prefix: Option<String>,
        /// Back to the default prefix, `<server slug>__`.
        #[arg(long)]
        default_prefix: bool,
        /// How long its requests may take in this portal (1 to 3600 s; default 300).
        #[arg(long, value_name = "SECS", conflicts_with = "default_timeout")]
        timeout: Option<u32>,
        /// Back to the default time bound.
        #[arg(long)]
        default_timeout: bool,
        /// Serve its resources and resource templates here (true) or not (false).
        #[arg(long, value_name = "true|false")]
        resources: Option<bool>,
        /// At most this many of its calls at once (1 to 256); the rest wait their turn.
        #[arg(long, value_name = "N", conflicts_with = "no_concurrency_limit")]
        max_concurrent: Option<u32>,
        /// Let its calls run at once, however many.
        #[arg(long)]
        no_concurrency_limit: bool,
    },
}
