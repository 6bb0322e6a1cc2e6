"""The user's gateway keeps servers current by itself: a new server is synced with no sync
command, a server that starts failing is `error` at the next health check (and at the first
call that cannot reach it), OAuth tokens are refreshed ahead of expiry and a refused refresh
is `needs_auth`; `portal get` shows each member's health."""

import subprocess
import tempfile
import time
import urllib.request
from contextlib import ExitStack

from gateway_support import served_in_work
from mcp_servers import free_port, oauth_server, python_server, stop_group
from oauth_flow import authorize, stats
from waiting import wait_until


def wait_for(what, probe, timeout: float = 60):
    """Polls `probe` until it returns something true; bounded by `timeout`."""
    return wait_until(probe, what, timeout, every=0.2)


def status(cli, name: str) -> dict:
    return cli.json("server", "get", name)


def start_gateway(cli):
    assert cli.json("gateway", "start")["running"]


def test_a_new_server_is_synced_by_the_gateway_without_a_sync_command(cli):
    start_gateway(cli)
    with python_server("base") as upstream:
        started = time.monotonic()
        created = cli.json("server", "create", "--name", "notes", "--url", upstream)
        assert created["status"] == "pending"  # the CLI returned at once
        synced = wait_for("notes active", lambda: (s := status(cli, "notes"))["status"] == "active" and s)
        assert time.monotonic() - started < 10, "synced within seconds"
        assert synced["last_successful_sync"]
        tools = {t["name"] for t in cli.json("tool", "list", "notes")["tools"]}
        assert {"add", "read_note"} <= tools


def test_a_failing_server_is_error_at_the_next_check_and_at_a_failed_call(cli):
    cli.json("settings", "--health-check-seconds", "10")
    port = free_port()
    with ExitStack() as alive:
        upstream = alive.enter_context(python_server("base", port))
        cli.json("server", "create", "--name", "notes", "--url", upstream, "--sync")
        start_gateway(cli)
        first = status(cli, "notes")["last_synced"]
        wait_for("a health check", lambda: status(cli, "notes")["last_synced"] != first)
        assert status(cli, "notes")["status"] == "active"
        alive.close()  # the server goes away
        failed = wait_for("notes error", lambda: (s := status(cli, "notes"))["status"] == "error" and s, timeout=60)
        assert "127.0.0.1" in failed["error_message"]
        assert failed["last_successful_sync"] < failed["last_synced"]

    # It comes back: the next check finds it.
    with python_server("base", port):
        wait_for("notes active again", lambda: status(cli, "notes")["status"] == "active")
        assert status(cli, "notes")["error_message"] is None


def test_a_call_that_cannot_reach_its_server_marks_it_error(cli):
    import asyncio

    from portal_client import bearer, open_session

    with ExitStack() as alive:
        upstream = alive.enter_context(python_server("base"))
        portal, address = served_in_work(cli, "notes", upstream)
        token = portal["token"]
        alive.close()

        async def call():
            from contextlib import AsyncExitStack

            async with AsyncExitStack() as stack:
                session = await open_session(stack, f"{address}/mcp/work", bearer(token))
                await session.initialize()
                try:
                    result = await session.call_tool("notes__add", {"a": 1, "b": 2})
                    return bool(result.is_error)
                except Exception:
                    return True

        assert asyncio.run(call()), "the call fails"
        server = status(cli, "notes")
        assert server["status"] == "error", server
        assert server["error_message"]
        member = cli.json("portal", "get", "Work")["servers"][0]
        assert (member["status"], member["error_message"]) == ("error", server["error_message"])


def test_tokens_are_refreshed_ahead_and_a_refused_refresh_needs_auth(cli):
    # Two minutes of life: inside the gateway's refresh window, outside rmcp's own 30 s.
    with oauth_server("--token-lifetime", "120") as (url, base):
        cli.json("server", "create", "--name", "secure", "--url", url, "--auth", "oauth")
        authorize(cli, "secure")
        cli.json("server", "sync", "secure")
        before = stats(base)["refreshes"]
        start_gateway(cli)
        wait_for("a refresh ahead of expiry", lambda: stats(base)["refreshes"] > before)
        assert status(cli, "secure")["status"] == "active"
        cli.json("gateway", "stop")

        # The authorization server forgets every token: the next refresh is refused, and the
        # desktop hears of it (the Notify call on the session bus, seen by dbus-monitor; no
        # notification service runs here to show it).
        forget = urllib.request.Request(f"{base}/test/forget-tokens", method="POST")
        urllib.request.urlopen(forget, timeout=10)
        with tempfile.TemporaryFile(mode="w+") as seen:
            monitor = subprocess.Popen(
                ["dbus-monitor", "--session", "interface='org.freedesktop.Notifications',member='Notify'"],
                stdout=seen,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
            try:
                # It says NameLost once it has become a monitor.
                wait_for("dbus-monitor listening", lambda: seen.seek(0) or "member=NameLost" in seen.read())
                start_gateway(cli)
                needs = wait_for(
                    "secure needs_auth", lambda: (s := status(cli, "secure"))["status"] == "needs_auth" and s
                )
                assert "authoriz" in needs["error_message"]
                notified = wait_for(
                    "a desktop notification", lambda: seen.seek(0) or "secure needs authorization again" in seen.read()
                )
                assert notified
            finally:
                stop_group(monitor)


def test_portal_get_shows_each_members_health(cli):
    with ExitStack() as alive, oauth_server() as (oauth_url, _):
        good = alive.enter_context(python_server("base"))
        cli.json("server", "create", "--name", "good", "--url", good, "--sync")
        # Nothing listens there: the first sync fails, and the server is kept with its error.
        code, err = cli.error(
            "server", "create", "--name", "broken", "--url", f"http://127.0.0.1:{free_port()}/mcp", "--sync"
        )
        assert "created 'broken', but its first sync failed" in err["message"]
        cli.run("server", "create", "--name", "locked", "--url", oauth_url, "--auth", "oauth", "--sync")
        cli.json("portal", "create", "--name", "Work")
        for name in ("good", "broken", "locked"):
            cli.json("portal", "add-server", "Work", name)
        members = {m["name"]: m for m in cli.json("portal", "get", "Work")["servers"]}
        assert members["good"]["status"] == "active" and members["good"]["error_message"] is None
        assert members["good"]["last_successful_sync"] == members["good"]["last_synced"]
        assert members["broken"]["status"] == "error" and "127.0.0.1" in members["broken"]["error_message"]
        assert members["broken"]["last_successful_sync"] is None
        assert members["locked"]["status"] == "needs_auth"
        assert members["locked"]["auth_type"] == "oauth" and members["good"]["auth_type"] == "none"
        text = cli.run("portal", "get", "Work").stdout
        assert "needs_auth" in text and "error" in text
