"""A browser that only records what it is asked to open: no browser can be driven here, and
the system's opener (xdg-open, which honours BROWSER) is the real one in front of it."""

from pathlib import Path

from waiting import wait_until


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
        [url] = wait_until(self.opened, f"the browser to be asked to open {what}", timeout=timeout)
        return url
