"""Portals too big for a model's context list a search tool instead of their tools. A Python SDK
client on a `search` portal (npm server-everything and a Python SDK server behind it) lists
only the two meta-tools, finds a tool by what it needs done, calls it through the call tool
(the call log names the real tool), never finds nor calls a denied or disabled tool, and hears
`tools/list_changed` when the mode or the served set changes, the search following. A `hybrid`
portal lists the pinned tools and the ones called most lately beside the two, and the rest are
found by search; `portal get` counts each tool's calls in 7 and 30 days."""

import asyncio
from contextlib import AsyncExitStack

import pytest
from mcp.shared.exceptions import MCPError
from mcp_servers import everything, python_server
from portal_client import bearer, method_of, open_session
from waiting import until

META = {"search_tools", "call_tool"}


def portal_of_two(cli, every_url: str, notes_url: str) -> tuple[dict, str]:
    cli.json("server", "create", "--name", "every", "--url", every_url, "--sync")
    cli.json("server", "create", "--name", "notes", "--url", notes_url, "--sync")
    portal = cli.json("portal", "create", "--name", "Work")
    cli.json("portal", "add-server", "Work", "every")
    cli.json("portal", "add-server", "Work", "notes")
    return portal, cli.json("gateway", "start")["address"]


def text(result) -> str:
    assert not result.is_error, result
    return "".join(getattr(c, "text", "") for c in result.content)


async def found(session, need: str) -> list[str]:
    result = await session.call_tool("search_tools", {"query": need, "limit": 3})
    return [t["name"] for t in result.structured_content["tools"]]


async def listed(session) -> set[str]:
    return {t.name for t in (await session.list_tools()).tools}


def test_a_search_portal_finds_and_calls_tools_and_follows_changes(cli):
    with everything("streamableHttp") as every_url, python_server() as notes_url:
        portal, address = portal_of_two(cli, every_url, notes_url)
        cli.json("tool", "deny", "notes", "wipe_notes")
        cli.json("portal", "tool", "disable", "Work", "every", "echo")
        assert cli.json("portal", "update", "Work", "--mode", "search")["mode"] == "search"

        async def scenario():
            changed = asyncio.Event()

            async def heard(message) -> None:
                if method_of(message) == "notifications/tools/list_changed":
                    changed.set()

            async with AsyncExitStack() as stack:
                session = await open_session(stack, f"{address}/mcp/work", bearer(portal["token"]), heard)
                await session.initialize()
                tools = (await session.list_tools()).tools
                assert {t.name for t in tools} == META
                [search] = [t for t in tools if t.name == "search_tools"]
                assert "every" in search.description and "notes" in search.description

                hits = await found(session, "add two numbers")
                assert hits[0] == "notes__add", hits
                [add] = (
                    await session.call_tool("search_tools", {"query": "add two numbers", "limit": 1})
                ).structured_content["tools"]
                assert add["inputSchema"]["properties"].keys() == {"a", "b"}, "the full schema"
                called = await session.call_tool("call_tool", {"name": "notes__add", "arguments": {"a": 2, "b": 40}})
                assert text(called) == "42"

                assert "notes__wipe_notes" not in await found(session, "delete every note wipe")
                assert "every__echo" not in await found(session, "echo a message back")
                with pytest.raises(MCPError, match="serves no tool named 'notes__wipe_notes'"):
                    await session.call_tool("call_tool", {"name": "notes__wipe_notes", "arguments": {}})

                # The served set changes: the client hears of it, and search follows.
                changed.clear()
                cli.json("portal", "tool", "enable", "Work", "every", "echo")
                await asyncio.wait_for(changed.wait(), 60)
                assert "every__echo" in await found(session, "echo a message back")

                changed.clear()
                cli.json("portal", "update", "Work", "--mode", "direct")
                await asyncio.wait_for(changed.wait(), 60)
                now = await listed(session)
                assert "notes__add" in now and not (now & META)

        asyncio.run(scenario())

        def logged():
            return [c["tool"] for c in cli.json("portal", "log", "Work")["calls"] if c["method"] == "tools/call"]

        assert "notes__add" in until(logged, lambda tools: "notes__add" in tools), "the log names the real tool"
        assert "call_tool" not in logged()


