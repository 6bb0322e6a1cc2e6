"""AI client configs on real fixture files in a temporary home: every client format is read,
imported, written and restored byte for byte; unparseable files are refused untouched; hand
edits show as drift; and the entries Patchbay writes work for a real client (the Python MCP
SDK started from the written config)."""

import asyncio
import json
from contextlib import AsyncExitStack
from pathlib import Path

import pytest
from gateway_support import work_portal
from portal_client import list_tools_http
from mcp_servers import free_port, python_server

FILES_SECRET = "sekret-files-123"
REMOTE_SECRET = "sekret-remote-456"

STDIO = {
    "command": "npx",
    "args": ["-y", "@modelcontextprotocol/server-filesystem", "/tmp"],
    "env": {"API_TOKEN": FILES_SECRET},
}


def json_fixture(key: str, remote: dict | None) -> str:
    servers = {"files": STDIO}
    if remote:
        servers["remote"] = remote
    doc = {"theme": "dark", key: servers, "unknownKey": {"nested": [1, 2, 3]}}
    return json.dumps(doc, indent=2) + "\n"


FIXTURES = {
    "claude-desktop": json_fixture("mcpServers", None),
    "claude-code": json_fixture(
        "mcpServers",
        {"type": "http", "url": "https://example.com/mcp", "headers": {"Authorization": f"Bearer {REMOTE_SECRET}"}},
    ),
    "cursor": json_fixture(
        "mcpServers", {"url": "https://example.com/mcp", "headers": {"Authorization": f"Bearer {REMOTE_SECRET}"}}
    ),
    "windsurf": json_fixture(
        "mcpServers", {"serverUrl": "https://example.com/mcp", "headers": {"Authorization": f"Bearer {REMOTE_SECRET}"}}
    ),
    "gemini-cli": json_fixture(
        "mcpServers", {"httpUrl": "https://example.com/mcp", "headers": {"Authorization": f"Bearer {REMOTE_SECRET}"}}
    ),
    "vscode": """// VS Code MCP servers
{
  "inputs": [],
  "servers": {
    // the filesystem
    "files": {"type": "stdio", "command": "npx", "args": ["-y", "@modelcontextprotocol/server-filesystem", "/tmp"],
              "env": {"API_TOKEN": "%s"}},
    "remote": {"type": "http", "url": "https://example.com/mcp", "headers": {"Authorization": "Bearer %s"}}, // trailing comma
  },
}
"""
    % (FILES_SECRET, REMOTE_SECRET),
    "zed": """// Zed settings
{
  "theme": "One Dark",
  /* servers */
  "context_servers": {
    "files": {
      "command": "npx",
      "args": ["-y", "@modelcontextprotocol/server-filesystem", "/tmp"],
      "env": {"API_TOKEN": "%s"}
    },
    "remote": {"url": "https://example.com/mcp", "headers": {"Authorization": "Bearer %s"}}
  },
  "vim_mode": true
}
"""
    % (FILES_SECRET, REMOTE_SECRET),
    "codex": """# Codex
model = "o4-mini"  # keep this comment

[mcp_servers.files]
command = "npx"
args = ["-y", "@modelcontextprotocol/server-filesystem", "/tmp"]
env = { API_TOKEN = "%s" }

[mcp_servers.remote]
url = "https://example.com/mcp"
http_headers = { Authorization = "Bearer %s" }

[profiles.fast]
model = "o4-mini"
"""
    % (FILES_SECRET, REMOTE_SECRET),
}


def config_path(cli, client: str) -> Path:
    clients = {c["id"]: c for c in cli.json("client", "list")["clients"]}
    return Path(clients[client]["config_path"])


def database_bytes(cli) -> bytes:
    return b"".join(p.read_bytes() for p in Path(cli.dir).glob("patchbay.db*"))


