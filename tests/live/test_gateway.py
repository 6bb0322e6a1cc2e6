"""The gateway (`patchbay serve`) serving a portal to a real client, the official Python MCP
SDK client, over a real upstream (a Python SDK server): namespaced tools, calls routed, a
denied tool absent; foreign Origin, missing or wrong token refused."""

import asyncio
import json
import os
import subprocess
import time
import urllib.error
import urllib.request
from contextlib import AsyncExitStack

from gateway_support import gateway, work_portal
from mcp import ClientSession
from mcp_servers import python_server
from portal_client import bearer, open_session
from waiting import until


async def session_calls(url: str, token: str) -> tuple[list[str], str, bool]:
    async with AsyncExitStack() as stack:
        session = await open_session(stack, url, bearer(token))
        await session.initialize()
        names = sorted(t.name for t in (await session.list_tools()).tools)
        added = await session.call_tool("notes__add", {"a": 2, "b": 40})
        try:
            denied = await session.call_tool("notes__wipe_notes", {})
            denied_failed = bool(denied.is_error)
        except Exception:
            denied_failed = True
        return names, added.content[0].text, denied_failed


def status_of(url: str, headers: dict) -> int:
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "tools/list"}).encode()
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "Accept": "application/json, text/event-stream",
            **headers,
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


def test_a_portal_serves_its_approved_tools_to_a_real_client(cli):
    with python_server("base") as upstream:
        token = work_portal(cli, ("notes", upstream), deny=(("notes", "wipe_notes"),))["token"]
        with gateway(cli) as (address, _):
            url = f"{address}/mcp/work"
            names, added, denied_failed = asyncio.run(session_calls(url, token))
            assert names == ["notes__add", "notes__read_note"]
            assert added == "42"
            assert denied_failed, "a denied tool is not served"

            # A third client: the MCP Inspector CLI (npm, on Node 22).
            inspector = [
                os.environ["PATCHBAY_NODE22"],
                os.environ["PATCHBAY_INSPECTOR"],
                "--cli",
                url,
                "--transport",
                "http",
                "--header",
                f"Authorization: Bearer {token}",
            ]
            listed = subprocess.run([*inspector, "--method", "tools/list"], capture_output=True, text=True, timeout=60)
            assert listed.returncode == 0, listed.stderr
            assert sorted(t["name"] for t in json.loads(listed.stdout)["tools"]) == ["notes__add", "notes__read_note"]
            called = subprocess.run(
                [*inspector, "--method", "tools/call", "--tool-name", "notes__add", "--tool-arg", "a=5", "b=6"],
                capture_output=True,
                text=True,
                timeout=60,
            )
            assert called.returncode == 0, called.stderr
            assert json.loads(called.stdout)["content"][0]["text"] == "11"

            assert status_of(url, {}) == 401
            assert status_of(url, {"Authorization": "Bearer pbp_wrong"}) == 401
            assert status_of(url, {"Authorization": f"Bearer {token}", "Origin": "http://evil.example"}) == 403
            # An unknown portal answers as a known one does without its token.
            assert status_of(f"{address}/mcp/nope", {}) == 401

            # Every call is logged (written in batches: wait, bounded, for both to land).
            calls = until(lambda: cli.json("portal", "log", "Work")["calls"], lambda c: len(c) >= 3, timeout=10)
        by_tool = {c["tool"]: c for c in calls}
        assert by_tool["notes__add"]["outcome"] == "ok" and by_tool["notes__add"]["bytes_in"] > 0
        assert by_tool["notes__wipe_notes"]["outcome"] == "error" and by_tool["notes__wipe_notes"]["server_id"] is None
        assert by_tool["notes__add"]["arguments"] is None, "payloads are not logged unless asked"
        assert len(calls) == 3, "refused requests never reached a tool"
        failed = cli.json("portal", "log", "Work", "--outcome", "error")["calls"]
        assert [c["tool"] for c in failed] == ["notes__wipe_notes"]
        by_server = cli.json("portal", "log", "Work", "--server", "notes", "--tool", "ADD")["calls"]
        assert {c["tool"] for c in by_server} == {"notes__add"} and len(by_server) == 2

        # Payload logging turned on while the gateway runs applies without a restart, as soon
        # as the gateway sees the store change (it looks every 0.1 s).
        with gateway(cli) as (address, _):
            asyncio.run(session_calls(f"{address}/mcp/work", token))  # serves with logging off
            cli.json("portal", "update", "Work", "--log-payloads", "true")

            def logged_with_payload() -> list:
                asyncio.run(session_calls(f"{address}/mcp/work", token))
                calls = cli.json("portal", "log", "Work", "--limit", "1000")["calls"]
                return [c for c in calls if c["tool"] == "notes__add" and c["arguments"]]

            # The log is written in batches, and the gateway sees the change at its next look.
            logged = until(logged_with_payload, timeout=30, every=0.05)
        assert logged and json.loads(logged[0]["arguments"]) == {"a": 2, "b": 40}
        assert "42" in logged[0]["result"]


async def bridge_calls(cli) -> tuple[list[str], str]:
    from mcp import StdioServerParameters
    from mcp.client.stdio import stdio_client

    params = StdioServerParameters(command=cli.binary, args=["bridge", "Work"], env=cli.env)
    async with AsyncExitStack() as stack:
        streams = await stack.enter_async_context(stdio_client(params))
        session = await stack.enter_async_context(ClientSession(streams[0], streams[1]))
        await session.initialize()
        names = sorted(t.name for t in (await session.list_tools()).tools)
        added = await session.call_tool("notes__add", {"a": 20, "b": 22})
        return names, added.content[0].text


