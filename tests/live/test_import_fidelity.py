"""Import reads real client configs as the clients themselves read them. Each fixture is
written from the client's own source or docs (cited), never from what Patchbay writes:
Gemini CLI's `url` types, placeholders kept as references (and working when the variable is
set), Codex's env-var fields, switched-off servers, Claude Code's local scope, and the
clients' home overrides."""

import json
from pathlib import Path

from mcp_servers import EVERYTHING


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def servers(cli) -> dict:
    return {s["name"]: s for s in cli.json("server", "list")["servers"]}


def test_gemini_urls_are_read_by_their_type_and_switched_off_servers_stay_off(cli, home):
    # gemini-cli packages/core/src/tools/mcp-client.ts (createTransport): `url` + type http or
    # sse; a bare `url` is Streamable HTTP first; `httpUrl` the deprecated spelling.
    # `mcp.excluded` and `gemini mcp disable` (mcp-server-enablement.json) switch servers off.
    write(
        home / ".gemini/settings.json",
        json.dumps(
            {
                "mcp": {"excluded": ["bare"]},
                "mcpServers": {
                    "typed": {"url": "http://127.0.0.1:9/mcp", "type": "http"},
                    "bare": {"url": "http://127.0.0.1:9/bare"},
                    "old": {"httpUrl": "http://127.0.0.1:9/old"},
                    "legacy": {"url": "http://127.0.0.1:9/sse", "type": "sse"},
                },
            }
        ),
    )
    write(home / ".gemini/mcp-server-enablement.json", json.dumps({"old": {"enabled": False}}))
    cli.json("client", "import", "gemini-cli", "--all")
    got = servers(cli)
    assert {n: s["transport"] for n, s in got.items()} == {
        "typed": "streamable_http",
        "bare": "streamable_http",
        "old": "streamable_http",
        "legacy": "sse",
    }
    assert {n: s["is_enabled"] for n, s in got.items()} == {"typed": True, "bare": False, "old": False, "legacy": True}


def test_placeholders_stay_references_and_work_when_the_variable_is_set(cli, home):
    project = home / "repo"
    # Claude Code's .mcp.json expands ${VAR} and ${VAR:-default} in env, args, url and headers
    # (code.claude.com/docs/en/mcp, "Environment variable expansion in .mcp.json").
    write(
        project / ".mcp.json",
        json.dumps(
            {
                "mcpServers": {
                    "gh": {
                        "type": "http",
                        "url": "http://127.0.0.1:9/mcp",
                        "headers": {"Authorization": "Bearer ${GITHUB_TOKEN}"},
                    },
                    "local": {
                        "type": "stdio",
                        "command": "node",
                        "args": [str(EVERYTHING)],
                        "env": {
                            "API_TOKEN": "${PB_IMPORT_TOKEN}",
                            "MODE": "$PB_IMPORT_MODE",
                            "LITERAL": "kept-secret-1",
                        },
                    },
                }
            }
        ),
    )
    cli.json("client", "import", "claude-code", "--all", "--project", str(project))
    got = servers(cli)
    assert got["gh"]["auth_type"] == "api_key"
    assert got["gh"]["api_key_redacted"] == "Bearer ${env:GITHUB_TOKEN}", "a reference, not a secret"
    local = cli.json("server", "get", "local")
    assert local["env"] == {"API_TOKEN": "${env:PB_IMPORT_TOKEN}", "MODE": "${env:PB_IMPORT_MODE}"}
    assert list(local["secret_env"]) == ["LITERAL"], "only the literal value went to the keyring"

    # Unset: the sync says which variable is missing, and the server is kept.
    code, err = cli.error("server", "sync", "local")
    assert err["code"] == "validation" and "PB_IMPORT_TOKEN" in err["message"]
    # Set: the server gets the value, not the placeholder text.
    cli.env.update(PB_IMPORT_TOKEN="tok-from-env-42", PB_IMPORT_MODE="quiet")
    cli.json("server", "sync", "local")
    env = cli.json("tool", "call", "local", "get-env")["content"][0]["text"]
    assert "tok-from-env-42" in env and "quiet" in env and "kept-secret-1" in env
    assert "${" not in env.split("API_TOKEN", 1)[1][:40]


def test_a_vscode_input_is_left_for_the_user_to_enter(cli, home):
    # vscode-docs docs/copilot/reference/mcp-configuration.md: `inputs` + `${input:id}`.
    write(
        home / ".config/Code/User/mcp.json",
        json.dumps(
            {
                "inputs": [{"type": "promptString", "id": "api-key", "description": "Key", "password": True}],
                "servers": {
                    "perplexity": {
                        "type": "stdio",
                        "command": "npx",
                        "args": ["-y", "server-perplexity-ask"],
                        "env": {"PERPLEXITY_API_KEY": "${input:api-key}"},
                    }
                },
            }
        ),
    )
    report = cli.json("client", "import", "vscode", "--all")
    assert report["imported"] == ["perplexity"]
    note = next(s["reason"] for s in report["skipped"] if s["name"] == "perplexity")
    assert "PERPLEXITY_API_KEY" in note and "api-key" in note
    server = cli.json("server", "get", "perplexity")
    assert server["env"] == {} and server["secret_env"] == {}, "the placeholder is not kept as the key"


