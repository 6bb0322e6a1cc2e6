"""Stdio servers: secret environment values reach the process from the keyring, and the
whole process group is gone when the command ends."""

import json
import os
import subprocess
import time
import uuid

from mcp_servers import EVERYTHING
from waiting import until


def processes_matching(text: str) -> list[str]:
    done = subprocess.run(["pgrep", "-f", text], capture_output=True, text=True)
    return [p for p in done.stdout.split() if int(p) != os.getpid()]


def test_a_secret_env_value_reaches_the_server_from_the_keyring(cli):
    secret = f"s3cret-{uuid.uuid4().hex}"
    cli.json(
        "server",
        "create",
        "--name",
        "local",
        "--command",
        "node",
        "--arg",
        str(EVERYTHING),
        "--env",
        "PLAIN_VAR=visible",
        "--secret-env",
        f"API_TOKEN={secret}",
    )
    assert secret not in cli.run("server", "get", "local", "--json").stdout
    cli.json("server", "sync", "local")
    env = cli.json("tool", "call", "local", "get-env")["content"][0]["text"]
    assert secret in env and "visible" in env


def test_the_process_group_is_killed_when_the_command_ends(cli):
    # The server starts a grandchild, as launchers like npx do; a unique sleep marks it.
    marker = f"{time.time_ns() % 10**9}.{os.getpid()}"
    script = f"sleep {marker} & exec node {EVERYTHING}"
    report = cli.json("server", "test", "--command", "sh", "--arg", "-c", "--arg", script)
    assert report["counts"]["tools"] > 0
    assert until(lambda: processes_matching(f"sleep {marker}"), lambda left: not left, timeout=5) == []


def test_a_secret_env_value_comes_from_stdin_never_the_command_line(cli):
    """`--secret-env-stdin NAME` reads the value from standard input (so no command line holds
    it) into the keyring, and the stdio server gets it in its environment."""
    value = "s3cret-from-stdin-" + "x" * 8
    created = cli.json(
        "server",
        "create",
        "--name",
        "envy",
        "--command",
        "node",
        "--arg",
        str(EVERYTHING),
        "--arg",
        "stdio",
        "--secret-env-stdin",
        "SERVICE_TOKEN",
        "--sync",
        stdin=value + "\n",
    )
    assert created["server"]["status"] == "active", created
    server = cli.json("server", "get", "envy")
    assert "SERVICE_TOKEN" in server["secret_env"] and value not in json.dumps(server)
    # server-everything's get-env shows the environment it was started with.
    shown = cli.json("tool", "call", "envy", "get-env", "--args", "{}")
    assert value in json.dumps(shown), "the server got the value from the keyring"
    # The flag reads one value; it cannot share stdin with the API key.
    both = cli.run("server", "test", "--command", "node", "--secret-env-stdin", "A", "--api-key-stdin")
    assert both.returncode != 0 and "cannot be used with" in both.stderr, both.stderr


def test_a_stdio_server_gets_an_allow_listed_environment_unless_it_inherits(cli):
    """A token exported in the shell that started Patchbay does not reach a stdio server; PATH,
    HOME and the server's own variables do. `--inherit-env true` hands over everything."""
    leaked = f"ghp_{uuid.uuid4().hex}"
    cli.env["GITHUB_TOKEN"] = leaked
    cli.env["LC_MESSAGES"] = "C"

    def server_env() -> dict:
        # server-everything's get-env answers with the environment it was started with.
        return json.loads(cli.json("tool", "call", "shell", "get-env")["content"][0]["text"])

    created = cli.json(
        "server",
        "create",
        "--name",
        "shell",
        "--command",
        "node",
        "--arg",
        str(EVERYTHING),
        "--env",
        "OWN_SETTING=mine",
        "--sync",
    )
    assert created["server"]["inherit_env"] is False
    env = server_env()
    assert "GITHUB_TOKEN" not in env and leaked not in json.dumps(env)
    assert env["OWN_SETTING"] == "mine"
    assert env["PATH"] == cli.env["PATH"] and env["HOME"] == cli.env["HOME"] and env["LC_MESSAGES"] == "C"
    assert not any(name.startswith("PATCHBAY_") for name in env), sorted(env)

    assert cli.json("server", "update", "shell", "--inherit-env", "true")["inherit_env"] is True
    env = server_env()
    assert env["GITHUB_TOKEN"] == leaked and env["OWN_SETTING"] == "mine"

    # Only a command has an environment to inherit.
    _, error = cli.error(
        "server", "create", "--name", "web", "--url", "http://127.0.0.1:9/mcp", "--inherit-env", "true"
    )
    assert error["code"] == "validation" and "stdio servers only" in error["message"], error
