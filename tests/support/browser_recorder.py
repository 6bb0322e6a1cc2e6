"""A browser that only records what it is asked to open: no browser can be driven here, and
the system's opener (xdg-open, which honours BROWSER) is the real one in front of it."""

import time
from pathlib import Path


class BrowserRecorder:
    def __init__(self, directory: Path) -> None:
        self.log = directory / "opened"
        self.program = directory / "browser"
        self.program.write_text(f'#!/bin/sh\nprintf "%s\\n" "$1" >> "{self.log}"\n')
        self.program.chmod(0o755)

    def opened(self) -> list[str]:
        return self.log.read_text().split() if self.log.exists() else []

    def wait_for_one(self, what: str, timeout: float = 60) -> str:
        """The one URL opened, once it was (bounded wait; the opener runs in the background)."""
        deadline = time.monotonic() + timeout
        while not self.opened():
            assert time.monotonic() < deadline, f"the browser was never asked to open {what}"
            time.sleep(0.1)  # polling the recorder's file, bounded by the deadline
        [url] = self.opened()
        return url
