//! The AI clients Patchbay knows, as data: where each keeps its MCP servers, in what format,
//! and what its entries can say. Adding a client is adding one entry here.

/// A directory a config path starts from. Tests point `HOME` (and, on Linux,
/// `XDG_CONFIG_HOME`) at a fixture.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Base {
    /// The user's home directory.
    Home,
    /// The OS's per-user app config dir: `$XDG_CONFIG_HOME` or `~/.config` on Linux,
    /// `~/Library/Application Support` on macOS, `%APPDATA%` on Windows.
    AppConfig,
    /// `$XDG_CONFIG_HOME` or `~/.config` on Linux and macOS, `%APPDATA%` on Windows.
    XdgConfig,
    /// `$CODEX_HOME`, else `~/.codex` (codex-rs/utils/home-dir/src/lib.rs, find_codex_home).
    CodexHome,
    /// Where Claude Code keeps `.claude.json`: `$CLAUDE_CONFIG_DIR` when set, else the home
    /// directory (code.claude.com/docs/en/settings, environment variables;
    /// anthropics/claude-code#42217).
    ClaudeConfigHome,
    /// Claude Code's own directory: `$CLAUDE_CONFIG_DIR`, else `~/.claude`.
    ClaudeDir,
    /// `$GEMINI_CLI_HOME` in place of the home directory (gemini-cli
    /// packages/core/src/utils/paths.ts, homedir).
    GeminiHome,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// JSON; comments and trailing commas are kept when present.
    Json,
    Toml,
}

/// How an entry for a remote (HTTP) server is written; `None` on a client means it runs only
/// stdio servers, and gets a `patchbay bridge` entry instead.
#[derive(Debug, Clone, Copy)]
pub struct HttpEntry {
    /// The key of the URL of a Streamable HTTP server.
    pub url_key: &'static str,
    /// A `"type"` member the entry must carry (`"http"` for VS Code and Claude Code).
    pub type_value: Option<&'static str>,
    /// The key of the request headers; `None` when the client cannot send headers.
    pub headers_key: Option<&'static str>,
    /// Connects to legacy SSE servers. Zed speaks Streamable HTTP only
    /// (`crates/context_server/src/transport/http.rs`); Codex has no SSE variant
    /// (`codex-rs/config/src/mcp_types.rs`).
    pub speaks_sse: bool,
}

#[derive(Debug, Clone, Copy)]
pub struct ClientSpec {
    pub id: &'static str,
    pub name: &'static str,
    pub format: Format,
    /// Where the user-level config lives: the first that exists is used; the first is created.
    pub user_file: (Base, &'static str),
    /// A project's config file, relative to the project folder.
    pub project_file: Option<&'static str>,
    /// The keys leading to the object of servers, by name.
    pub servers_path: &'static [&'static str],
    /// Where the user file keeps a project's private servers, by the project's absolute path:
    /// `<key>.<dir>.<servers_path>` (Claude Code's default, local, scope).
    pub local_scope: Option<&'static str>,
    /// A stdio entry's `"type"` member, where the client wants one.
    pub stdio_type: Option<&'static str>,
    pub http: Option<HttpEntry>,
    /// Directories whose presence says the client is installed, even with no config yet.
    pub markers: &'static [(Base, &'static str)],
    /// The key of a shell command that prints an HTTP entry's headers as JSON, where the
    /// client runs one: a URL entry then names Patchbay's command instead of holding the token.
    pub headers_helper_key: Option<&'static str>,
    /// The top-level array of inputs the client prompts for once and keeps in its own secret
    /// storage (`${input:id}` in an entry), where it has one.
    pub secret_inputs_key: Option<&'static str>,
}