@pytest.mark.parametrize("client", sorted(FIXTURES))
def test_each_client_format_imports_installs_and_restores(cli, home, client):
    path = config_path(cli, client)
    assert str(path).startswith(str(home))
    assert not {c["id"]: c for c in cli.json("client", "list")["clients"]}[client]["present"]
    path.parent.mkdir(parents=True, exist_ok=True)
    original = FIXTURES[client].encode()
    path.write_bytes(original)
    assert {c["id"]: c for c in cli.json("client", "list")["clients"]}[client]["present"]

    listed = {s["name"]: s for s in cli.json("client", "servers", client)["servers"]}
    has_remote = client != "claude-desktop"
    assert set(listed) == ({"files", "remote"} if has_remote else {"files"})
    assert listed["files"]["command"] == "npx" and listed["files"]["env_keys"] == ["API_TOKEN"]
    assert FILES_SECRET not in json.dumps(listed), "values of env are never shown"
    if has_remote:
        assert listed["remote"]["url"] == "https://example.com/mcp"
        assert listed["remote"]["header_names"] == ["Authorization"]

    report = cli.json("client", "import", client, "--all")
    assert sorted(report["imported"]) == sorted(listed)
    again = cli.json("client", "import", client, "--all")
    assert again["imported"] == [] and all("already here" in s["reason"] for s in again["skipped"])
    files = cli.json("server", "get", "files")
    assert files["secret_env"] == {"API_TOKEN": "…-123"} or "API_TOKEN" in files["secret_env"]
    db = database_bytes(cli)
    assert FILES_SECRET.encode() not in db and REMOTE_SECRET.encode() not in db, "secrets go to the keyring"

    cli.json("portal", "create", "--name", "Work")
    installed = cli.json("install", "Work", "--client", client)
    assert installed["entry_name"] == "patchbay-work" and installed["drift"] == "in_sync"
    assert installed["mode"] == "bridge", "the default entry holds no token: Patchbay's stdio command"
    written = path.read_text()
    assert "patchbay-work" in written
    for kept in ("files", "remote" if has_remote else "files", "/tmp"):
        assert kept in written
    for line in FIXTURES[client].splitlines():
        if line.strip().startswith(("//", "#", "/*")):
            assert line in written, f"comment lost while installed: {line}"
    assert [i["drift"] for i in cli.json("installation", "list")["installations"]] == ["in_sync"]
    assert installed["backup"] and Path(installed["backup"]).read_bytes() == original

    cli.json("uninstall", "Work", "--client", client)
    assert path.read_bytes() == original, "install then uninstall leaves the file as it was"
    assert cli.json("installation", "list")["installations"] == []


@pytest.mark.parametrize("client", ["cursor", "codex", "zed"])
def test_an_unparseable_file_is_refused_and_left_alone(cli, home, client):
    path = config_path(cli, client)
    path.parent.mkdir(parents=True, exist_ok=True)
    broken = b'{"mcpServers": {"a": \n' if client != "codex" else b"[mcp_servers.a\ncommand = 1\n"
    path.write_bytes(broken)
    cli.json("portal", "create", "--name", "Work")
    code, err = cli.error("install", "Work", "--client", client)
    assert err["code"] == "validation" and "line" in err["message"], err
    assert path.read_bytes() == broken
    code, err = cli.error("client", "import", client, "--all")
    assert "line" in err["message"]


def test_hand_edits_show_as_drift(cli, home):
    path = config_path(cli, "cursor")
    cli.json("portal", "create", "--name", "Work")
    cli.json("install", "Work", "--client", "cursor", "--transport", "http")
    assert json.loads(path.read_text())["mcpServers"]["patchbay-work"]["url"].endswith("/mcp/work")
    doc = json.loads(path.read_text())
    doc["mcpServers"]["patchbay-work"]["url"] = "http://127.0.0.1:1/elsewhere"
    path.write_text(json.dumps(doc))
    assert cli.json("installation", "list")["installations"][0]["drift"] == "modified"
    del doc["mcpServers"]["patchbay-work"]
    path.write_text(json.dumps(doc))
    assert cli.json("installation", "list")["installations"][0]["drift"] == "missing"
    path.unlink()
    assert cli.json("installation", "list")["installations"][0]["drift"] == "file_missing"


async def list_tools_stdio(entry: dict, base_env: dict) -> list[str]:
    from mcp import ClientSession, StdioServerParameters
    from mcp.client.stdio import stdio_client

    params = StdioServerParameters(
        command=entry["command"], args=entry["args"], env={**base_env, **entry.get("env", {})}
    )
    async with AsyncExitStack() as stack:
        streams = await stack.enter_async_context(stdio_client(params))
        session = await stack.enter_async_context(ClientSession(streams[0], streams[1]))
        await session.initialize()
        return sorted(t.name for t in (await session.list_tools()).tools)