def test_the_stdio_bridge_serves_the_portal_to_a_stdio_client(cli):
    with python_server("base") as upstream:
        work_portal(cli, ("notes", upstream), deny=(("notes", "wipe_notes"),))
        names, added = asyncio.run(bridge_calls(cli))
    assert names == ["notes__add", "notes__read_note"]
    assert added == "42"


def non_loopback_address() -> str | None:
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("192.0.2.1", 9))  # no packet is sent: this only picks a route
            address = s.getsockname()[0]
        except OSError:
            return None
    return None if address.startswith("127.") else address


def test_rmcp_client_faults_and_loopback_only(cli):
    """Patchbay's own rmcp client through the portal; an upstream that dies fails its call with
    a clear error while another member keeps answering; no listener off loopback."""
    import socket
    from contextlib import ExitStack

    from mcp_servers import everything

    with everything("streamableHttp") as upstream_every, ExitStack() as notes_alive:
        upstream_notes = notes_alive.enter_context(python_server("base"))
        token = work_portal(cli, ("notes", upstream_notes), ("every", upstream_every))["token"]
        with gateway(cli) as (address, _):
            done = cli.run(
                "server",
                "create",
                "--name",
                "via-portal",
                "--url",
                f"{address}/mcp/work",
                "--auth",
                "api_key",
                "--api-key-stdin",
                stdin=f"Bearer {token}",
            )
            assert done.returncode == 0, done.stderr
            cli.json("server", "sync", "via-portal")
            names = {t["name"] for t in cli.json("tool", "list", "via-portal")["tools"]}
            assert {"notes__add", "every__echo"} <= names
            assert all(n.startswith(("notes__", "every__")) for n in names)
            echoed = cli.json("tool", "call", "via-portal", "every__echo", "--args", '{"message": "through"}')
            assert "through" in echoed["content"][0]["text"]
            added = cli.json("tool", "call", "via-portal", "notes__add", "--args", '{"a": 1, "b": 2}')
            assert added["content"][0]["text"] == "3"

            port = int(address.rsplit(":", 1)[1])
            other = non_loopback_address()
            if other:
                with socket.socket() as s:
                    s.settimeout(2)
                    assert s.connect_ex((other, port)) != 0, "the gateway must not listen off loopback"

            notes_alive.close()  # the notes server dies
            code, err = cli.error("tool", "call", "via-portal", "notes__add", "--args", '{"a": 1, "b": 2}')
            assert "notes__add" in err["message"] and "refused" in err["message"], err
            echoed = cli.json("tool", "call", "via-portal", "every__echo", "--args", '{"message": "still here"}')
            assert "still here" in echoed["content"][0]["text"]


def test_warm_upstream_sessions_survive_a_server_restart(cli):
    """The gateway keeps one session per upstream; when the server restarts (its sessions
    gone), the next call through the portal still succeeds, on a new session, for a server of
    each era: server-everything (sessions, `initialize`) and the Python SDK (2026-07-28)."""
    from mcp_servers import everything, free_port

    every_port, notes_port = free_port(), free_port()
    with everything("streamableHttp", every_port) as every, python_server("base", notes_port) as notes:
        token = work_portal(cli, ("every", every), ("notes", notes))["token"]
    with gateway(cli) as (address, _):
        done = cli.run(
            "server",
            "create",
            "--name",
            "via-portal",
            "--url",
            f"{address}/mcp/work",
            "--auth",
            "api_key",
            "--api-key-stdin",
            stdin=f"Bearer {token}",
        )
        assert done.returncode == 0, done.stderr
        for round in range(2):  # each round is a fresh start of both servers
            with everything("streamableHttp", every_port), python_server("base", notes_port):
                echoed = cli.json(
                    "tool", "call", "via-portal", "every__echo", "--args", f'{{"message": "round {round}"}}'
                )
                assert f"round {round}" in echoed["content"][0]["text"]
                added = cli.json("tool", "call", "via-portal", "notes__add", "--args", f'{{"a": {round}, "b": 1}}')
                assert added["content"][0]["text"] == str(round + 1)


async def cancel_long_call(url: str, token: str) -> float:
    """Starts a 20-second operation through the portal, gives up on it after one second, then
    makes another call on the same session; returns how long that one took."""
    async with AsyncExitStack() as stack:
        session = await open_session(stack, url, bearer(token))
        await session.initialize()
        long = session.call_tool("every__trigger-long-running-operation", {"duration": 20, "steps": 20})
        try:
            await asyncio.wait_for(long, 1.0)
            raise AssertionError("a 20-second operation answered within a second")
        except TimeoutError:
            pass
        started = time.monotonic()
        echoed = await session.call_tool("every__echo", {"message": "after"})
        assert "after" in echoed.content[0].text
        return time.monotonic() - started


def test_a_cancelled_call_stops_at_the_gateway_and_the_session_goes_on(cli):
    from mcp_servers import everything

    with everything("streamableHttp") as every:
        token = work_portal(cli, ("every", every))["token"]
        with gateway(cli) as (address, _):
            took = asyncio.run(cancel_long_call(f"{address}/mcp/work", token))
            assert took < 5, "the next call did not wait for the cancelled one"
            calls = until(lambda: cli.json("portal", "log", "Work", "--tool", "long-running")["calls"], timeout=10)
    assert calls, "the cancelled call was logged"
    assert calls[0]["outcome"] == "error" and "cancelled" in calls[0]["error"], calls[0]
    assert calls[0]["duration_ms"] < 10_000, "the gateway stopped waiting when the client cancelled"
