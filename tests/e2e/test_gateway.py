"""The app runs the gateway while its window is open, says where (Settings, the sidebar),
starts it again when its port was taken, and shows calls through a portal as they happen."""

import asyncio
import json
import socket
import urllib.error
import urllib.request
from contextlib import AsyncExitStack

from mcp_servers import free_port
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from window import by_testid, wait


def test_the_app_serves_portals_on_its_gateway(env, launch):
    port = free_port()
    driver = launch(PATCHBAY_GATEWAY_PORT=str(port))
    wait(driver).until(EC.element_to_be_clickable((By.XPATH, '//nav//button[contains(., "Settings")]'))).click()
    status = wait(driver).until(EC.visibility_of_element_located(by_testid("gateway-status")))
    wait(driver).until(lambda d: f"127.0.0.1:{port}" in status.text)
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{port}/mcp/no-such-portal", timeout=10)
        raise AssertionError("expected a 401")
    except urllib.error.HTTPError as e:
        # The gateway answers an unknown portal as a known one without its token.
        assert e.code == 401
    indicator = driver.find_element(*by_testid("gateway-indicator"))
    wait(driver).until(lambda d: f"Gateway on :{port}" in indicator.text)


def test_a_gateway_stopped_from_the_cli_starts_again_from_the_window(env, launch):
    port = free_port()
    driver = launch(PATCHBAY_GATEWAY_PORT=str(port))
    indicator = wait(driver).until(EC.visibility_of_element_located(by_testid("gateway-indicator")))
    wait(driver).until(lambda d: f"Gateway on :{port}" in indicator.text)
    env.cli("gateway", "stop")
    wait(driver).until(lambda d: "Gateway stopped" in indicator.text)
    driver.find_element(By.XPATH, '//button[normalize-space()="Start again"]').click()
    wait(driver).until(lambda d: f"Gateway on :{port}" in indicator.text)
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{port}/mcp/no-such-portal", timeout=10)
        raise AssertionError("expected a 401")
    except urllib.error.HTTPError as e:
        # The gateway answers an unknown portal as a known one without its token.
        assert e.code == 401


def test_a_taken_port_does_not_stop_the_gateway(env, launch):
    """The background gateway listens on another port when its own is taken: the stdio
    entries find it through the data dir, whatever its port."""
    port = free_port()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", port))
        taken.listen()
        driver = launch(PATCHBAY_GATEWAY_PORT=str(port))
        indicator = wait(driver).until(EC.visibility_of_element_located(by_testid("gateway-indicator")))
        wait(driver).until(lambda d: "Gateway on :" in indicator.text)
        assert f"Gateway on :{port}" not in indicator.text
        status = json.loads(env.cli("gateway", "status", "--json").stdout)
        assert status["running"]
        assert f"Gateway on :{status['address'].rsplit(':', 1)[1]}" in indicator.text


async def call_through(url: str, token: str, tool: str, args: dict) -> str:
    from portal_client import bearer, open_session

    async with AsyncExitStack() as stack:
        session = await open_session(stack, url, bearer(token))
        await session.initialize()
        try:
            result = await session.call_tool(tool, args)
        except Exception as e:  # the portal refuses a tool it does not serve
            return f"refused: {e}"
        return result.content[0].text if result.content else ""


def test_a_portal_made_in_the_app_serves_a_synced_server(env, launch):
    """Create a portal in the window, add a synced server, see its served tools and the
    token once; the client configuration carries the URL."""
    from mcp_servers import python_server
    from selenium.webdriver.support.ui import Select

    with python_server("base") as upstream:
        env.cli("server", "create", "--name", "notes", "--url", upstream)
        env.cli("server", "sync", "notes")
        env.cli("tool", "deny", "notes", "wipe_notes")
        port = free_port()
        driver = launch(PATCHBAY_GATEWAY_PORT=str(port))
        wait(driver).until(EC.element_to_be_clickable((By.XPATH, '//nav//button[contains(., "Portals")]'))).click()
        wait(driver).until(EC.element_to_be_clickable(by_testid("new-portal"))).click()
        wait(driver).until(EC.element_to_be_clickable((By.ID, "portal-name"))).send_keys("Work")
        driver.find_element(*by_testid("portal-save")).click()
        token = wait(driver).until(EC.visibility_of_element_located(by_testid("portal-token"))).text
        assert token.startswith("pbp_")
        Select(driver.find_element(*by_testid("add-member-select"))).select_by_visible_text("notes")
        driver.find_element(*by_testid("add-member")).click()

        def served(d):
            return d.execute_script(
                "return Object.fromEntries([...document.querySelectorAll('[data-testid=portal-tool]')]"
                ".map((r) => [r.dataset.name, r.dataset.served]))"
            )

        wait(driver).until(lambda d: served(d) == {"add": "true", "read_note": "true", "wipe_notes": "false"})
        assert "/mcp/work" in driver.find_element(*by_testid("portal-url")).text
        import json as _json

        portal = _json.loads(env.cli("portal", "get", "Work", "--json").stdout)
        assert [m["name"] for m in portal["servers"]] == ["notes"]
        assert portal["token_redacted"] == "…" + token[-4:]

        # A client calls through the portal: the live log shows it without a reload, and the
        # outcome filter narrows it.
        url = f"http://127.0.0.1:{port}/mcp/work"
        assert asyncio.run(call_through(url, token, "notes__add", {"a": 20, "b": 22})) == "42"
        assert asyncio.run(call_through(url, token, "notes__wipe_notes", {})).startswith("refused")

        def logged(d):
            rows = d.find_elements(By.CSS_SELECTOR, '[data-testid="portal-calls"] tbody tr')
            return [r.text for r in rows]

        wait(driver).until(lambda d: len(logged(d)) == 2)
        assert any("notes__add" in r and "ok" in r for r in logged(driver))
        Select(driver.find_element(*by_testid("calls-outcome"))).select_by_value("error")
        wait(driver).until(lambda d: len(logged(d)) == 1 and "notes__wipe_notes" in logged(d)[0])
