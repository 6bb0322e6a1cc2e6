"""Fixtures of the end-to-end tests: a data dir, tauri-driver, and a WebDriver session on the
real app. Every process started here is stopped by its pid."""

import os
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.options import ArgOptions
from selenium.webdriver.remote.client_config import ClientConfig

from background_gateway import stop_gateway
from builds import APP, CLI
from mcp_servers import free_port, stop_group, wait_for_port
from window import save_screenshot

OUTPUT = Path(os.environ["PATCHBAY_E2E_OUTPUT"])


class Env:
    """A data dir, a keyring service and a home of one test's own: the AI clients the app finds
    are the ones a test puts there, never the machine's."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="patchbay-e2e-"))
        self.home = self.dir / "home"
        self.home.mkdir()
        self.vars = dict(
            os.environ,
            HOME=str(self.home),
            XDG_CONFIG_HOME=str(self.home / ".config"),
            PATCHBAY_DATA_DIR=str(self.dir),
            PATCHBAY_KEYRING_SERVICE=f"patchbay-e2e-{uuid.uuid4().hex}",
            # The gateway the app starts listens on any free port unless a test names one.
            PATCHBAY_GATEWAY_PORT="0",
        )

    def cli(self, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
        return subprocess.run([CLI, *args], input=stdin, env=self.vars, capture_output=True, text=True, check=True)

    def cli_result(self, *args: str) -> subprocess.CompletedProcess:
        """A CLI run that may fail: the caller looks at its exit code."""
        return subprocess.run([CLI, *args], env=self.vars, capture_output=True, text=True, timeout=120)


@pytest.fixture
def env():
    e = Env()
    yield e
    stop_gateway(CLI, e.dir, e.vars)
    shutil.rmtree(e.dir, ignore_errors=True)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.failed_call = report.failed
    return report


@pytest.fixture
def launch(env, request):
    """Starts the app (through tauri-driver) on the test's data dir; stops both afterwards."""
    started: list[tuple[subprocess.Popen, webdriver.Remote]] = []

    def start(**extra_env: str) -> webdriver.Remote:
        port, native_port = free_port(), free_port()
        log = open(OUTPUT / f"tauri-driver-{request.node.name}.log", "w")
        driver_process = subprocess.Popen(
            ["tauri-driver", "--port", str(port), "--native-port", str(native_port)],
            env={**env.vars, **extra_env},
            stdout=log,
            stderr=subprocess.STDOUT,
            # Its own process group: tauri-driver, WebKitWebDriver and the app stop together.
            start_new_session=True,
        )
        # tauri-driver forwards to WebKitWebDriver, which it starts beside itself: both must
        # listen before a session can be made.
        wait_for_port(port, driver_process, f"tauri-driver (log in {OUTPUT})")
        wait_for_port(native_port, driver_process, f"WebKitWebDriver (log in {OUTPUT})")
        options = ArgOptions()
        options.set_capability("browserName", "wry")
        options.set_capability("tauri:options", {"application": APP})
        # No WebDriver command takes minutes: one that does is a hang, and fails the test
        # instead of holding the whole run (Selenium waits forever by default).
        url = f"http://127.0.0.1:{port}"
        driver = webdriver.Remote(
            command_executor=url, options=options, client_config=ClientConfig(remote_server_addr=url, timeout=180)
        )
        driver.set_window_size(1360, 860)
        # The app this test started is below this pid; others may run on the machine beside it.
        driver.tauri_driver_pid = driver_process.pid
        started.append((driver_process, driver))
        return driver

    yield start
    for driver_process, driver in started:
        try:
            if getattr(request.node, "failed_call", False):
                # What the window showed when the test failed, for the one who reads the log.
                save_screenshot(driver, OUTPUT / f"failed-{request.node.name}.png")
                print("page text at failure:\n" + driver.find_element("tag name", "body").text)
            try:
                driver.quit()
            except WebDriverException:
                pass  # a test that closed the last window ended the session already
        finally:
            stop_group(driver_process)
