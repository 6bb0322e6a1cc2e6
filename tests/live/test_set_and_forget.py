"""Set and forget: the entries Patchbay writes into every client hold no secret and reach the
portal through the user's background gateway, which they start themselves; they survive a
token rotation and a rename; one gateway serves every client with one upstream session and
outlives the client that started it; URL entries are private and stay true; the files
Patchbay keeps are the user's alone."""

import asyncio
import json
import os
import stat
import subprocess
from contextlib import AsyncExitStack
from pathlib import Path

from builds import CLI
from gateway_support import status, work_portal
from portal_client import list_tools_http
from mcp_servers import free_port, python_server, stop_group
from waiting import until, wait_until

CLIENTS = ["claude-desktop", "claude-code", "cursor", "vscode", "windsurf", "zed", "gemini-cli", "codex"]


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def config_path(cli, client: str) -> Path:
    clients = {c["id"]: c for c in cli.json("client", "list")["clients"]}
    return Path(clients[client]["config_path"])


def read_entry(cli, client: str, name: str) -> dict:
    """The entry as the client's own file has it (Codex: TOML)."""
    path = config_path(cli, client)
    if client == "codex":
        import tomllib

        return tomllib.loads(path.read_text())["mcp_servers"][name]
    doc = json.loads(path.read_text())
    key = {"vscode": "servers", "zed": "context_servers"}.get(client, "mcpServers")
    return doc[key][name]


def exited(pid: int, timeout: float = 30) -> bool:
    """The process is gone, or a zombie waiting for its parent (it has finished running)."""

    def finished() -> bool:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (FileNotFoundError, ProcessLookupError):
            return True
        return state in ("Z", "X")

    return until(finished, timeout=timeout)


def gateway_state(cli) -> dict:
    return cli.json("gateway", "status")


async def stdio_session(stack: AsyncExitStack, entry: dict, base_env: dict):
    """A real MCP client started from the entry exactly as the client would start it, in the
    test's environment (its HOME, keyring and gateway port)."""
    from mcp import ClientSession, StdioServerParameters
    from mcp.client.stdio import stdio_client

    params = StdioServerParameters(
        command=entry["command"], args=entry.get("args", []), env={**base_env, **entry.get("env", {})}
    )
    streams = await stack.enter_async_context(stdio_client(params))
    session = await stack.enter_async_context(ClientSession(streams[0], streams[1]))
    await asyncio.wait_for(session.initialize(), 60)
    return session


async def tools_through(entry: dict, base_env: dict) -> list[str]:
    async with AsyncExitStack() as stack:
        session = await stdio_session(stack, entry, base_env)
        return sorted(t.name for t in (await session.list_tools()).tools)


def setup_portal(cli, upstream: str) -> dict:
    return work_portal(cli, ("notes", upstream), deny=(("notes", "wipe_notes"),))


def all_text_under(root: Path) -> str:
    out = []
    for p in root.rglob("*"):
        if p.is_file() and not p.is_symlink():
            out.append(p.read_bytes().decode("utf-8", "replace"))
    return "\n".join(out)


def test_every_client_gets_an_entry_without_secrets_that_starts_the_gateway_and_survives_rotation_and_rename(cli, home):
    with python_server("base") as upstream:
        portal = setup_portal(cli, upstream)
        token = portal["token"]
        assert token.startswith("pbp_")
        for client in CLIENTS:
            installed = cli.json("install", "Work", "--client", client)
            assert installed["mode"] == "bridge" and installed["drift"] == "in_sync", installed
        everything = all_text_under(home)
        assert token not in everything and "pbp_" not in everything, "no token in any client file"
        for client in CLIENTS:
            assert mode(config_path(cli, client)) == 0o600, f"{client}: a file Patchbay makes is private"

        assert not gateway_state(cli)["running"]
        expected = ["notes__add", "notes__read_note"]
        for client in CLIENTS:
            entry = read_entry(cli, client, "patchbay-work")
            assert entry["args"][-2:] == ["bridge", portal["id"]], f"{client} names the portal by id"
            assert asyncio.run(tools_through(entry, cli.env)) == expected, client
        running = gateway_state(cli)
        assert running["running"] and running["pid"] and running["address"].startswith("http://127.0.0.1:")

        rotated = cli.json("portal", "token", "rotate", "Work")
        assert rotated["token"] != token
        assert rotated.get("entries_rewritten", []) == [], "stdio entries hold no token: nothing to rewrite"
        renamed = cli.json("portal", "update", "Work", "--name", "Day job")
        assert renamed["slug"] == "day-job"
        for client in CLIENTS:
            entry = read_entry(cli, client, "patchbay-work")
            assert asyncio.run(tools_through(entry, cli.env)) == expected, f"{client} after rotation and rename"
        drifts = {i["client_id"]: i["drift"] for i in cli.json("installation", "list")["installations"]}
        assert drifts == {c: "in_sync" for c in CLIENTS}
        assert gateway_state(cli)["pid"] == running["pid"], "every client used the one gateway"


