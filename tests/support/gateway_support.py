"""Running `patchbay serve` for a test, asking it how many sessions it holds, and the usual
set-up: a server synced into portal Work and served by the user's gateway."""

import json
import subprocess
import urllib.request
from contextlib import contextmanager

from mcp_servers import stop_group

# server-everything's tool that reports progress for as long as it is told to run.
LONG = "trigger-long-running-operation"


@contextmanager
def gateway(cli, fd_limit: int | None = None):
    """Yields (address, process) of a `patchbay serve --port 0` stopped by its pid afterwards;
    with `fd_limit`, allowed only so many open files (a handful of sockets exhausts them)."""
    command = [cli.binary, "serve", "--port", "0"]
    if fd_limit is not None:
        command = ["sh", "-c", f"ulimit -n {fd_limit} && exec '{cli.binary}' serve --port 0"]
    process = subprocess.Popen(
        command,
        env=cli.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        start_new_session=True,
    )
    try:
        first = process.stdout.readline().strip()
        assert first.startswith("listening on http://127.0.0.1:"), first
        yield first.removeprefix("listening on "), process
    finally:
        stop_group(process)


def status(address: str, token: str | None = None, control: str | None = None) -> dict:
    """The gateway's `/status`, which answers only with a token it accepts (a portal's) or the
    background gateway's control key."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if control:
        headers["X-Patchbay-Control"] = control
    request = urllib.request.Request(f"{address}/status", headers=headers)
    with urllib.request.urlopen(request, timeout=10) as r:
        return json.load(r)


def work_portal(
    cli, *servers: tuple[str, ...], deny: tuple[tuple[str, str], ...] = (), flags: tuple[str, ...] = ()
) -> dict:
    """The usual set-up: each server (name, url, and any `server create` flags) created and
    synced, the (server, tool) pairs of `deny` denied, and all of them members of a new portal
    Work (`flags` for `portal create`). The portal, with its token."""
    for name, url, *create in servers:
        cli.json("server", "create", "--name", name, "--url", url, *create)
    cli.json("server", "sync", "--all")
    for server, tool in deny:
        cli.json("tool", "deny", server, tool)
    portal = cli.json("portal", "create", "--name", "Work", *flags)
    for name, *_ in servers:
        cli.json("portal", "add-server", "Work", name)
    return portal


def served_in_work(cli, name: str, url: str) -> tuple[dict, str]:
    """The server at `url` synced as `name` in portal Work, served by the user's gateway: the
    portal and the gateway's address."""
    return work_portal(cli, (name, url)), cli.json("gateway", "start")["address"]


def everything_portal(cli, url: str) -> tuple[dict, str]:
    """server-everything synced as `every` in portal Work, served by the user's gateway."""
    return served_in_work(cli, "every", url)
