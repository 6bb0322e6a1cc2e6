"""The gateway the app starts is the user's: closing the window leaves every installed client
working, and "Start at login" writes the OS's service for it."""

import asyncio
import json
from contextlib import AsyncExitStack

from mcp_servers import free_port, python_server
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from window import by_testid, wait


async def tools_through(entry: dict, env: dict) -> list[str]:
    from mcp import ClientSession, StdioServerParameters
    from mcp.client.stdio import stdio_client

    params = StdioServerParameters(command=entry["command"], args=entry["args"], env={**env, **entry.get("env", {})})
    async with AsyncExitStack() as stack:
        streams = await stack.enter_async_context(stdio_client(params))
        session = await stack.enter_async_context(ClientSession(streams[0], streams[1]))
        await asyncio.wait_for(session.initialize(), 60)
        return sorted(t.name for t in (await session.list_tools()).tools)


def test_closing_the_window_leaves_installed_clients_working(env, launch):
    home = env.home
    with python_server("base") as upstream:
        env.cli("server", "create", "--name", "notes", "--url", upstream)
        env.cli("server", "sync", "notes")
        env.cli("tool", "deny", "notes", "wipe_notes")
        env.cli("portal", "create", "--name", "Work")
        env.cli("portal", "add-server", "Work", "notes")
        env.cli("install", "Work", "--client", "cursor")
        entry = json.loads((home / ".cursor/mcp.json").read_text())["mcpServers"]["patchbay-work"]

        port = free_port()
        driver = launch(PATCHBAY_GATEWAY_PORT=str(port))
        indicator = wait(driver).until(EC.visibility_of_element_located(by_testid("gateway-indicator")))
        wait(driver).until(lambda d: f"Gateway on :{port}" in indicator.text)

        wait(driver).until(EC.element_to_be_clickable((By.XPATH, '//nav//button[contains(., "Settings")]'))).click()
        toggle = wait(driver).until(EC.element_to_be_clickable(by_testid("start-at-login")))
        toggle.click()
        unit = home / ".config/systemd/user/"
        wait(driver).until(lambda d: any(unit.glob("patchbay-gateway*.service")) and toggle.is_selected())
        written = next(unit.glob("patchbay-gateway*.service")).read_text()
        assert f'"--data-dir" "{env.dir}" "serve" "--background"' in written

        gateway = json.loads(env.cli("gateway", "status", "--json").stdout)
        assert gateway["running"] and gateway["address"] == f"http://127.0.0.1:{port}"
        driver.close()  # the last window: the app quits

        after = json.loads(env.cli("gateway", "status", "--json").stdout)
        assert after["running"] and after["pid"] == gateway["pid"], "the gateway outlived the window"
        assert asyncio.run(tools_through(entry, env.vars)) == ["notes__add", "notes__read_note"]
