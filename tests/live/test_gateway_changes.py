"""A portal tells connected clients when what it serves changes — approval, membership, or
the upstream server's own tools — to clients of both protocol eras: a Python SDK client of
the `initialize` era (plain `notifications/tools/list_changed`) and one of the 2026-07-28 era
(`subscriptions/listen`)."""

import asyncio
from contextlib import AsyncExitStack

from gateway_support import gateway, work_portal
from mcp import ClientSession
from mcp.client.subscriptions import listen
from mcp_servers import python_server
from portal_client import bearer, method_of, open_session
from waiting import until

HEARING = 15  # seconds a change may take to reach a client; the gateway polls every 0.1 s


async def tool_names(session: ClientSession) -> list[str]:
    return sorted(t.name for t in (await session.list_tools()).tools)


async def hear_changes(url: str, token: str, cli) -> None:
    legacy_heard: asyncio.Queue = asyncio.Queue()
    modern_heard: asyncio.Queue = asyncio.Queue()

    async def on_message(message) -> None:
        if method_of(message) == "notifications/tools/list_changed":
            await legacy_heard.put(message)

    async with AsyncExitStack() as stack:
        legacy = await open_session(stack, url, bearer(token), on_message)
        await legacy.initialize()
        modern = await open_session(stack, url, bearer(token))
        await modern.discover()
        subscription = await stack.enter_async_context(listen(modern, tools_list_changed=True))
        assert subscription.honored.tools_list_changed

        async def pump():
            async for event in subscription:
                await modern_heard.put(type(event).__name__)

        pumping = asyncio.create_task(pump())
        try:

            async def both_hear(*command: str) -> None:
                for queue in (legacy_heard, modern_heard):
                    while not queue.empty():
                        queue.get_nowait()
                await asyncio.to_thread(cli.json, *command)
                await asyncio.wait_for(legacy_heard.get(), HEARING)
                assert await asyncio.wait_for(modern_heard.get(), HEARING) == "ToolsListChanged"

            assert await tool_names(legacy) == [
                "notes__add",
                "notes__read_note",
                "notes__unlock_export",
                "notes__wipe_notes",
            ]

            # Approval changes what is served.
            await both_hear("tool", "deny", "notes", "read_note")
            assert "notes__read_note" not in await tool_names(legacy)
            assert "notes__read_note" not in await tool_names(modern)

            # So does a tool turned off in the portal; a call to it fails.
            await both_hear("portal", "tool", "disable", "Work", "notes", "wipe_notes")
            assert "notes__wipe_notes" not in await tool_names(modern)
            try:
                refused = await legacy.call_tool("notes__wipe_notes", {})
                assert refused.is_error, "a disabled tool must not run"
            except Exception as e:
                assert "no tool named" in str(e), e

            # The upstream adds a tool and announces it: the gateway syncs the server; the new
            # tool waits for approval (not served, so nothing to announce yet), then is served.
            unlocked = await legacy.call_tool("notes__unlock_export", {})
            assert unlocked.content[0].text == "unlocked"

            def stored_tools() -> dict:
                return {t["name"]: t for t in cli.json("tool", "list", "notes")["tools"]}

            # The store, for the gateway's sync (the pump keeps running meanwhile).
            tools = await asyncio.to_thread(until, stored_tools, lambda t: "export_notes" in t, HEARING, 0.1)
            assert tools["export_notes"]["approval_state"] == "needs_approval", tools.get("export_notes")
            assert "notes__export_notes" not in await tool_names(legacy)
            await both_hear("tool", "approve", "notes", "export_notes")
            assert "notes__export_notes" in await tool_names(modern)

            # Membership.
            await both_hear("portal", "remove-server", "Work", "notes")
            assert await tool_names(legacy) == []
        finally:
            pumping.cancel()


def test_connected_clients_hear_when_the_served_tools_change(cli):
    with python_server("dynamic") as upstream:
        token = work_portal(cli, ("notes", upstream))["token"]
        with gateway(cli) as (address, _):
            asyncio.run(hear_changes(f"{address}/mcp/work", token, cli))


def test_an_upstream_of_the_initialize_era_is_followed_too(cli):
    """Over legacy SSE the Python SDK server speaks the `initialize` era and announces its new
    tool with a plain notification: the gateway syncs the server on hearing it."""
    with python_server("dynamic", transport="sse") as upstream:
        work_portal(cli, ("notes", upstream, "--transport", "sse"), flags=("--insecure",))
        with gateway(cli) as (address, _):
            done = cli.run("server", "create", "--name", "via-portal", "--url", f"{address}/mcp/work")
            assert done.returncode == 0, done.stderr
            unlocked = cli.json("tool", "call", "via-portal", "notes__unlock_export", "--args", "{}")
            assert unlocked["content"][0]["text"] == "unlocked"
            tools = until(
                lambda: {t["name"]: t for t in cli.json("tool", "list", "notes")["tools"]},
                lambda t: "export_notes" in t,
                timeout=HEARING,
            )
            assert tools.get("export_notes", {}).get("approval_state") == "needs_approval", tools.keys()
