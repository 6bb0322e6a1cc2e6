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
from contextlib import AsyncExitStack, contextmanager

import httpx2
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client
from mcp_servers import python_server, stop_group


@contextmanager
def gateway(cli):
    process = subprocess.Popen(
        [cli.binary, "serve", "--port", "0"], env=cli.env, stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL, text=True, start_new_session=True,
    )
    try:
        first = process.stdout.readline().strip()
        assert first.startswith("listening on http://127.0.0.1:"), first
        yield first.removeprefix("listening on ")
    finally:
        stop_group(process)


async def session_calls(url: str, token: str) -> tuple[list[str], str, bool]:
    async with AsyncExitStack() as stack:
        client = await stack.enter_async_context(httpx2.AsyncClient(headers={"Authorization": f"Bearer {token}"}, timeout=30))
        streams = await stack.enter_async_context(streamable_http_client(url, http_client=client))
        session = await stack.enter_async_context(ClientSession(streams[0], streams[1]))
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
    request = urllib.request.Request(url, data=body, method="POST", headers={
        "Content-Type": "application/json", "Accept": "application/json, text/event-stream", **headers,
    })
    try:
        with urllib.request.urlopen(request, timeout=10) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


def test_a_portal_serves_its_approved_tools_to_a_real_client(cli):
    with python_server("base") as upstream:
        cli.json("server", "create", "--name", "notes", "--url", upstream)
        cli.json("server", "sync", "notes")
        cli.json("tool", "deny", "notes", "wipe_notes")
        token = cli.json("portal", "create", "--name", "Work")["token"]
        cli.json("portal", "add-server", "Work", "notes")
        with gateway(cli) as address:
            url = f"{address}/mcp/work"
            names, added, denied_failed = asyncio.run(session_calls(url, token))
            assert names == ["notes__add", "notes__read_note"]
            assert added == "42"
            assert denied_failed, "a denied tool is not served"

            assert status_of(url, {}) == 401
            assert status_of(url, {"Authorization": "Bearer pbp_wrong"}) == 401
            assert status_of(url, {"Authorization": f"Bearer {token}", "Origin": "http://evil.example"}) == 403
            assert status_of(f"{address}/mcp/nope", {}) == 404

            # Every call is logged (written in batches: wait, bounded, for both to land).
            deadline = time.monotonic() + 10
            while len(calls := cli.json("portal", "log", "Work")["calls"]) < 2 and time.monotonic() < deadline:
                time.sleep(0.05)  # polling the log, bounded by the deadline
        by_tool = {c["tool"]: c for c in calls}
        assert by_tool["notes__add"]["outcome"] == "ok" and by_tool["notes__add"]["bytes_in"] > 0
        assert by_tool["notes__wipe_notes"]["outcome"] == "error" and by_tool["notes__wipe_notes"]["server_id"] is None
        assert by_tool["notes__add"]["arguments"] is None, "payloads are not logged unless asked"
        assert len(calls) == 2, "refused requests never reached a tool"


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
        cli.json("server", "create", "--name", "notes", "--url", upstream)
        cli.json("server", "sync", "notes")
        cli.json("tool", "deny", "notes", "wipe_notes")
        cli.json("portal", "create", "--name", "Work")
        cli.json("portal", "add-server", "Work", "notes")
        names, added = asyncio.run(bridge_calls(cli))
    assert names == ["notes__add", "notes__read_note"]
    assert added == "42"