def test_a_hybrid_portal_lists_the_pinned_tools_and_finds_the_rest(cli):
    with everything("streamableHttp") as every_url, python_server() as notes_url:
        portal, address = portal_of_two(cli, every_url, notes_url)
        code, err = cli.error("portal", "update", "Work", "--mode", "hybrid", "--pin", "nope__nothing")
        assert err["code"] == "validation"
        updated = cli.json("portal", "update", "Work", "--mode", "hybrid", "--top", "0", "--pin", "every__echo")
        assert (updated["mode"], updated["top_n"], updated["pinned"]) == ("hybrid", 0, ["every__echo"])

        async def scenario():
            async with AsyncExitStack() as stack:
                session = await open_session(stack, f"{address}/mcp/work", bearer(portal["token"]))
                await session.initialize()
                deadline = asyncio.get_running_loop().time() + 60
                while (names := await listed(session)) != META | {"every__echo"}:
                    assert asyncio.get_running_loop().time() < deadline, names
                echoed = await session.call_tool("every__echo", {"message": "pinned"})
                assert "pinned" in text(echoed)
                assert (await found(session, "add two numbers"))[0] == "notes__add"
                for n in range(2):
                    added = await session.call_tool("call_tool", {"name": "notes__add", "arguments": {"a": n, "b": 1}})
                    assert text(added) == str(n + 1)

        asyncio.run(scenario())

        # The tool called most lately is listed once the portal lists its top one, and the
        # portal page's counts show the calls.
        def calls_of_add():
            return [t for t in cli.json("portal", "get", "Work")["servers"][1]["tools"] if t["name"] == "add"][0]

        assert until(calls_of_add, lambda t: t["calls_7d"] == 2)["calls_30d"] == 2
        cli.json("portal", "update", "Work", "--top", "1")

        async def top_listed():
            async with AsyncExitStack() as stack:
                session = await open_session(stack, f"{address}/mcp/work", bearer(portal["token"]))
                await session.initialize()
                return await listed(session)

        assert until(lambda: asyncio.run(top_listed()), lambda names: "notes__add" in names) == META | {
            "every__echo",
            "notes__add",
        }


def test_a_hybrid_listing_follows_use_without_a_change_of_configuration(cli):
    """The tools called most lately move into a hybrid listing as they are called, announced
    with `tools/list_changed`, with nothing changed in the portal (the gateway reads use again
    every minute; the test's gateway every second)."""
    cli.env["PATCHBAY_USAGE_REFRESH_SECS"] = "1"
    with everything("streamableHttp") as every_url, python_server() as notes_url:
        portal, address = portal_of_two(cli, every_url, notes_url)
        cli.json("portal", "update", "Work", "--mode", "hybrid", "--top", "1")

        async def scenario():
            changed = asyncio.Event()

            async def on_message(message):
                if method_of(message) == "notifications/tools/list_changed":
                    changed.set()

            async with AsyncExitStack() as stack:
                session = await open_session(
                    stack, f"{address}/mcp/work", bearer(portal["token"]), message_handler=on_message
                )
                await session.initialize()
                deadline = asyncio.get_running_loop().time() + 60
                while (names := await listed(session)) != META:
                    assert asyncio.get_running_loop().time() < deadline, names
                changed.clear()
                for n in range(2):
                    added = await session.call_tool("call_tool", {"name": "notes__add", "arguments": {"a": n, "b": 1}})
                    assert text(added) == str(n + 1)
                # The mode change's own announcement may still be on its way: wait for one
                # after which the listing moved.
                while True:
                    await asyncio.wait_for(changed.wait(), 60)
                    changed.clear()
                    if (names := await listed(session)) != META:
                        break
                assert names == META | {"notes__add"}

        asyncio.run(scenario())
