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
