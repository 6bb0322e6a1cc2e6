"""Current and faithful, in the real window: an OAuth server added in the add dialog goes on
to Authorize (and is synced with the new token), and the portal page shows each member's
health with the actions that fix it."""

import json

from mcp_servers import free_port, oauth_server, python_server
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select
from window import by_testid, fill, shot, wait


def test_adding_an_oauth_server_goes_on_to_authorize(env, launch):
    with oauth_server() as (url, _):
        driver = launch()
        main = driver.current_window_handle
        wait(driver).until(EC.element_to_be_clickable(by_testid("add-server"))).click()
        fill(driver, "server-name", "secure")
        fill(driver, "server-url", url)
        Select(driver.find_element(By.ID, "server-auth")).select_by_value("oauth")
        driver.find_element(*by_testid("server-save")).click()
        wait(driver).until(EC.visibility_of_element_located(by_testid("authorize-dialog")))
        shot(driver, "20-add-oauth-then-authorize")
        driver.find_element(*by_testid("authorize-start")).click()

        def synced(_):
            server = json.loads(env.cli("server", "get", "secure", "--json").stdout)
            return server["status"] == "active" and server["last_successful_sync"]

        wait(driver, 60).until(synced)
        wait(driver).until(lambda d: d.window_handles == [main])
        tools = json.loads(env.cli("tool", "list", "secure", "--json").stdout)["tools"]
        assert [t["name"] for t in tools] == ["whoami"]


def test_the_portal_page_shows_member_health(env, launch):
    with python_server("base") as good, oauth_server() as (locked, _):
        env.cli("server", "create", "--name", "good", "--url", good, "--sync")
        dead = f"http://127.0.0.1:{free_port()}/mcp"
        for name, url, auth in (("broken", dead, "none"), ("locked", locked, "oauth")):
            # Their first syncs fail (nothing listens; no tokens): the servers stay, with why.
            done = env.cli_result("server", "create", "--name", name, "--url", url, "--auth", auth, "--sync")
            assert done.returncode != 0
        env.cli("portal", "create", "--name", "Work")
        for name in ("good", "broken", "locked"):
            env.cli("portal", "add-server", "Work", name)
        driver = launch()
        wait(driver).until(EC.element_to_be_clickable((By.XPATH, '//nav//button[contains(., "Portals")]'))).click()
        wait(driver).until(EC.element_to_be_clickable(by_testid("open-portal"))).click()

        def health(d):
            return d.execute_script(
                "return Object.fromEntries([...document.querySelectorAll('[data-testid=portal-member]')]"
                ".map((m) => [m.dataset.name, m.querySelector('[data-testid=member-status]').dataset.status]))"
            )

        wait(driver).until(lambda d: health(d) == {"broken": "error", "good": "active", "locked": "needs_auth"})
        members = {m.get_attribute("data-name"): m for m in driver.find_elements(*by_testid("portal-member"))}
        assert "127.0.0.1" in members["broken"].find_element(*by_testid("member-error")).text
        assert members["locked"].find_elements(*by_testid("member-reauthorize"))
        assert not members["good"].find_elements(*by_testid("member-reauthorize"))
        assert driver.find_element(*by_testid("attention-badge")).text == "2"
        shot(driver, "21-portal-member-health")
        members["locked"].find_element(*by_testid("member-reauthorize")).click()
        wait(driver).until(EC.visibility_of_element_located(by_testid("authorize-dialog")))
