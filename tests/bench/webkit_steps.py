"""How the window's WebKit web process grows when its page is drawn a new way, side by side with
OpenGL compositing (WebKit's default) and without it (WEBKIT_DISABLE_COMPOSITING_MODE=1), on
the packaged release build. After `make package`:
`tests/bench/on_package.sh tests/bench/webkit_steps.py`.

The release soak saw the web process grow in steps while the window sat idle. The steps come
when the servers table's relative times widen ("9 min ago" becomes "10 min ago", 9.5 minutes
after a server was last updated): the page is relaid out and drawn a new way. Here the server's
times are set 9 minutes back before the app starts, so that step comes within the first minute.
"""

import argparse
import datetime
import shutil
import sqlite3
import time

import release_figures as figures
from mcp_servers import everything
from processes import anonymous, descendants, memory

MIB = 1024 * 1024


def web_process(app: figures.App) -> int:
    [pid] = [p for p in descendants(app.process.pid) if open(f"/proc/{p}/comm").read().startswith("WebKitWebProces")]
    return pid


def age_servers(user: figures.User, minutes: float) -> None:
    # No command sets a server's times; the store is a plain SQLite file, written while
    # nothing else has it open.
    then = datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=minutes)
    stamp = then.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    with sqlite3.connect(user.dir / "patchbay.db") as db:
        db.execute("UPDATE servers SET created_at = ?, updated_at = ?", (stamp, stamp))


def readings(root, compositing: bool, seconds: float, every: float) -> list[tuple[float, float, float]]:
    """(seconds since first paint, RSS, own memory) of the web process, in MiB."""
    user = figures.User(root)
    if not compositing:
        user.env["WEBKIT_DISABLE_COMPOSITING_MODE"] = "1"
    try:
        # As in the release soak: one synced server (its row as the soak's window shows it).
        with everything("streamableHttp") as upstream:
            user.cli("server", "create", "--name", "everything", "--url", upstream)
            user.cli("server", "sync", "everything")
            age_servers(user, 9)
            app = figures.App(user)
            try:
                pid = web_process(app)
                started = time.monotonic()
                found = []
                while (elapsed := time.monotonic() - started) <= seconds:
                    found.append((elapsed, memory(pid)[0] / MIB, anonymous(pid) / MIB))
                    time.sleep(every)  # a reading every `every` s, not a wait for a state
                return found
            finally:
                app.stop()
    finally:
        user.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=90)
    parser.add_argument("--every", type=float, default=10)
    args = parser.parse_args()
    root = figures.extracted()
    rows = []
    try:
        for compositing in (True, False):
            series = readings(root, compositing, args.seconds, args.every)
            first, last = series[0], series[-1]
            rows.append(
                (
                    "OpenGL compositing (default)" if compositing else "no compositing",
                    f"{first[1]:.0f} → {last[1]:.0f}",
                    f"{first[2]:.0f} → {last[2]:.0f}",
                    " · ".join(f"{s:.0f} s {own:.0f}" for s, _, own in series),
                )
            )
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print("| Web process | RSS, MiB | own (anonymous), MiB | own memory over time, MiB |")
    print("|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
