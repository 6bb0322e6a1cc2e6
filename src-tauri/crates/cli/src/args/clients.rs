//! `patchbay client …`, `install`, `uninstall`, `installation …` and `catalog …`: the AI
//! clients on this machine and the catalog.

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};

#[derive(Debug, Subcommand)]
pub enum ClientCommand {
    /// Every client Patchbay knows: id, name, config path, whether it is present.
    List,
    /// The servers a client has in its config.
    Servers {
        client: String,
        /// The project folder, for the client's project-level config.
        #[arg(long, value_name = "DIR")]
        project: Option<PathBuf>,
        /// With --project: the project's private entries in the user's file (Claude Code's
        /// local scope) instead of the shared project file.
        #[arg(long, requires = "project")]
        private: bool,
    },
    /// Import a client's servers as Patchbay servers (secrets go to the keyring).
    Import {
        client: String,
        /// Every server of the client.
        #[arg(long, conflicts_with = "server")]
        all: bool,
        /// This server (repeatable).
        #[arg(long, value_name = "NAME", required_unless_present = "all")]
        server: Vec<String>,
        #[arg(long, value_name = "DIR")]
        project: Option<PathBuf>,
        /// With --project: the project's private entries in the user's file (Claude Code's
        /// local scope) instead of the shared project file.
        #[arg(long, requires = "project")]
        private: bool,
    },
}

#[derive(Debug, Args)]
pub struct InstallArgs {
    /// A portal or a server, by name or id.
    pub target: String,
    /// claude-desktop, claude-code, cursor, vscode, windsurf, zed, gemini-cli or codex.
    #[arg(long)]
    pub client: String,
    /// A project folder: its project-level config instead of the user's.
    #[arg(long, value_name = "DIR")]
    pub project: Option<PathBuf>,
    /// With --project: a private entry for that project in the user's file (Claude Code's
    /// local scope, its default), not the project file others share.
    #[arg(long, requires = "project")]
    pub private: bool,
    /// stdio (default): Patchbay's command through your gateway, no token in the file.
    /// http: the portal's URL, with its token where the portal is secure (never in a
    /// project file; the file is made private).
    #[arg(long, value_enum, default_value_t = Transport::Stdio)]
    pub transport: Transport,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Transport {
    Stdio,
    Http,
}

#[derive(Debug, Subcommand)]
pub enum InstallationCommand {
    /// Every installation of the workspace with its drift state.
    List,
    /// Write an installed entry again as Patchbay would now (after a backup).
    #[command(group = clap::ArgGroup::new("which").required(true).args(["id", "all"]))]
    Repair {
        /// The installation's id (`installation list --json` shows it).
        id: Option<String>,
        /// Every installation that is not in sync.
        #[arg(long)]
        all: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum CatalogCommand {
    /// The templates, or those matching --search.
    List {
        #[arg(long)]
        search: Option<String>,
    },
    /// Create a server from a template.
    Install {
        template: String,
        #[arg(long)]
        name: Option<String>,
        /// Read an API-key template's key from standard input (it goes to the OS keyring).
        #[arg(long)]
        api_key_stdin: bool,
    },
}