pub const CLIENTS: &[ClientSpec] = &[
    ClientSpec {
        id: "claude-desktop",
        name: "Claude Desktop",
        format: Format::Json,
        user_file: (Base::AppConfig, "Claude/claude_desktop_config.json"),
        project_file: None,
        servers_path: &["mcpServers"],
        local_scope: None,
        stdio_type: None,
        http: None,
        markers: &[(Base::AppConfig, "Claude")],
        headers_helper_key: None,
        secret_inputs_key: None,
    },
    ClientSpec {
        id: "claude-code",
        name: "Claude Code",
        format: Format::Json,
        user_file: (Base::ClaudeConfigHome, ".claude.json"),
        project_file: Some(".mcp.json"),
        servers_path: &["mcpServers"],
        // `~/.claude.json` → `projects["<abs path>"].mcpServers`: "Local config (private to
        // you in this project)" (anthropics/claude-code#4193, the maintainers' answer).
        local_scope: Some("projects"),
        stdio_type: Some("stdio"),
        http: Some(HttpEntry {
            url_key: "url",
            type_value: Some("http"),
            headers_key: Some("headers"),
            speaks_sse: true,
        }),
        markers: &[(Base::ClaudeDir, "")],
        // Claude Code runs `headersHelper`, a command printing a JSON object of headers
        // (code.claude.com/docs/en/mcp; anthropics/claude-code#48514 shows the shape).
        headers_helper_key: Some("headersHelper"),
        secret_inputs_key: None,
    },
    ClientSpec {
        id: "cursor",
        name: "Cursor",
        format: Format::Json,
        user_file: (Base::Home, ".cursor/mcp.json"),
        project_file: Some(".cursor/mcp.json"),
        servers_path: &["mcpServers"],
        local_scope: None,
        stdio_type: None,
        http: Some(HttpEntry {
            url_key: "url",
            type_value: None,
            headers_key: Some("headers"),
            speaks_sse: true,
        }),
        markers: &[(Base::Home, ".cursor")],
        headers_helper_key: None,
        secret_inputs_key: None,
    },
    ClientSpec {
        id: "vscode",
        name: "VS Code",
        format: Format::Json,
        user_file: (Base::AppConfig, "Code/User/mcp.json"),
        project_file: Some(".vscode/mcp.json"),
        servers_path: &["servers"],
        local_scope: None,
        stdio_type: Some("stdio"),
        http: Some(HttpEntry {
            url_key: "url",
            type_value: Some("http"),
            headers_key: Some("headers"),
            speaks_sse: true,
        }),
        markers: &[(Base::AppConfig, "Code/User")],
        headers_helper_key: None,
        // Settings Sync uploads the user mcp.json (microsoft/vscode `McpSynchroniser`), which
        // is why its URL entry names an input instead of holding the token.
        // `inputs: [{type: "promptString", id, description, password: true}]`, used as
        // `${input:id}` (vscode-docs `docs/copilot/reference/mcp-configuration.md`).
        secret_inputs_key: Some("inputs"),
    },
    ClientSpec {
        id: "windsurf",
        name: "Windsurf",
        format: Format::Json,
        user_file: (Base::Home, ".codeium/windsurf/mcp_config.json"),
        project_file: None,
        servers_path: &["mcpServers"],
        local_scope: None,
        stdio_type: None,
        http: Some(HttpEntry {
            url_key: "serverUrl",
            type_value: None,
            headers_key: Some("headers"),
            speaks_sse: true,
        }),
        markers: &[(Base::Home, ".codeium/windsurf")],
        headers_helper_key: None,
        secret_inputs_key: None,
    },
    ClientSpec {
        id: "zed",
        name: "Zed",
        format: Format::Json,
        user_file: (Base::XdgConfig, "zed/settings.json"),
        project_file: Some(".zed/settings.json"),
        servers_path: &["context_servers"],
        local_scope: None,
        stdio_type: None,
        http: Some(HttpEntry {
            url_key: "url",
            type_value: None,
            headers_key: Some("headers"),
            speaks_sse: false,
        }),
        markers: &[(Base::XdgConfig, "zed")],
        headers_helper_key: None,
        secret_inputs_key: None,
    },
    ClientSpec {
        id: "gemini-cli",
        name: "Gemini CLI",
        format: Format::Json,
        user_file: (Base::GeminiHome, ".gemini/settings.json"),
        project_file: Some(".gemini/settings.json"),
        servers_path: &["mcpServers"],
        local_scope: None,
        stdio_type: None,
        // `url` with `"type": "http"` or `"sse"`; a bare `url` is Streamable HTTP first, with
        // a fallback to SSE; `httpUrl` is the deprecated spelling of the first
        // (gemini-cli packages/core/src/tools/mcp-client.ts, createTransport).
        http: Some(HttpEntry {
            url_key: "url",
            type_value: Some("http"),
            headers_key: Some("headers"),
            speaks_sse: true,
        }),
        markers: &[(Base::GeminiHome, ".gemini")],
        headers_helper_key: None,
        secret_inputs_key: None,
    },
    ClientSpec {
        id: "codex",
        name: "Codex",
        format: Format::Toml,
        user_file: (Base::CodexHome, "config.toml"),
        // A trusted project's `.codex/config.toml` layers over the user's
        // (developers.openai.com/codex/config-reference, project config).
        project_file: Some(".codex/config.toml"),
        servers_path: &["mcp_servers"],
        local_scope: None,
        stdio_type: None,
        http: Some(HttpEntry {
            url_key: "url",
            type_value: None,
            headers_key: Some("http_headers"),
            speaks_sse: false,
        }),
        markers: &[(Base::CodexHome, "")],
        headers_helper_key: None,
        secret_inputs_key: None,
    },
];

pub fn find(id: &str) -> Option<&'static ClientSpec> {
    CLIENTS.iter().find(|c| c.id == id)
}