def test_two_clients_share_one_gateway_and_survive_the_first_leaving_a_rotation_and_a_restart(cli, home):
    # A port of the test's own: a gateway started again listens where the first one did.
    cli.env["PATCHBAY_GATEWAY_PORT"] = str(free_port())
    with python_server("base") as upstream:
        portal = setup_portal(cli, upstream)
        cli.json("install", "Work", "--client", "cursor")
        entry = read_entry(cli, "cursor", "patchbay-work")
        params = ["-c", CLIENT_PROGRAM, CLI, json.dumps(entry)]
        first = subprocess.Popen(
            [os.environ["PATCHBAY_TEST_PYTHON"], *params],
            env=cli.env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        second = subprocess.Popen(
            [os.environ["PATCHBAY_TEST_PYTHON"], *params],
            env=cli.env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        try:
            for client in (first, second):
                assert client.stdout.readline().strip() == "tools notes__add,notes__read_note"
            for client in (first, second):
                client.stdin.write("call\n")
                client.stdin.flush()
                assert client.stdout.readline().strip() == "called ok"
            gateway = gateway_state(cli)
            assert gateway["running"]
            assert gateway["status"]["client_sessions"] == 2
            assert gateway["status"]["upstream_sessions"] == 1, "one upstream session for both clients"
            # The first client and everything it started go, as when a client quits.
            stop_group(first)
            second.stdin.write("call\n")
            second.stdin.flush()
            assert second.stdout.readline().strip() == "called ok"
            assert gateway_state(cli)["pid"] == gateway["pid"], "the gateway outlived the client that started it"
            # A rotation while the session is open: once the gateway refuses the old token, the
            # entry reads the new one and goes on.
            cli.json("portal", "token", "rotate", "Work")
            wait_until_refused(f"{gateway['address']}/mcp/{portal['id']}", portal["token"])
            second.stdin.write("call\n")
            second.stdin.flush()
            assert second.stdout.readline().strip() == "called ok"
            # The gateway stopped (an upgrade restarts it): the entry starts it again and goes on.
            cli.json("gateway", "stop")
            second.stdin.write("call\n")
            second.stdin.flush()
            assert second.stdout.readline().strip() == "called ok"
            restarted = gateway_state(cli)
            assert restarted["running"] and restarted["pid"] != gateway["pid"]
        finally:
            stop_group(first)
            stop_group(second)


def wait_until_refused(url: str, token: str, timeout: float = 30) -> None:
    """The gateway sees a rotation at its next look at the store: wait for that, not a time."""
    import urllib.error
    import urllib.request

    body = json.dumps(
        {
            "jsonrpc": "2.0",
            "id": 1,
            "method": "initialize",
            "params": {
                "protocolVersion": "2025-11-25",
                "capabilities": {},
                "clientInfo": {"name": "t", "version": "1"},
            },
        }
    ).encode()

    def refused() -> bool:
        request = urllib.request.Request(
            url,
            data=body,
            headers={
                "Authorization": f"Bearer {token}",
                "Content-Type": "application/json",
                "Accept": "application/json, text/event-stream",
            },
        )
        try:
            urllib.request.urlopen(request, timeout=10).close()
        except urllib.error.HTTPError as e:
            return e.code == 401
        return False

    wait_until(refused, "the gateway to refuse the old token", timeout=timeout)


# A client that lists the tools, then calls one each time it reads a line.
CLIENT_PROGRAM = r"""
import asyncio, json, os, sys
from contextlib import AsyncExitStack
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client

async def main():
    entry = json.loads(sys.argv[2])
    params = StdioServerParameters(command=entry["command"], args=entry["args"], env={**os.environ, **entry.get("env", {})})
    async with AsyncExitStack() as stack:
        r, w = await stack.enter_async_context(stdio_client(params))
        s = await stack.enter_async_context(ClientSession(r, w))
        await s.initialize()
        tools = sorted(t.name for t in (await s.list_tools()).tools)
        print("tools " + ",".join(tools), flush=True)
        loop = asyncio.get_running_loop()
        while (await loop.run_in_executor(None, sys.stdin.readline)).strip() == "call":
            result = await s.call_tool("notes__add", {"a": 1, "b": 2})
            print("called " + ("error" if result.is_error else "ok"), flush=True)

asyncio.run(main())
"""


def test_url_entries_are_private_refused_in_projects_and_stay_true(cli, home):
    with python_server("base") as upstream:
        portal = setup_portal(cli, upstream)
        installed = cli.json("install", "Work", "--client", "cursor", "--transport", "http")
        assert installed["mode"] == "http"
        path = config_path(cli, "cursor")
        entry = read_entry(cli, "cursor", "patchbay-work")
        assert entry["headers"]["Authorization"] == f"Bearer {portal['token']}"
        assert mode(path) == 0o600

        rotated = cli.json("portal", "token", "rotate", "Work")
        assert rotated["entries_rewritten"] == [str(path)]
        assert read_entry(cli, "cursor", "patchbay-work")["headers"]["Authorization"] == f"Bearer {rotated['token']}"
        renamed = cli.json("portal", "update", "Work", "--name", "Day job")
        assert renamed["entries_rewritten"] == [str(path)]
        assert read_entry(cli, "cursor", "patchbay-work")["url"].endswith("/mcp/day-job")
        assert [i["drift"] for i in cli.json("installation", "list")["installations"]] == ["in_sync"]

        # The gateway's port changed since: the entry would be written differently now.
        cli.env["PATCHBAY_GATEWAY_PORT"] = "47999"
        assert [i["drift"] for i in cli.json("installation", "list")["installations"]] == ["stale"]
        repaired = cli.json("installation", "repair", "--all")["installations"]
        assert [i["drift"] for i in repaired] == ["in_sync"]
        assert read_entry(cli, "cursor", "patchbay-work")["url"] == "http://127.0.0.1:47999/mcp/day-job"

        backups = Path(cli.dir) / "backups"
        assert mode(backups) == 0o700 and mode(backups / "cursor") == 0o700
        assert all(mode(b) == 0o600 for b in (backups / "cursor").iterdir())

        project = home / "repo"
        project.mkdir()
        code, err = cli.error(
            "install", "Day job", "--client", "cursor", "--project", str(project), "--transport", "http"
        )
        assert err["code"] == "validation" and "project" in err["message"]
        assert not (project / ".cursor/mcp.json").exists()
        cli.json("install", "Day job", "--client", "vscode", "--project", str(project))
        assert "pbp_" not in (project / ".vscode/mcp.json").read_text()


def test_the_data_dir_and_database_are_private_and_a_symlinked_config_stays_a_link(cli, home):
    cli.json("portal", "create", "--name", "Work")
    assert mode(Path(cli.dir)) == 0o700
    assert mode(Path(cli.dir) / "patchbay.db") == 0o600
    real = home / "dotfiles/cursor-mcp.json"
    real.parent.mkdir(parents=True)
    real.write_text('{"mcpServers": {}}\n')
    link = home / ".cursor/mcp.json"
    link.parent.mkdir()
    link.symlink_to(real)
    cli.json("install", "Work", "--client", "cursor")
    assert link.is_symlink()
    assert "patchbay-work" in json.loads(real.read_text())["mcpServers"]


def test_the_gateway_runs_once_per_data_dir_and_stops_on_request(cli):
    assert cli.json("gateway", "status")["running"] is False
    started = cli.json("gateway", "start")
    assert started["running"] and started["pid"] > 0 and started["address"].startswith("http://127.0.0.1:")
    again = cli.json("gateway", "start")
    assert again["pid"] == started["pid"], "a second start finds the first"
    code, err = cli.error("serve")
    assert code == 4 and err["code"] == "conflict" and started["address"] in err["message"]
    control = json.loads((cli.dir / "gateway.json").read_text())["control"]
    assert status(started["address"], control=control)["pid"] == started["pid"]
    assert cli.json("gateway", "stop")["stopped"] is True
    assert cli.json("gateway", "status")["running"] is False
    assert exited(started["pid"]), "the gateway process ended"
    assert not (Path(cli.dir) / "gateway.json").exists()


def test_a_start_replaces_a_gateway_of_another_version_of_patchbay(cli):
    started = cli.json("gateway", "start")
    # What a gateway of the release before this one publishes (the file is the gateway's own,
    # 0600; only its version changes).
    state = cli.dir / "gateway.json"
    published = json.loads(state.read_text())
    state.write_text(json.dumps({**published, "version": "0.0.1"}))
    assert cli.json("gateway", "status")["version"] == "0.0.1"
    current = cli.json("gateway", "start")
    assert current["running"] and current["pid"] != started["pid"]
    assert current["version"] == started["version"]
    assert exited(started["pid"]), "the old gateway was stopped, not left beside the new one"
    assert cli.json("gateway", "stop")["stopped"] is True


def test_start_at_login_writes_a_systemd_user_unit(cli, home):
    installed = cli.json("service", "install")
    assert installed["kind"] == "systemd" and installed["installed"]
    unit = Path(installed["file"])
    assert unit.is_relative_to(home / ".config/systemd/user")
    text = unit.read_text()
    assert f'ExecStart="{CLI}" "--data-dir" "{cli.dir}" "serve" "--background"' in text
    assert "WantedBy=default.target" in text
    wants = home / ".config/systemd/user/default.target.wants" / unit.name
    assert wants.is_symlink() and wants.resolve() == unit.resolve()
    assert cli.json("service", "status")["installed"]
    removed = cli.json("service", "uninstall")
    assert not removed["installed"] and not unit.exists() and not wants.exists()


def test_claude_codes_url_entry_asks_patchbay_for_the_header_instead_of_holding_the_token(cli, home):

    with python_server("base") as upstream:
        portal = setup_portal(cli, upstream)
        installed = cli.json("install", "Work", "--client", "claude-code", "--transport", "http")
        assert installed["mode"] == "http"
        entry = read_entry(cli, "claude-code", "patchbay-work")
        assert entry["type"] == "http" and "headers" not in entry
        assert portal["token"] not in config_path(cli, "claude-code").read_text()
        gateway = cli.json("gateway", "start")
        assert entry["url"].endswith("/mcp/work")
        url = f"{gateway['address']}/mcp/work"

        def helper_headers() -> dict:
            # Claude Code runs the helper through a shell, in its own environment.
            done = subprocess.run(
                ["sh", "-c", entry["headersHelper"]], env=cli.env, capture_output=True, text=True, timeout=60
            )
            assert done.returncode == 0, done.stderr
            return json.loads(done.stdout)

        assert helper_headers() == {"Authorization": f"Bearer {portal['token']}"}
        http_entry = {"url": url, "headers": helper_headers()}
        assert asyncio.run(list_tools_http(http_entry)) == ["notes__add", "notes__read_note"]
        rotated = cli.json("portal", "token", "rotate", "Work")
        assert rotated["entries_rewritten"] == [], "the entry holds no token: nothing to rewrite"
        assert helper_headers() == {"Authorization": f"Bearer {rotated['token']}"}
        assert asyncio.run(list_tools_http({"url": url, "headers": helper_headers()})) == [
            "notes__add",
            "notes__read_note",
        ]


def test_a_server_is_installed_through_the_gateway_with_none_of_its_secrets(cli, home):
    from mcp_servers import EVERYTHING

    secret = "sekret-env-789"
    server = cli.json(
        "server",
        "create",
        "--name",
        "every",
        "--command",
        "node",
        "--arg",
        str(EVERYTHING),
        "--arg",
        "stdio",
        "--secret-env",
        f"API_TOKEN={secret}",
    )
    cli.json("server", "sync", "every")
    cli.json("tool", "approve", "every", "--all")
    installed = cli.json("install", "every", "--client", "cursor")
    assert (installed["mode"], installed["target_kind"]) == ("bridge", "server")
    entry = read_entry(cli, "cursor", "patchbay-every")
    assert entry["args"][-3:] == ["bridge", "--server", server["id"]]
    assert secret not in all_text_under(home) and "pbs_" not in all_text_under(home)
    tools = asyncio.run(tools_through(entry, cli.env))
    assert "echo" in tools and not any("__" in t for t in tools), "the server's own tool names"
    code, err = cli.error("install", "every", "--client", "codex", "--transport", "http")
    assert err["code"] == "validation" and "no URL" in err["message"]

    # An OAuth server is installable too: the gateway holds its tokens.
    cli.json("catalog", "install", "linear")
    assert cli.json("install", "Linear", "--client", "cursor")["mode"] == "bridge"


def test_one_session_sending_parallel_calls_through_the_stdio_entry_gets_every_answer(cli, home):
    """The shape real clients use: one session, many calls in flight at once."""
    with python_server("base") as upstream:
        setup_portal(cli, upstream)
        cli.json("install", "Work", "--client", "cursor")
        entry = read_entry(cli, "cursor", "patchbay-work")

        async def parallel() -> list[str]:
            async with AsyncExitStack() as stack:
                session = await stdio_session(stack, entry, cli.env)
                calls = [session.call_tool("notes__add", {"a": n, "b": 1000}) for n in range(40)]
                results = await asyncio.wait_for(asyncio.gather(*calls), 120)
                return [r.content[0].text for r in results]

        assert asyncio.run(parallel()) == [str(n + 1000) for n in range(40)]


def test_vs_codes_url_entry_names_an_input_the_user_types_once(cli, home):
    """VS Code prompts for `${input:id}` and keeps the value in its secret storage, so its
    user mcp.json (uploaded by Settings Sync) and project files hold no token."""

    with python_server("base") as upstream:
        portal = setup_portal(cli, upstream)
        installed = cli.json("install", "Work", "--client", "vscode", "--transport", "http")
        path = config_path(cli, "vscode")
        doc = json.loads(path.read_text())
        entry = doc["servers"]["patchbay-work"]
        input_id = f"patchbay-{portal['id']}"
        assert entry["headers"] == {"Authorization": f"Bearer ${{input:{input_id}}}"}
        assert doc["inputs"] == [
            {"type": "promptString", "id": input_id, "password": True, "description": doc["inputs"][0]["description"]}
        ]
        assert portal["token"] not in path.read_text()
        assert [i["drift"] for i in cli.json("installation", "list")["installations"]] == ["in_sync"]
        # What VS Code sends once the user typed the token.
        gateway = cli.json("gateway", "start")
        typed = {"Authorization": entry["headers"]["Authorization"].replace(f"${{input:{input_id}}}", portal["token"])}
        url = f"{gateway['address']}/mcp/work"
        assert asyncio.run(list_tools_http({"url": url, "headers": typed})) == ["notes__add", "notes__read_note"]
        cli.json("uninstall", "Work", "--client", "vscode")
        assert not path.exists(), "the file the install made goes, inputs and all"
        assert installed["mode"] == "http"


def test_a_users_vs_code_file_comes_back_byte_for_byte_inputs_and_all(cli, home):
    """Installing a secure portal adds an entry and a prompted input to the user's own
    mcp.json; uninstalling takes both out, and the `inputs` array the install made with them."""
    with python_server("base") as upstream:
        setup_portal(cli, upstream)
        path = config_path(cli, "vscode")
        path.parent.mkdir(parents=True, exist_ok=True)
        original = '{\r\n\t// my servers\r\n\t"servers": {},\r\n}\r\n'
        path.write_text(original, newline="")
        cli.json("install", "Work", "--client", "vscode", "--transport", "http")
        installed = path.read_bytes().decode()
        assert '"inputs"' in installed and "\r\n" in installed and "\n" not in installed.replace("\r\n", "")
        cli.json("uninstall", "Work", "--client", "vscode")
        assert path.read_bytes().decode() == original
