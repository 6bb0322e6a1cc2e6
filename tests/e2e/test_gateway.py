"""The app runs the gateway while its window is open, and says where in Settings."""

import urllib.error
import urllib.request

from mcp_servers import free_port
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from test_servers import by_testid, wait


def test_the_app_serves_portals_on_its_gateway(env, launch):
    port = free_port()
    driver = launch(PATCHBAY_GATEWAY_PORT=str(port))
    wait(driver).until(EC.element_to_be_clickable((By.XPATH, '//nav//button[contains(., "Settings")]'))).click()
    status = wait(driver).until(EC.visibility_of_element_located(by_testid("gateway-status")))
    wait(driver).until(lambda d: f"127.0.0.1:{port}" in status.text)
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{port}/mcp/no-such-portal", timeout=10)
        raise AssertionError("expected a 404")
    except urllib.error.HTTPError as e:
        assert e.code == 404


def test_a_portal_made_in_the_app_serves_a_synced_server(env, launch):
    """Create a portal in the window, add a synced server, see its served tools and the
    token once; the client configuration carries the URL."""
    from mcp_servers import python_server
    from selenium.webdriver.support.ui import Select

    with python_server("base") as upstream:
        env.cli("server", "create", "--name", "notes", "--url", upstream)
        env.cli("server", "sync", "notes")
        env.cli("tool", "deny", "notes", "wipe_notes")
        driver = launch(PATCHBAY_GATEWAY_PORT=str(free_port()))
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
