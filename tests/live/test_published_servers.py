"""The servers published under @modelcontextprotocol/ on npm sync as they are, each with its
own quirks: server-puppeteer declares `resources` and answers `resources/templates/list` with
-32601 (method not found), which is an empty listing, not a failed sync."""

import tempfile

from mcp_servers import published

# name -> the arguments after its entry script
SERVERS = {
    "server-puppeteer": [],
    "server-memory": [],
    "server-filesystem": [tempfile.gettempdir()],
    "server-sequential-thinking": [],
}


def test_every_published_server_syncs(cli):
    for name, extra in SERVERS.items():
        args = ["--arg", str(published(name))] + [a for e in extra for a in ("--arg", e)]
        cli.json("server", "create", "--name", name, "--command", "node", *args)
    done = cli.run("server", "sync", "--all")
    assert done.returncode == 0, done.stdout + done.stderr
    for name in SERVERS:
        server = cli.json("server", "get", name)
        assert server["status"] == "active", (name, server["error_message"])
        assert server["error_message"] is None
        tools = cli.json("tool", "list", name)
        assert tools, f"{name} synced no tools"


def test_a_listing_the_server_does_not_implement_is_empty(cli):
    cli.json(
        "server", "create", "--name", "puppeteer", "--command", "node", "--arg", str(published("server-puppeteer"))
    )
    report = cli.json("server", "sync", "puppeteer")
    assert report["server"]["status"] == "active"
    # It declares resources (one: its console log) and lists tools, but has no templates.
    assert report["server"]["server_info"]["capabilities"].get("resources") is not None
    assert report["counts"]["resource_templates"] == 0
    assert report["counts"]["resources"] >= 1
    assert report["counts"]["tools"] > 0


def test_a_server_slow_to_start_still_syncs(cli):
    """A stdio server that reads its input only after rmcp's 10 s wait for `server/discover`
    (as `npx` fetching a package does) gets `initialize` too and answers both, the late
    discovery first: that answer is dropped, not taken for the handshake's."""
    from mcp_servers import EVERYTHING

    started = cli.run(
        "server",
        "create",
        "--name",
        "sluggish",
        "--command",
        "sh",
        "--arg",
        "-c",
        "--arg",
        f"sleep 11 && exec node '{EVERYTHING}' stdio",
        "--sync",
        "--timeout",
        "90",
        "--json",
    )
    assert started.returncode == 0, started.stderr
    server = cli.json("server", "get", "sluggish")
    assert server["status"] == "active", server["error_message"]
    assert cli.json("tool", "list", "sluggish")["tools"], "its tools were synced"
