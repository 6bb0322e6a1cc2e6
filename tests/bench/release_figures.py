"""The README's release figures, measured on the packaged release build (the .deb `make package`
made, extracted): cold start to first paint, idle memory of the app and of WebKit's processes
with 0 and with 1,000 servers, the same after a portal served calls for a while, and the package
sizes. Prints a Markdown table; run by `make release-figures` (tests/bench/release_figures.sh).

First paint is the UI's own report: after its first frame the window tells the app, which logs
`first paint` with the wall-clock time; the start is taken just before the process is spawned.
"""

import argparse
import asyncio
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import AsyncExitStack
from pathlib import Path

from background_gateway import stop_gateway
from mcp_servers import everything
from portal_client import bearer, open_session
from processes import anonymous, descendants, memory, memory_parts
from waiting import wait_until

BUNDLES = Path(os.environ["PATCHBAY_BUNDLE_DIR"])
MIB = 1024 * 1024


def extracted() -> Path:
    deb = next(BUNDLES.glob("deb/*.deb"))
    where = Path(tempfile.mkdtemp(prefix="patchbay-figures-"))
    subprocess.run(["dpkg-deb", "-x", str(deb), str(where)], check=True)
    return where


class User:
    """An empty data dir, home and keyring service, and the packaged binaries."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.dir = Path(tempfile.mkdtemp(prefix="patchbay-figures-data-"))
        (self.dir / "home").mkdir()
        self.env = dict(
            os.environ,
            HOME=str(self.dir / "home"),
            XDG_CONFIG_HOME=str(self.dir / "home/.config"),
            PATCHBAY_DATA_DIR=str(self.dir),
            PATCHBAY_KEYRING_SERVICE=f"patchbay-figures-{uuid.uuid4().hex}",
            PATCHBAY_GATEWAY_PORT="0",
        )
        self.cli_path = str(root / "usr/bin/patchbay")

    def cli(self, *args: str, stdin: str = "") -> str:
        return subprocess.run(
            [self.cli_path, *args], input=stdin, env=self.env, capture_output=True, text=True, check=True
        ).stdout

    def close(self) -> None:
        stop_gateway(self.cli_path, self.dir, self.env)
        shutil.rmtree(self.dir, ignore_errors=True)


def first_paint_unix_ms(logs: Path) -> int | None:
    for log in logs.glob("patchbay.*.log"):
        match = re.search(r"first paint.*?unix_ms=(\d+)", log.read_text(errors="replace"))
        if match:
            return int(match.group(1))
    return None


class App:
    def __init__(self, user: User) -> None:
        self.user = user
        self.started_ms = time.time() * 1000
        self.process = subprocess.Popen(
            [str(user.root / "usr/bin/patchbay-app")],
            env=user.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        painted = wait_until(lambda: first_paint_unix_ms(user.dir / "logs"), "the window's first paint", timeout=120)
        self.first_paint_ms = painted - self.started_ms

    def memory(self) -> dict[str, float]:
        app_rss, _ = memory(self.process.pid)
        webkit = [memory(p) for p in descendants(self.process.pid) if "WebKit" in Path(f"/proc/{p}/comm").read_text()]
        return {
            "app_rss": app_rss / MIB,
            "webkit_rss": sum(r for r, _ in webkit) / MIB,
            "webkit_pss": sum(p for _, p in webkit) / MIB,
        }

    def parts(self) -> dict[str, float]:
        own = str(self.user.root / "usr/bin/patchbay-app")
        return {part: size / MIB for part, size in memory_parts(self.process.pid, own).items()}

    def idle_memory(self, settle: float) -> dict[str, float]:
        # Idle is measured: the window is left alone for `settle` s first.
        time.sleep(settle)
        return self.memory()

    def stop(self) -> None:
        os.killpg(self.process.pid, 9)
        self.process.wait(timeout=30)


def add_servers(user: User, count: int) -> None:
    for i in range(count):
        # Off, as in tests/e2e/test_memory.py: the gateway does not health-check 1,000 hosts
        # that do not exist while the window's memory is read.
        user.cli(
            "server", "create", "--name", f"server-{i:04}", "--url", f"http://127.0.0.1:9/mcp/{i}", "--enabled", "false"
        )


async def serve_calls(
    url: str, token: str, minutes: float, parallel: int, per_second: float, every_minutes: float, read
) -> tuple[list[tuple[float, int, dict]], list[str]]:
    """One client session sending `parallel` calls at a time through the portal, `per_second`
    such rounds a second at most (a steady load, not a stress test). Every `every_minutes` (and
    at the end) `read()` is taken: (minutes, calls so far, the reading). A failed call is
    counted and its message kept, not raised: an hour's figures are not lost to one call."""
    calls = 0
    failures: list[str] = []
    readings = []
    async with AsyncExitStack() as stack:
        session = await open_session(stack, url, bearer(token))
        await session.initialize()
        tools = [t.name for t in (await session.list_tools()).tools]
        echo = next(t for t in tools if t.endswith("echo"))
        started = time.monotonic()
        deadline = started + minutes * 60
        next_reading = started + every_minutes * 60
        while time.monotonic() < deadline:
            began = time.monotonic()
            results = await asyncio.gather(
                *(session.call_tool(echo, {"message": f"call {calls + k}"}) for k in range(parallel)),
                return_exceptions=True,
            )
            failures += [f"{time.strftime('%H:%M:%S')} {r}" for r in results if isinstance(r, BaseException)]
            calls += parallel
            if time.monotonic() >= next_reading:
                readings.append(((time.monotonic() - started) / 60, calls, read()))
                next_reading += every_minutes * 60
            await asyncio.sleep(max(0.0, 1 / per_second - (time.monotonic() - began)))
        if not readings or readings[-1][1] != calls:  # the last round may have just been read
            readings.append(((time.monotonic() - started) / 60, calls, read()))
    return readings, failures


