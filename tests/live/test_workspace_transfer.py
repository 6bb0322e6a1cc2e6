"""A workspace exported to JSON without secrets and imported elsewhere: servers, portals and
their tool choices come back; secrets given on stdin go to the keyring; servers whose secrets
were not given are marked needs_auth, saying which."""

import json
from pathlib import Path

from mcp_servers import python_server


def test_export_then_import_moves_a_setup_without_its_secrets(cli):
    with python_server("base") as upstream:
        cli.json("server", "create", "--name", "notes", "--url", upstream)
        cli.json("server", "sync", "notes")
        done = cli.run(
            "server",
            "create",
            "--name",
            "api",
            "--url",
            "https://api.example.com/mcp",
            "--auth",
            "api_key",
            "--api-key-stdin",
            stdin="K-secret-1",
        )
        assert done.returncode == 0, done.stderr
        cli.json(
            "server",
            "create",
            "--name",
            "local",
            "--command",
            "my-mcp",
            "--env",
            "DEBUG=1",
            "--secret-env",
            "TOKEN=tok-secret-2",
        )
        cli.json("portal", "create", "--name", "Work")
        cli.json("portal", "add-server", "Work", "notes")
        cli.json("portal", "tool", "disable", "Work", "notes", "wipe_notes")
        cli.json("portal", "tool", "enable", "Work", "notes", "read_note", "--alias", "read")
        cli.json("portal", "prompt", "enable", "Work", "notes", "summarize", "--alias", "summary")
        cli.json("portal", "member", "update", "Work", "notes", "--timeout", "42")

        exported = cli.run("workspace", "export", "Default")
        assert exported.returncode == 0, exported.stderr
        text = exported.stdout
        assert "K-secret-1" not in text and "tok-secret-2" not in text, "no secret leaves in an export"
        doc = json.loads(text)
        local = next(s for s in doc["servers"] if s["name"] == "local")
        assert local["secret_env"] == ["TOKEN"] and local["env"] == {"DEBUG": "1"}
        path = Path(cli.dir) / "export.json"
        path.write_text(text)

        secrets = json.dumps({"local": {"env": {"TOKEN": "tok-secret-2"}}})
        # The export runs a command here: nothing is imported until the user accepts that.
        _, err = cli.error("workspace", "import", str(path), "--name", "Moved")
        assert (err["code"], err["field"]) == ("validation", "accept_risks"), err
        assert (
            "server 'local' runs this command on this machine: my-mcp" in err["message"]
            and "--accept-risks" in err["message"]
        ), err
        assert "Moved" not in [w["name"] for w in cli.json("workspace", "list")["workspaces"]]
        report = cli.json(
            "workspace", "import", str(path), "--name", "Moved", "--secrets-stdin", "--accept-risks", stdin=secrets
        )
        assert [(r["kind"], r["subject"]) for r in report["risks"]] == [("runs_command", "local")]
        assert sorted(report["servers"]) == ["api", "local", "notes"]
        assert report["missing_secrets"] == [{"server": "api", "missing": ["api_key"]}]
        assert list(report["portal_tokens"]) == ["Work"]

        api = cli.json("server", "get", "api", "--workspace", "Moved")
        assert api["status"] == "needs_auth" and "api_key" in api["error_message"]
        local = cli.json("server", "get", "local", "--workspace", "Moved")
        assert local["secret_env"].keys() == {"TOKEN"} and local["status"] == "pending"

        # The portal's tool choices apply once the server's tools are known; the first sync of
        # an imported server approves nothing (its tools were reviewed elsewhere, if at all).
        cli.json("server", "sync", "notes", "--workspace", "Moved")
        states = {
            t["name"]: t["approval_state"] for t in cli.json("tool", "list", "notes", "--workspace", "Moved")["tools"]
        }
        assert states and set(states.values()) == {"needs_approval"}, states
        portal = cli.json("portal", "get", "Work", "--workspace", "Moved")
        tools = {t["name"]: t for t in portal["servers"][0]["tools"]}
        assert tools["wipe_notes"]["enabled"] is False
        assert tools["read_note"]["exposed_name"] == "read"
        assert portal["servers"][0]["prompts"][0]["exposed_name"] == "summary"
        assert portal["servers"][0]["timeout_secs"] == 42

    # A second import under a taken name is refused.
    code, err = cli.error("workspace", "import", str(path), "--name", "Moved", "--accept-risks")
    assert err["code"] == "conflict"
    # One that fails halfway (a portal member missing from the file) leaves nothing behind.
    doc["portals"][0]["servers"].append({"server": "nowhere", "default_disabled": False, "tools": []})
    path.write_text(json.dumps(doc))
    code, err = cli.error("workspace", "import", str(path), "--name", "Broken", "--accept-risks")
    assert err["code"] == "not_found" and "nowhere" in err["message"], err
    names = [w["name"] for w in cli.json("workspace", "list")["workspaces"]]
    assert sorted(names) == ["Moved", "default"]


