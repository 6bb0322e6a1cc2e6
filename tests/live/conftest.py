"""Fixtures of the real-server tests: the `patchbay` CLI on a data dir and keyring service of
each test's own."""

import json
import os
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

import pytest
from background_gateway import stop_gateway
from builds import CLI


class Cli:
    binary = CLI

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="patchbay-live-"))
        self.env = dict(
            os.environ,
            PATCHBAY_DATA_DIR=str(self.dir),
            PATCHBAY_KEYRING_SERVICE=f"patchbay-live-{uuid.uuid4().hex}",
            # A gateway a test's entries start listens on any free port (never the user's).
            PATCHBAY_GATEWAY_PORT="0",
        )

    def run(self, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
        return subprocess.run([CLI, *args], input=stdin, env=self.env, capture_output=True, text=True, timeout=120)

    def json(self, *args: str, stdin: str = ""):
        """Runs with --json and returns the parsed output; fails the test on a non-zero exit."""
        done = self.run(*args, "--json", stdin=stdin)
        assert done.returncode == 0, f"patchbay {' '.join(args)} exited {done.returncode}: {done.stderr}"
        return json.loads(done.stdout)

    def error(self, *args: str) -> tuple[int, dict]:
        """Runs a command that must fail; returns its exit code and its error object."""
        done = self.run(*args, "--json")
        assert done.returncode != 0, f"patchbay {' '.join(args)} succeeded: {done.stdout}"
        return done.returncode, json.loads(done.stderr)["error"]


@pytest.fixture
def cli():
    c = Cli()
    yield c
    stop_gateway(CLI, c.dir, c.env)
    shutil.rmtree(c.dir, ignore_errors=True)


# Variables that move a client's config out of HOME: unset, so that the clients a test finds are
# the ones it puts in its home.
HOME_OVERRIDES = ("CODEX_HOME", "CLAUDE_CONFIG_DIR", "GEMINI_CLI_HOME")


@pytest.fixture
def home(cli):
    """A home of the test's own, inside its data dir (removed with it): the AI clients the CLI
    finds and writes are there, never the machine's."""
    h = cli.dir / "home"
    h.mkdir()
    cli.env.update(HOME=str(h), XDG_CONFIG_HOME=str(h / ".config"))
    for name in HOME_OVERRIDES:
        cli.env.pop(name, None)
    return h
