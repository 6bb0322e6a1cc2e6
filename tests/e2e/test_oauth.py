"""OAuth through the real app: the browser step opens in a popup window of the app, the
authorization server (Python SDK, approving at once) redirects to Patchbay's loopback
callback, the popup closes, and the server page syncs its tools with the new token."""

import json
import re
import subprocess
import urllib.request

from browser_recorder import BrowserRecorder
from mcp_servers import oauth_server
from selenium.webdriver.support import expected_conditions as EC
from window import by_testid, shot, tool_states, wait


def test_authorize_in_the_popup_then_see_the_tools(env, launch):
    with oauth_server() as (url, _):
        env.cli("server", "create", "--name", "secure", "--url", url, "--auth", "oauth")
        driver = launch()
        main = driver.current_window_handle
        start_authorizing(driver)

        wait(driver, 60).until(lambda d: tool_states(d) == {"whoami": "approved"})
        assert driver.window_handles == [main], "the popup closed itself"
        shot(driver, "14-oauth-authorized")
        server = json.loads(env.cli("server", "get", "secure", "--json").stdout)
        assert server["status"] == "active"


def window_titles() -> list[str]:
    """The names of the X windows on the display: the titles the OS draws (no WebDriver call
    reads those; `document.title` is the page's own)."""
    tree = subprocess.run(["xwininfo", "-root", "-tree"], capture_output=True, text=True, check=True).stdout
    return re.findall(r'^\s+0x[0-9a-f]+ "([^"]*)"', tree, re.M)


def start_authorizing(driver) -> None:
    """From the servers list: open the server, then Authorize, then start."""
    wait(driver).until(EC.element_to_be_clickable(by_testid("open-server"))).click()
    wait(driver).until(EC.element_to_be_clickable(by_testid("authorize-server"))).click()
    wait(driver).until(EC.element_to_be_clickable(by_testid("authorize-start"))).click()


def test_a_provider_refusing_embedded_sign_in_moves_to_the_browser_in_one_click(env, launch, tmp_path):
    browser = BrowserRecorder(tmp_path)
    with oauth_server("--refuse-embedded") as (url, base):
        env.cli("server", "create", "--name", "picky", "--url", url, "--auth", "oauth")
        driver = launch(BROWSER=str(browser.program))
        main = driver.current_window_handle
        start_authorizing(driver)

        refused = wait(driver, 60).until(EC.visibility_of_element_located(by_testid("authorize-refused-embedded")))
        page = driver.find_element(*by_testid("authorize-page"))
        assert page.get_attribute("data-origin") == base and page.get_attribute("data-https") == "false"
        assert base in refused.text
        title = f"{base} (this machine, not encrypted) — Authorize Patchbay"
        wait(driver).until(lambda _: title in window_titles())
        shot(driver, "15-oauth-refused-embedded")
        assert browser.opened() == [], "nothing went to the browser before the user asked"

        driver.find_element(*by_testid("authorize-continue-in-browser")).click()
        handed = browser.wait_for_one("the authorization")
        assert handed.startswith(f"{base}/authorize?") and "code_challenge=" in handed
        wait(driver).until(lambda d: d.window_handles == [main])
        # The same authorization goes on in the browser (a Python one here, which the
        # provider lets sign in): its redirect reaches the loopback callback the app waits on.
        with urllib.request.urlopen(handed, timeout=30) as r:
            assert r.status == 200
        wait(driver, 60).until(lambda d: tool_states(d) == {"whoami": "approved"})
        server = json.loads(env.cli("server", "get", "picky", "--json").stdout)
        assert server["status"] == "active" and server["authorize_in_browser"] is True

        # Remembered: the next authorization of this server starts in the browser.
        wait(driver).until(EC.element_to_be_clickable(by_testid("authorize-server"))).click()
        checkbox = wait(driver).until(EC.visibility_of_element_located(by_testid("authorize-in-browser")))
        assert checkbox.is_selected()


def test_the_sign_in_window_loads_no_page_that_is_not_https(env, launch):
    phish = "http://patchbay-e2e.invalid/login"
    with oauth_server("--authorize-redirect", phish) as (url, base):
        env.cli("server", "create", "--name", "redirected", "--url", url, "--auth", "oauth")
        driver = launch()
        main = driver.current_window_handle
        start_authorizing(driver)
        blocked = wait(driver, 60).until(EC.visibility_of_element_located(by_testid("authorize-blocked")))
        assert "http://patchbay-e2e.invalid" in blocked.text
        wait(driver).until(
            lambda _: any(t.startswith("http://patchbay-e2e.invalid (blocked: not https)") for t in window_titles())
        )
        shot(driver, "16-oauth-blocked-page")
        [popup] = [h for h in driver.window_handles if h != main]
        driver.switch_to.window(popup)
        assert "patchbay-e2e.invalid" not in driver.current_url
        driver.close()  # closing the window cancels the authorization
        driver.switch_to.window(main)
        wait(driver).until(EC.invisibility_of_element_located(by_testid("authorize-waiting")))
