"""Playing the browser in an OAuth authorization the CLI runs: start `server authorize
--no-browser`, follow the URL it prints to the loopback callback, and ask the test authorization
server (tests/servers/oauth_server.py) what it saw."""

import json
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request

CLI_TIMEOUT = 60


def stats(base: str) -> dict:
    with urllib.request.urlopen(f"{base}/test/stats", timeout=10) as r:
        return json.load(r)


def start_authorize(cli, server: str, *flags: str) -> tuple[subprocess.Popen, str]:
    """Starts `server authorize --no-browser`; returns the process and the URL it printed."""
    process = subprocess.Popen(
        [cli.binary, "server", "authorize", server, "--no-browser", "--json", "--timeout", "30", *flags],
        env=cli.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        if not line:
            break
        if line.startswith("http"):
            return process, line.strip()
    process.kill()
    raise AssertionError(f"authorize printed no URL: {process.communicate(timeout=10)}")


def browse(url: str) -> tuple[int, str]:
    """What a browser does with the URL: follow redirects, read the final page."""
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def authorize(cli, server: str, *flags: str) -> dict:
    process, url = start_authorize(cli, server, *flags)
    status, page = browse(url)
    out, err = process.communicate(timeout=CLI_TIMEOUT)
    assert process.returncode == 0, err
    assert status == 200 and "authorized" in page.lower()
    return json.loads(out)
