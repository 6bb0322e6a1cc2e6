"""Running `patchbay serve` for a test, and asking it how many sessions it holds."""

import json
import subprocess
import urllib.request
from contextlib import contextmanager

from mcp_servers import stop_group


@contextmanager
def gateway(cli):
    """Yields (address, process) of a `patchbay serve --port 0` stopped by its pid afterwards."""
    process = subprocess.Popen(
        [cli.binary, "serve", "--port", "0"], env=cli.env, stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL, text=True, start_new_session=True,
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
