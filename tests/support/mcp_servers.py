"""Starting and stopping the real MCP servers the tests talk to, on 127.0.0.1 only. Each runs
in a process group of its own and is stopped by its pid, whatever the test's outcome."""

import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

SERVERS = Path(os.environ["PATCHBAY_TEST_SERVERS"])
PYTHON = os.environ["PATCHBAY_TEST_PYTHON"]
EVERYTHING = SERVERS / "node_modules/@modelcontextprotocol/server-everything/dist/index.js"


def published(name: str) -> Path:
    """The entry script of an npm server published under @modelcontextprotocol/ (tests/servers)."""
    return SERVERS / f"node_modules/@modelcontextprotocol/{name}/dist/index.js"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode} before listening on {port}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)  # polling a port that is not yet open; bounded by the deadline
    raise TimeoutError(f"{what} did not listen on {port} within {timeout}s")


def stop_group(process: subprocess.Popen) -> None:
    """Stops a process started with start_new_session and everything it started."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=10)
            os.killpg(process.pid, 0)  # raises once the whole group is gone
        except (subprocess.TimeoutExpired, PermissionError):
            continue
        except ProcessLookupError:
            return


@contextmanager
def running(command: list[str], port: int, what: str, env: dict | None = None):
    process = subprocess.Popen(
        command,
        env={**os.environ, **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        wait_for_port(port, process, what)
        yield process
    finally:
        stop_group(process)


@contextmanager
def everything(mode: str, port: int | None = None):
    """npm server-everything: mode `streamableHttp` (URL .../mcp) or `sse` (URL .../sse)."""
    port = port or free_port()
    path = "/mcp" if mode == "streamableHttp" else "/sse"
    with running(["node", str(EVERYTHING), mode], port, f"server-everything {mode}", {"PORT": str(port)}):
        yield f"http://127.0.0.1:{port}{path}"


@contextmanager
def python_server(variant: str = "base", port: int | None = None, transport: str = "streamable-http"):
    """The Python SDK server of tests/servers/python_server.py."""
    port = port or free_port()
    command = [PYTHON, str(SERVERS / "python_server.py"), str(port), "--variant", variant, "--transport", transport]
    with running(command, port, f"python MCP server ({variant})"):
        yield f"http://127.0.0.1:{port}/{'sse' if transport == 'sse' else 'mcp'}"


@contextmanager
def misbehaving(kind: str):
    """tests/servers/misbehaving.py: `html`, `silent`, `unauthorized` or `huge`."""
    port = free_port()
    with running([sys.executable, str(SERVERS / "misbehaving.py"), kind, str(port)], port, f"{kind} server"):
        yield f"http://127.0.0.1:{port}/mcp"


@contextmanager
def oauth_server(*flags: str):
    """tests/servers/oauth_server.py: an MCP server that is its own authorization server and
    approves every authorization at once. Yields (MCP URL, base URL)."""
    port = free_port()
    command = [PYTHON, str(SERVERS / "oauth_server.py"), str(port), *flags]
    with running(command, port, "python OAuth MCP server"):
        yield f"http://127.0.0.1:{port}/mcp", f"http://127.0.0.1:{port}"
