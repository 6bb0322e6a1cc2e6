"""Tool approval against a server on the official Python SDK: a server update that changes a
tool's description and adds a tool puts both in needs_approval with a diff; a denied tool stays
denied (SPEC §1)."""

from mcp_servers import free_port, python_server


def by_name(tools):
    return {t["name"]: t for t in tools}


def test_changed_and_new_tools_wait_for_approval_and_denied_stays_denied(cli):
    port = free_port()
    with python_server("base", port) as url:
        cli.json("server", "create", "--name", "notes", "--url", url)
        first = cli.json("server", "sync", "notes")
        assert first["needs_approval"] == 0
        tools = by_name(cli.json("tool", "list", "notes")["tools"])
        assert set(tools) == {"add", "read_note", "wipe_notes"}
        assert all(t["approval_state"] == "approved" and not t["changed"] for t in tools.values())
        denied = by_name(cli.json("tool", "deny", "notes", "wipe_notes")["tools"])
        assert denied["wipe_notes"]["approval_state"] == "denied"

    # The same port, a new version of the server.
    with python_server("changed", port):
        second = cli.json("server", "sync", "notes")
        assert second["tools_added"] == ["export_notes"]
        assert second["tools_changed"] == ["read_note"]
        assert second["needs_approval"] == 2

    tools = by_name(cli.json("tool", "list", "notes")["tools"])
    assert tools["read_note"]["approval_state"] == "needs_approval" and tools["read_note"]["changed"]
    assert tools["export_notes"]["approval_state"] == "needs_approval" and tools["export_notes"]["is_new"]
    assert tools["add"]["approval_state"] == "approved"
    assert tools["wipe_notes"]["approval_state"] == "denied"

    diff = cli.json("tool", "diff", "notes", "read_note")
    assert [c["field"] for c in diff["changes"]] == ["description"]
    assert diff["changes"][0]["approved"] == "Reads a note."
    assert "~/.ssh" in diff["changes"][0]["current"]

    workspaces = cli.json("workspace", "list")["workspaces"]
    assert workspaces[0]["tools_waiting"] == 2

    approved = by_name(cli.json("tool", "approve", "notes", "--all")["tools"])
    assert approved["read_note"]["approval_state"] == "approved" and not approved["read_note"]["changed"]
    assert approved["export_notes"]["approval_state"] == "approved"
    assert approved["wipe_notes"]["approval_state"] == "denied", "approve --all leaves denials alone"
    assert cli.json("tool", "diff", "notes", "read_note")["changes"] == []


def test_a_denied_tool_is_not_called(cli):
    with python_server("base") as url:
        cli.json("server", "create", "--name", "notes", "--url", url)
        cli.json("server", "sync", "notes")
        assert cli.json("tool", "call", "notes", "add", "--args", '{"a": 2, "b": 40}')["content"][0]["text"] == "42"
        cli.json("tool", "deny", "notes", "add")
        code, err = cli.error("tool", "call", "notes", "add", "--args", '{"a": 1, "b": 1}')
        assert code == 4 and err["code"] == "conflict"


def test_without_first_sync_approval_every_tool_waits(cli):
    cli.json("workspace", "set", "default", "--auto-approve-first-sync", "false")
    with python_server("base") as url:
        cli.json("server", "create", "--name", "notes", "--url", url)
        assert cli.json("server", "sync", "notes")["needs_approval"] == 3
    tools = cli.json("tool", "list", "notes")["tools"]
    assert {t["approval_state"] for t in tools} == {"needs_approval"}