def gateway_memory(user: User) -> dict[str, float]:
    pid = json.loads((user.dir / "gateway.json").read_text())["pid"]
    return {"gateway_rss": memory(pid)[0] / MIB, "gateway_anon": anonymous(pid) / MIB}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--launches", type=int, default=5)
    parser.add_argument("--settle", type=float, default=10, help="seconds left idle before memory is read")
    parser.add_argument("--soak-minutes", type=float, default=60)
    parser.add_argument("--rounds-per-second", type=float, default=10)
    parser.add_argument("--reading-minutes", type=float, default=10, help="minutes between readings of the soak")
    parser.add_argument(
        "--health-check-seconds",
        type=int,
        help="how often the gateway syncs the server while it serves (default: the setting's default)",
    )
    parser.add_argument("--output", default=str(BUNDLES.parent.parent / "release-figures.md"))
    args = parser.parse_args()
    root = extracted()
    rows: list[tuple[str, str]] = []
    try:
        # Start to first paint, each launch on a new data dir (the first one creates the store).
        paints = []
        for i in range(args.launches):
            user = User(root)
            app = App(user)
            paints.append(app.first_paint_ms)
            if i == 0:
                idle = app.idle_memory(args.settle)
                parts = app.parts()
            app.stop()
            user.close()
        rows.append(("First paint, first launch", f"{paints[0]:.0f} ms"))
        rows.append((f"First paint, median of {len(paints)} launches", f"{statistics.median(paints):.0f} ms"))
        rows.append(("Idle, 0 servers: app process (RSS)", f"{idle['app_rss']:.0f} MiB"))
        rows.append(
            (
                "Idle, 0 servers: app process (RSS) by part",
                " · ".join(f"{part} {size:.0f}" for part, size in sorted(parts.items(), key=lambda p: -p[1])) + " MiB",
            )
        )
        rows.append(
            (
                "Idle, 0 servers: WebKit processes (RSS / PSS)",
                f"{idle['webkit_rss']:.0f} / {idle['webkit_pss']:.0f} MiB",
            )
        )

        user = User(root)
        add_servers(user, 1000)
        app = App(user)
        full = app.idle_memory(args.settle)
        rows.append(("First paint with 1,000 servers", f"{app.first_paint_ms:.0f} ms"))
        rows.append(("Idle, 1,000 servers: app process (RSS)", f"{full['app_rss']:.0f} MiB"))
        rows.append(
            (
                "Idle, 1,000 servers: WebKit processes (RSS / PSS)",
                f"{full['webkit_rss']:.0f} / {full['webkit_pss']:.0f} MiB",
            )
        )
        app.stop()
        user.close()

        user = User(root)
        with everything("streamableHttp") as upstream:
            user.cli("server", "create", "--name", "everything", "--url", upstream)
            user.cli("server", "sync", "everything")
            user.cli("tool", "approve", "everything", "--all")
            portal = json.loads(user.cli("portal", "create", "--name", "soak", "--json"))
            user.cli("portal", "add-server", "soak", "everything")
            if args.health_check_seconds is not None:
                user.cli("settings", "--health-check-seconds", str(args.health_check_seconds))
            app = App(user)
            try:
                address = wait_until(
                    lambda: json.loads(user.cli("gateway", "status", "--json")).get("address"), "the gateway"
                )
                before = app.idle_memory(args.settle) | gateway_memory(user)
                readings, failures = asyncio.run(
                    serve_calls(
                        f"{address}/mcp/{portal['slug']}",
                        portal["token"],
                        args.soak_minutes,
                        8,
                        args.rounds_per_second,
                        args.reading_minutes,
                        lambda: app.memory() | gateway_memory(user),
                    )
                )
                after = app.idle_memory(args.settle) | gateway_memory(user)
            finally:
                app.stop()
                user.close()
        for failure in failures:
            print(f"figures: a call failed at {failure}", file=sys.stderr)
        calls = readings[-1][1]
        syncs = f", a sync every {args.health_check_seconds} s" if args.health_check_seconds is not None else ""
        soak = (
            f"after {args.soak_minutes:g} min serving ({calls:,} calls, {len(failures)} failed, "
            f"8 in parallel on one session{syncs})"
        )
        rows.append((f"App process (RSS), before → {soak}", f"{before['app_rss']:.0f} → {after['app_rss']:.0f} MiB"))
        rows.append(("WebKit processes (RSS), same", f"{before['webkit_rss']:.0f} → {after['webkit_rss']:.0f} MiB"))
        rows.append(("Gateway process (RSS), same", f"{before['gateway_rss']:.0f} → {after['gateway_rss']:.0f} MiB"))
        rows.append(
            ("Gateway process (anonymous), same", f"{before['gateway_anon']:.1f} → {after['gateway_anon']:.1f} MiB")
        )
        serving = " · ".join(
            f"{minute:.0f} min {r['app_rss']:.0f}/{r['webkit_rss']:.0f}/{r['gateway_rss']:.0f} ({r['gateway_anon']:.1f})"
            for minute, _, r in readings
        )
        rows.append(("While serving: app/WebKit/gateway RSS (gateway anonymous), MiB", serving))

        for package in sorted(BUNDLES.glob("*/*.deb")) + sorted(BUNDLES.glob("*/*.rpm")):
            rows.append((f"Package {package.name}", f"{package.stat().st_size / MIB:.1f} MiB"))
        installed = sum(f.stat().st_size for f in root.rglob("*") if f.is_file())
        rows.append(("Installed size (app, CLI, icons, desktop entry)", f"{installed / MIB:.1f} MiB"))
    finally:
        shutil.rmtree(root, ignore_errors=True)

    table = "| Figure | Release build |\n|---|---|\n" + "".join(f"| {n} | {v} |\n" for n, v in rows)
    # A file as well as stdout: processes of the desktop session may write to stdout too.
    Path(args.output).write_text(table)
    print(table, end="")


if __name__ == "__main__":
    main()
