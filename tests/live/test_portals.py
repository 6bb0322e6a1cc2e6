"""Portals through the CLI contract: records, members, per-tool choices, tokens; tools as a
real server (Python SDK) offers them after sync. The gateway that serves them comes next."""

from mcp_servers import free_port, python_server


def tools_of(portal: dict, server: str) -> dict:
    member = next(m for m in portal["servers"] if m["name"] == server)
    return {t["name"]: t for t in member["tools"]}


def test_portal_records_members_tools_and_tokens(cli):
    port = free_port()
    with python_server("base", port) as url:
        cli.json("server", "create", "--name", "Notes App", "--url", url)
        cli.json("server", "sync", "Notes App")

    created = cli.json("portal", "create", "--name", "Work", "--description", "daily tools")
    assert created["slug"] == "work" and created["secure"]
    assert created["url"].startswith("http://127.0.0.1:") and created["url"].endswith("/mcp/work")
    token = created["token"]
    assert token.startswith("pbp_") and created["token_redacted"] == "…" + token[-4:]
    assert "token" not in cli.json("portal", "get", "work")
    code, err = cli.error("portal", "create", "--name", "work")
    assert (code, err["code"]) == (4, "conflict")

    portal = cli.json("portal", "add-server", "Work", "Notes App")
    tools = tools_of(portal, "Notes App")
    assert tools["add"]["exposed_name"] == "notes-app__add" and tools["add"]["served"]
    code, _ = cli.error("portal", "add-server", "Work", "Notes App")
    assert code == 4

    cli.json("tool", "deny", "Notes App", "wipe_notes")
    portal = cli.json("portal", "tool", "disable", "Work", "Notes App", "read_note")
    tools = tools_of(portal, "Notes App")
    assert not tools["wipe_notes"]["served"], "a denied tool is not served"
    assert not tools["read_note"]["enabled"] and not tools["read_note"]["served"]

    portal = cli.json("portal", "tool", "enable", "Work", "Notes App", "add", "--alias", "sum")
    assert tools_of(portal, "Notes App")["add"]["exposed_name"] == "sum"
    code, err = cli.error("portal", "tool", "enable", "Work", "Notes App", "read_note", "--alias", "sum")
    assert (code, err["code"]) == (4, "conflict"), "two tools cannot share a name"
    code, err = cli.error("portal", "tool", "enable", "Work", "Notes App", "add", "--alias", "bad name!")
    assert (code, err["field"]) == (5, "alias")

    rotated = cli.json("portal", "token", "rotate", "Work")["token"]
    assert rotated.startswith("pbp_") and rotated != token
    assert cli.json("portal", "get", "Work")["token_redacted"] == "…" + rotated[-4:]

    open_portal = cli.json("portal", "create", "--name", "Open", "--insecure")
    assert not open_portal["secure"] and "token" not in open_portal and open_portal["token_redacted"] is None
    assert [p["name"] for p in cli.json("portal", "list")["portals"]] == ["Open", "Work"]

    cli.json("portal", "delete", "Work")
    code, _ = cli.error("portal", "get", "Work")
    assert code == 3
    assert cli.json("server", "get", "Notes App")["name"] == "Notes App", "its servers stay"


def test_a_portal_flags_tools_changed_since_approval(cli):
    port = free_port()
    with python_server("base", port) as url:
        cli.json("server", "create", "--name", "notes", "--url", url)
        cli.json("server", "sync", "notes")
    cli.json("portal", "create", "--name", "p")
    cli.json("portal", "add-server", "p", "notes", "--default-disabled")
    member = cli.json("portal", "get", "p")["servers"][0]
    assert member["default_disabled"] and not any(t["enabled"] for t in member["tools"])
    with python_server("changed", port):
        cli.json("server", "sync", "notes")
    member = cli.json("portal", "get", "p")["servers"][0]
    assert member["updated_tools"] == ["read_note"]


def test_a_member_prefix_can_be_changed_or_dropped_unless_names_collide(cli):
    """A one-server portal with no prefix looks like the server: its own tool and prompt names,
    and calls work under them; two members without prefixes that share a name are refused."""
    import asyncio
    from contextlib import AsyncExitStack

    from mcp_servers import python_server
    from portal_client import bearer, open_session

    with python_server("base") as first, python_server("base") as second:
        for name, url in (("notes", first), ("more-notes", second)):
            cli.json("server", "create", "--name", name, "--url", url, "--sync")
        portal = cli.json("portal", "create", "--name", "Solo")
        added = cli.json("portal", "add-server", "Solo", "notes", "--prefix", "")
        member = added["servers"][0]
        assert (member["prefix"], member["custom_prefix"]) == ("", True)
        assert {t["exposed_name"] for t in member["tools"]} == {"add", "read_note", "wipe_notes"}

        code, err = cli.error("portal", "add-server", "Solo", "more-notes", "--prefix", "")
        assert err["code"] == "conflict" and "prefix" in err["message"], err
        assert [m["name"] for m in cli.json("portal", "get", "Solo")["servers"]] == ["notes"], "refused whole"

        renamed = cli.json("portal", "member", "update", "Solo", "notes", "--prefix", "n.")
        assert {t["exposed_name"] for t in renamed["servers"][0]["tools"]} == {"n.add", "n.read_note", "n.wipe_notes"}
        back = cli.json("portal", "member", "update", "Solo", "notes", "--default-prefix")
        assert back["servers"][0]["prefix"] == "notes__" and not back["servers"][0]["custom_prefix"]
        code, err = cli.error("portal", "member", "update", "Solo", "notes", "--prefix", "bad prefix!")
        assert err["code"] == "validation"

        cli.json("portal", "member", "update", "Solo", "notes", "--prefix", "")
        address = cli.json("gateway", "start")["address"]

        async def through():
            async with AsyncExitStack() as stack:
                session = await open_session(stack, f"{address}/mcp/solo", bearer(portal["token"]))
                await session.initialize()
                tools = sorted(t.name for t in (await session.list_tools()).tools)
                prompts = sorted(p.name for p in (await session.list_prompts()).prompts)
                added = await session.call_tool("add", {"a": 2, "b": 3})
                return tools, prompts, added.content[0].text

        tools, prompts, added = asyncio.run(through())
        assert tools == ["add", "read_note", "wipe_notes"] and prompts == ["summarize"] and added == "5"
