"""What a local process can do to the gateway (`patchbay serve`) with raw sockets and plain
HTTP: silent connections, too many of them, a flood of sessions, a near-miss Origin, a probe
for portals or for the gateway's state. Each is answered without the gateway stopping to
serve its real client."""

import json
import socket
import time
import urllib.error
import urllib.request

from gateway_support import gateway, work_portal
from mcp_servers import python_server
from waiting import until

INIT = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "probe", "version": "1"}},
}


def post(url: str, headers: dict, body: dict = INIT) -> tuple[int, str, dict]:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Content-Type": "application/json", "Accept": "application/json, text/event-stream", **headers},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as r:
            return r.status, r.read().decode(), dict(r.headers)
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(), dict(e.headers)


def get(url: str, headers: dict) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=30) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def secure_portal(cli, upstream: str) -> dict:
    return work_portal(cli, ("notes", upstream))


def test_origin_bearer_status_and_unknown_portals(cli):
    with python_server("base") as upstream, gateway(cli) as (address, _):
        portal = secure_portal(cli, upstream)
        url, port = f"{address}/mcp/work", address.rsplit(":", 1)[1]
        token = portal["token"]
        # The scheme of the Authorization header is case-insensitive (RFC 7235).
        assert post(url, {"Authorization": f"bearer {token}"})[0] == 200
        # Only the gateway's own origin, port included.
        for near_miss in [
            "http://localhost",
            "http://127.0.0.1",
            f"https://127.0.0.1:{port}",
            f"http://127.0.0.1:{int(port) + 1}",
            "null",
        ]:
            assert post(url, {"Authorization": f"Bearer {token}", "Origin": near_miss})[0] == 403, near_miss
        assert post(url, {"Authorization": f"Bearer {token}", "Origin": f"http://localhost:{port}"})[0] == 200
        # /status tells nothing without a token this gateway accepts.
        for headers in [{}, {"Authorization": "Bearer pbp_wrong"}]:
            code, body = get(f"{address}/status", headers)
            assert code == 401 and "pid" not in body and "version" not in body, (code, body)
        code, body = get(f"{address}/status", {"Authorization": f"Bearer {token}"})
        assert code == 200 and json.loads(body)["pid"] > 0
        # An unknown slug answers exactly as a known portal does to a request without a token.
        known, unknown = post(url, {}), post(f"{address}/mcp/nope", {})
        assert (known[0], known[1]) == (unknown[0], unknown[1]) == (401, "this endpoint needs its bearer token")
        assert unknown[2].get("www-authenticate") == known[2].get("www-authenticate") == "Bearer"


def test_a_flood_of_sessions_is_capped_and_the_rest_answered_503(cli):
    with python_server("base") as upstream, gateway(cli) as (address, _):
        portal = secure_portal(cli, upstream)
        url, auth = f"{address}/mcp/work", {"Authorization": f"Bearer {portal['token']}"}
        codes = [post(url, auth)[0] for _ in range(300)]
        assert codes.count(200) == 256 and codes[256:] == [503] * 44, codes
        code, _, headers = post(url, auth)
        assert code == 503 and headers.get("retry-after") == "5"


def cpu_seconds(pid: int) -> float:
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / 100  # utime + stime, in clock ticks of 1/100 s


def test_silent_sockets_neither_spin_the_gateway_nor_keep_it_from_answering(cli):
    with python_server("base") as upstream, gateway(cli, fd_limit=64) as (address, process):
        pid = process.pid
        portal = secure_portal(cli, upstream)
        url, auth = f"{address}/mcp/work", {"Authorization": f"Bearer {portal['token']}"}
        assert post(url, auth)[0] == 200
        host, port = address.removeprefix("http://").split(":")
        silent = []
        try:
            # More silent connections than the gateway has descriptors: accept() fails.
            for _ in range(100):
                silent.append(socket.create_connection((host, int(port)), timeout=10))
            before, started = cpu_seconds(pid), time.monotonic()
            time.sleep(3)  # a window to measure CPU over, not a wait for a state
            used = cpu_seconds(pid) - before
            assert used < 0.5 * (time.monotonic() - started), f"the gateway spun: {used:.2f} s of CPU in 3 s"
            # The silent ones it did accept are closed after the header-read timeout (30 s).
            accepted_one = silent[0]
            accepted_one.settimeout(60)
            assert accepted_one.recv(1) == b"", "a silent connection is closed by the gateway"
        finally:
            for s in silent:
                s.close()
        code = until(lambda: post(url, auth)[0], lambda c: c == 200, timeout=60)
        assert code == 200, "the gateway answers again once the sockets are gone"
