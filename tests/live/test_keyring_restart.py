"""The Secret Service may stop and come back while Patchbay runs (gnome-keyring has aborted
on bursts of new clients; D-Bus starts it again on the next call): a call it left unanswered,
and a long-running gateway's connection to the one that stopped, carry on with the new one.

Each test has a private session bus and keyring of its own (tests/support/with-keyring.sh),
since stopping the daemon would disturb the tests beside it; that keyring's daemon comes back
unlocked, as a logged-in user's does."""

import json
import os
import queue
import signal
import subprocess
import threading
from contextlib import contextmanager
from pathlib import Path

import httpx2
import pytest
from gateway_support import gateway
from mcp_servers import stop_group
from portal_client import INITIALIZE
from waiting import until, wait_until

WITH_KEYRING = Path(__file__).resolve().parents[1] / "support" / "with-keyring.sh"


@contextmanager
def private_keyring():
    """The address of a session bus of its own with an unlocked gnome-keyring, stopped after."""
    env = {k: v for k, v in os.environ.items() if k != "PATCHBAY_IN_TEST_KEYRING"}
    holder = subprocess.Popen(
        [WITH_KEYRING, "sh", "-c", 'echo "$DBUS_SESSION_BUS_ADDRESS"; exec cat >/dev/null'],
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        start_new_session=True,
    )
    try:
        address = holder.stdout.readline().strip()
        assert address.startswith("unix:"), f"with-keyring printed {address!r}"
        yield address
    finally:
        holder.stdin.close()  # ends `cat`, then the session and its daemon
        try:
            holder.wait(timeout=60)
        except subprocess.TimeoutExpired:
            stop_group(holder)


@pytest.fixture
def bus(cli):
    """The private bus, which every command of `cli` then uses."""
    with private_keyring() as address:
        cli.env["DBUS_SESSION_BUS_ADDRESS"] = address
        yield address


def daemon_pid(bus: str) -> int:
    """The pid of the process that owns org.freedesktop.secrets on `bus` now."""
    asked = subprocess.run(
        [
            "dbus-send",
            "--session",
            "--print-reply=literal",
            "--dest=org.freedesktop.DBus",
            "/org/freedesktop/DBus",
            "org.freedesktop.DBus.GetConnectionUnixProcessID",
            "string:org.freedesktop.secrets",
        ],
        env={**os.environ, "DBUS_SESSION_BUS_ADDRESS": bus},
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    return int(asked.stdout.split()[-1])


@contextmanager
def calls_to_the_secret_service(bus: str):
    """A queue of the method calls sent to org.freedesktop.secrets on `bus`, as dbus-monitor
    prints them; it is listening when this yields."""
    monitor = subprocess.Popen(
        ["dbus-monitor", "--session", "type='method_call',destination='org.freedesktop.secrets'"],
        env={**os.environ, "DBUS_SESSION_BUS_ADDRESS": bus},
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        start_new_session=True,
    )
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in monitor.stdout], daemon=True).start()
    try:
        # A monitor is told first that it lost the name it had: it is monitoring from then on.
        wait_until(lambda: "NameLost" in lines.get(timeout=60), "dbus-monitor to start")
        yield lines
    finally:
        stop_group(monitor)


def test_a_call_the_secret_service_left_unanswered_is_made_again(cli, bus):
    cli.json("portal", "create", "--name", "Work")
    headers = cli.json("portal", "headers", "Work")
    assert headers["Authorization"].startswith("Bearer pbp_")

    stopped = daemon_pid(bus)
    with calls_to_the_secret_service(bus) as calls:
        os.kill(stopped, signal.SIGSTOP)
        try:
            reading = subprocess.Popen(
                [cli.binary, "portal", "headers", "Work", "--json"],
                env=cli.env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            # The call is on its way to the stopped daemon, which then dies without answering.
            wait_until(lambda: "method call" in calls.get(timeout=60), "the CLI's call to the keyring")
        finally:
            os.kill(stopped, signal.SIGKILL)
        out, err = reading.communicate(timeout=120)

    assert reading.returncode == 0, err
    assert json.loads(out) == headers, "the same token, from the keyring files"
    assert daemon_pid(bus) != stopped, "a new daemon answered"


def initialize(address: str, token: str) -> int:
    """The status a portal's gateway answers an `initialize` sent with `token`."""
    answer = httpx2.post(
        f"{address}/mcp/work",
        headers={"Authorization": f"Bearer {token}", "Accept": "application/json, text/event-stream"},
        json=INITIALIZE,
        timeout=60,
    )
    return answer.status_code


def test_a_gateway_reads_a_rotated_token_from_a_restarted_keyring(cli, bus):
    old = cli.json("portal", "create", "--name", "Work")["token"]
    with gateway(cli) as (address, _):
        assert initialize(address, old) == 200, "the gateway has read the token through its keyring connection"

        stopped = daemon_pid(bus)
        os.kill(stopped, signal.SIGKILL)
        # The CLI's own call starts the keyring again; the gateway still holds its connection
        # to the daemon that stopped.
        new = cli.json("portal", "token", "rotate", "Work")["token"]
        assert daemon_pid(bus) != stopped

        # Until the gateway sees the rotation it answers from what it kept; the first answer
        # after it has read the new token from the keyring: the old token refused, not an error.
        seen = until(lambda: initialize(address, old), lambda status: status != 200)
        assert seen == 401, f"with the old token after the rotation the gateway answered {seen}"
        assert initialize(address, new) == 200