def test_codex_env_fields_cwd_and_enabled_come_along(cli, home):
    # codex-rs/config/src/mcp_types.rs (RawMcpServerConfig): env_vars, cwd, bearer_token_env_var,
    # env_http_headers, enabled; $CODEX_HOME/config.toml (codex-rs/utils/home-dir).
    codex_home = home / "codex-elsewhere"
    cli.env["CODEX_HOME"] = str(codex_home)
    write(
        codex_home / "config.toml",
        """
[mcp_servers.figma]
url = "http://127.0.0.1:9/mcp"
bearer_token_env_var = "FIGMA_OAUTH_TOKEN"

[mcp_servers.tenant]
url = "http://127.0.0.1:9/tenant"
env_http_headers = { "X-Api-Key" = "TENANT_KEY" }

[mcp_servers.docs]
command = "docs-mcp"
args = ["--stdio"]
env_vars = ["DOCS_TOKEN", { name = "DOCS_REGION", source = "local" }]
cwd = "/srv/docs"
enabled = false
""",
    )
    cli.json("client", "import", "codex", "--all")
    got = servers(cli)
    assert got["figma"]["api_key_header"] == "Authorization"
    assert got["figma"]["api_key_redacted"] == "Bearer ${env:FIGMA_OAUTH_TOKEN}"
    assert (got["tenant"]["api_key_header"], got["tenant"]["api_key_redacted"]) == ("X-Api-Key", "${env:TENANT_KEY}")
    docs = cli.json("server", "get", "docs")
    assert docs["env"] == {"DOCS_TOKEN": "${env:DOCS_TOKEN}", "DOCS_REGION": "${env:DOCS_REGION}"}
    assert docs["cwd"] == "/srv/docs"
    assert docs["is_enabled"] is False


def test_codex_project_file_and_zed_switched_off(cli, home):
    project = home / "repo"
    # A trusted project's .codex/config.toml (developers.openai.com/codex/config-reference).
    write(project / ".codex/config.toml", '[mcp_servers.proj]\ncommand = "proj-mcp"\n')
    cli.json("client", "import", "codex", "--all", "--project", str(project))
    # Zed settings_content ContextServerSettingsContent: `enabled` (default true).
    write(
        home / ".config/zed/settings.json",
        json.dumps({"context_servers": {"quiet": {"command": "quiet-mcp", "args": [], "enabled": False}}}),
    )
    cli.json("client", "import", "zed", "--all")
    got = servers(cli)
    assert got["proj"]["command"] == "proj-mcp" and got["proj"]["is_enabled"] is True
    assert got["quiet"]["is_enabled"] is False


def test_claude_code_local_scope_is_read_and_written(cli, home):
    project = home / "repo"
    project.mkdir()
    # ~/.claude.json → projects["<abs path>"].mcpServers: Claude Code's default, local, scope
    # (anthropics/claude-code#4193).
    claude = write(
        home / ".claude.json",
        json.dumps(
            {
                "numStartups": 3,
                "mcpServers": {"everywhere": {"type": "stdio", "command": "user-mcp", "args": []}},
                "projects": {
                    str(project): {
                        "allowedTools": [],
                        "mcpServers": {"mine": {"type": "stdio", "command": "private-mcp", "args": ["--x"]}},
                    }
                },
            },
            indent=2,
        ),
    )
    listed = cli.json("client", "servers", "claude-code", "--project", str(project), "--private")["servers"]
    assert [s["name"] for s in listed] == ["mine"]
    assert [s["name"] for s in cli.json("client", "servers", "claude-code")["servers"]] == ["everywhere"]
    cli.json("client", "import", "claude-code", "--all", "--project", str(project), "--private")
    assert servers(cli)["mine"]["command"] == "private-mcp"

    cli.json("portal", "create", "--name", "Work")
    installed = cli.json("install", "Work", "--client", "claude-code", "--project", str(project), "--private")
    assert installed["file"] == str(claude) and installed["drift"] == "in_sync" and installed["private"]
    listed = cli.json("installation", "list")["installations"]
    assert [(i["private"], i["drift"]) for i in listed] == [(True, "in_sync")]
    doc = json.loads(claude.read_text())
    assert "patchbay-work" in doc["projects"][str(project)]["mcpServers"]
    assert "patchbay-work" not in doc["mcpServers"], "not the user's scope"
    assert not (project / ".mcp.json").exists(), "not the shared project file"
    assert doc["projects"][str(project)]["allowedTools"] == [] and doc["numStartups"] == 3
    cli.json("uninstall", "Work", "--client", "claude-code", "--project", str(project), "--private")
    doc = json.loads(claude.read_text())
    assert list(doc["projects"][str(project)]["mcpServers"]) == ["mine"]


def test_claude_and_gemini_home_overrides_are_honoured(cli, home):
    claude_dir, gemini_home = home / "claude-work", home / "gemini-home"
    cli.env.update(CLAUDE_CONFIG_DIR=str(claude_dir), GEMINI_CLI_HOME=str(gemini_home))
    write(claude_dir / ".claude.json", json.dumps({"mcpServers": {"c": {"command": "c-mcp", "args": []}}}))
    write(gemini_home / ".gemini/settings.json", json.dumps({"mcpServers": {"g": {"command": "g-mcp"}}}))
    clients = {c["id"]: c for c in cli.json("client", "list")["clients"]}
    assert clients["claude-code"]["config_path"] == str(claude_dir / ".claude.json")
    assert clients["gemini-cli"]["config_path"] == str(gemini_home / ".gemini/settings.json")
    assert [s["name"] for s in cli.json("client", "servers", "claude-code")["servers"]] == ["c"]
    assert [s["name"] for s in cli.json("client", "servers", "gemini-cli")["servers"]] == ["g"]
