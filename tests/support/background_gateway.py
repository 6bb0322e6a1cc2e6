"""Stopping the background gateway a test left running on its data dir: the app and the
installed entries start it, and it outlives them by design."""

import json
import os
import signal
import subprocess
from pathlib import Path


def stop_gateway(cli: str, data_dir: Path, env: dict) -> None:
    """Asks it to stop, then kills it by the pid it published if it is still there."""
    state = data_dir / "gateway.json"
    if not state.exists():
        return
    pid = json.loads(state.read_text())["pid"]
    subprocess.run([cli, "--data-dir", str(data_dir), "gateway", "stop"], env=env, capture_output=True, timeout=60)
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