def test_a_crafted_export_cannot_store_names_no_client_could_use(cli):
    """Aliases in an export are checked as `portal tool enable --alias` checks them: one with a
    newline, or two tools of a portal under one name, refuse the whole import (nothing is
    created)."""
    cli.json("server", "create", "--name", "notes", "--url", "http://127.0.0.1:9/mcp")
    cli.json("portal", "create", "--name", "Work")
    cli.json("portal", "add-server", "Work", "notes")
    doc = json.loads(cli.run("workspace", "export", "Default").stdout)
    [member] = doc["portals"][0]["servers"]
    path = Path(cli.dir) / "crafted.json"
    for n, (tools, code) in enumerate(
        [
            ([{"tool": "read_note", "enabled": True, "alias": "read\nnote"}], "validation"),
            (
                [
                    {"tool": "read_note", "enabled": True, "alias": "x"},
                    {"tool": "write_note", "enabled": True, "alias": "x"},
                ],
                "conflict",
            ),
        ]
    ):
        member["tools"] = tools
        path.write_text(json.dumps(doc))
        _, err = cli.error("workspace", "import", str(path), "--name", f"Crafted{n}")
        assert (err["code"], err.get("field")) == (code, "alias"), err
        names = [w["name"] for w in cli.json("workspace", "list")["workspaces"]]
        assert f"Crafted{n}" not in names, "nothing was created"


def test_an_export_that_opens_portals_or_logs_payloads_asks_first(cli):
    """A portal without a token, payload logging and an inherited environment are listed and
    refused unless accepted; the report says what was accepted."""
    cli.json("server", "create", "--name", "notes", "--url", "http://127.0.0.1:9/mcp")
    cli.json("portal", "create", "--name", "Work")
    doc = json.loads(cli.run("workspace", "export", "Default").stdout)
    path = Path(cli.dir) / "risky.json"
    path.write_text(json.dumps(doc))
    quiet = cli.json("workspace", "import", str(path), "--name", "Plain")
    assert quiet["risks"] == [], "a secure, quiet, HTTP-only export imports without asking"

    doc["portals"][0].update(secure=False, log_payloads=True)
    doc["servers"].append(
        {
            **doc["servers"][0],
            "name": "shell",
            "transport": "stdio",
            "url": None,
            "command": "sh",
            "args": ["-c", "echo hi\r"],
            "inherit_env": True,
        }
    )
    path.write_text(json.dumps(doc))
    _, err = cli.error("workspace", "import", str(path), "--name", "Risky")
    assert err["field"] == "accept_risks", err
    for said in (
        "portal 'Work' has no token",
        "portal 'Work' keeps the arguments and results",
        "server 'shell' gets every environment variable",
        "runs this command on this machine: sh -c echo hi\\u{d}",
    ):
        assert said in err["message"], (said, err["message"])
    assert "Risky" not in [w["name"] for w in cli.json("workspace", "list")["workspaces"]]

    report = cli.json("workspace", "import", str(path), "--name", "Risky", "--accept-risks")
    assert [r["kind"] for r in report["risks"]] == [
        "runs_command",
        "inherits_environment",
        "open_portal",
        "logs_payloads",
    ]
    portal = cli.json("portal", "get", "Work", "--workspace", "Risky")
    assert portal["secure"] is False and portal["log_payloads"] is True
    assert cli.json("server", "get", "shell", "--workspace", "Risky")["inherit_env"] is True