def test_entries_patchbay_writes_work_for_a_real_client(cli, home):
    """The default stdio entry (which starts the user's gateway) and a URL entry with its
    header (Cursor), each started by the Python SDK client exactly as the file says."""
    port = free_port()
    cli.env["PATCHBAY_GATEWAY_PORT"] = str(port)
    with python_server("base") as upstream:
        portal = work_portal(cli, ("notes", upstream), deny=(("notes", "wipe_notes"),))
        cli.json("install", "Work", "--client", "claude-desktop")
        cli.json("install", "Work", "--client", "cursor", "--transport", "http")
        bridge_entry = json.loads(config_path(cli, "claude-desktop").read_text())["mcpServers"]["patchbay-work"]
        http_entry = json.loads(config_path(cli, "cursor").read_text())["mcpServers"]["patchbay-work"]
        assert bridge_entry["args"][-2:] == ["bridge", portal["id"]]
        assert asyncio.run(list_tools_stdio(bridge_entry, cli.env)) == ["notes__add", "notes__read_note"]
        # The stdio entry started the gateway on the configured port: the URL entry answers.
        assert cli.json("gateway", "status")["address"] == f"http://127.0.0.1:{port}"
        assert http_entry["url"] == f"http://127.0.0.1:{port}/mcp/work"
        assert asyncio.run(list_tools_http(http_entry)) == ["notes__add", "notes__read_note"]


def test_the_catalog_lists_searches_and_installs_templates(cli):
    templates = cli.json("catalog", "list")["templates"]
    assert len(templates) >= 25
    assert all(t["url"].startswith("https://") and t["docs_url"].startswith("https://") for t in templates)
    found = {t["id"] for t in cli.json("catalog", "list", "--search", "postgres")["templates"]}
    assert "neon" in found and "linear" not in found
    server = cli.json("catalog", "install", "linear")
    assert (server["name"], server["template_id"], server["auth_type"]) == ("Linear", "linear", "oauth")
    assert server["url"] == next(t["url"] for t in templates if t["id"] == "linear")
    code, err = cli.error("catalog", "install", "linear")
    assert err["code"] == "conflict"
    assert cli.json("catalog", "install", "linear", "--name", "Linear (work)")["name"] == "Linear (work)"
    code, err = cli.error("catalog", "install", "no-such-template")
    assert err["code"] == "not_found"

    # An API-key template asks for its key rather than making a server that cannot sync.
    key_template = next(t for t in templates if t["auth_type"] == "api_key")
    code, err = cli.error("catalog", "install", key_template["id"])
    assert err["code"] == "validation" and "--api-key-stdin" in err["message"]
    secret = "catalog-key-7781"
    with_key = cli.json("catalog", "install", key_template["id"], "--api-key-stdin", stdin=secret + "\n")
    assert (with_key["auth_type"], with_key["api_key_header"]) == ("api_key", "Authorization")
    assert with_key["api_key_redacted"] == "…7781"
    assert secret.encode() not in database_bytes(cli)


def test_a_project_file_is_made_for_the_install_and_goes_with_the_uninstall(cli, home):
    project = home / "repo"
    project.mkdir()
    cli.json("portal", "create", "--name", "Work")
    installed = cli.json("install", "Work", "--client", "vscode", "--project", str(project))
    config = project / ".vscode/mcp.json"
    assert installed["file"] == str(config)
    entry = json.loads(config.read_text())["servers"]["patchbay-work"]
    assert entry["type"] == "stdio" and entry["args"][-1] == installed["target_id"]
    assert "pbp_" not in config.read_text(), "no token in a file teams commit"
    cli.json("uninstall", "Work", "--client", "vscode", "--project", str(project))
    assert not config.exists(), "a file the install created goes with the uninstall"
    code, err = cli.error("install", "Work", "--client", "claude-desktop", "--project", str(project))
    assert err["code"] == "validation" and "project" in err["message"]


def test_the_paste_in_entry_is_each_clients_own_shape_without_the_token(cli, home):
    import tomllib

    created = cli.json("portal", "create", "--name", "Work")
    token = created["token"]
    containers = {"vscode": "servers", "zed": "context_servers", "codex": "mcp_servers"}
    for client in ["claude-desktop", "claude-code", "cursor", "vscode", "windsurf", "zed", "gemini-cli", "codex"]:
        snippet = cli.json("portal", "entry", "Work", "--client", client)
        doc = tomllib.loads(snippet["text"]) if snippet["format"] == "toml" else json.loads(snippet["text"])
        entry = doc[containers.get(client, "mcpServers")]["patchbay-work"]
        assert entry["args"][-1] == created["id"] and "bridge" in entry["args"], client
        assert snippet["file"] == str(config_path(cli, client)), client
        assert token not in snippet["text"] and snippet["placeholder"] is None
    url = cli.json("portal", "entry", "Work", "--client", "cursor", "--transport", "http")
    entry = json.loads(url["text"])["mcpServers"]["patchbay-work"]
    assert entry["url"] == created["url"]
    assert (
        entry["headers"]["Authorization"] == f"Bearer {url['placeholder']}"
        and url["placeholder"] == "<the portal's token>"
    )
    assert token not in url["text"]
