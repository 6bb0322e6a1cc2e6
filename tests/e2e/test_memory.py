"""Resident memory of the running app, idle, with 1,000 servers in its workspace. The figure
is written to target/e2e/memory.txt (and quoted in the README); the test asserts only that
it was measured on a list that really rendered."""

import os

from builds import APP
from processes import descendants, memory
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait
from window import output

SERVERS = 1000


def app_pid(driver) -> int:
    """The app the test's own tauri-driver started: not any other copy running on the machine."""
    [pid] = [
        p for p in descendants(driver.tauri_driver_pid) if os.path.realpath(f"/proc/{p}/exe") == os.path.realpath(APP)
    ]
    return pid


def test_idle_memory_with_1000_servers(env, launch):
    # Seeded through the real CLI, into the data dir the app then opens; switched off, so that
    # the gateway's reconciler does not try to reach 1000 hosts that do not exist while the
    # window's memory is measured.
    for i in range(SERVERS):
        env.cli(
            "server",
            "create",
            "--name",
            f"server-{i:04d}",
            "--url",
            f"https://mcp-{i}.example.com/mcp",
            "--enabled",
            "false",
        )
    driver = launch()
    WebDriverWait(driver, 30).until(
        lambda d: len(d.find_elements(By.CSS_SELECTOR, '[data-testid="server-row"]')) == 100
    )
    count = driver.find_element(By.CSS_SELECTOR, '[data-testid="server-count"]').text
    assert count == f"{SERVERS} live"

    pid = app_pid(driver)
    app = memory(pid)[0] // 1024
    web = sum(memory(child)[0] // 1024 for child in descendants(pid))
    report = (
        f"servers: {SERVERS}\n"
        f"app process RSS: {app / 1024:.1f} MiB\n"
        f"WebKit child processes RSS: {web / 1024:.1f} MiB\n"
        f"total: {(app + web) / 1024:.1f} MiB\n"
    )
    (output() / "memory.txt").write_text(report)
    print(report)
    assert app > 0
