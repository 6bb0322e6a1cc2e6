"""OAuth through the real app: the browser step opens in a popup window of the app, the
authorization server (Python SDK, approving at once) redirects to Patchbay's loopback
callback, the popup closes, and the server page syncs its tools with the new token."""

import json

from mcp_servers import oauth_server
from selenium.webdriver.support import expected_conditions as EC
from test_live import tool_states
from test_servers import by_testid, shot, wait


def test_authorize_in_the_popup_then_see_the_tools(env, launch):
    with oauth_server() as (url, _):
        env.cli("server", "create", "--name", "secure", "--url", url, "--auth", "oauth")
        driver = launch()
        main = driver.current_window_handle
        wait(driver).until(EC.element_to_be_clickable(by_testid("open-server"))).click()
        wait(driver).until(EC.element_to_be_clickable(by_testid("authorize-server"))).click()
        wait(driver).until(EC.element_to_be_clickable(by_testid("authorize-start"))).click()

        wait(driver, 60).until(lambda d: tool_states(d) == {"whoami": "approved"})
        assert driver.window_handles == [main], "the popup closed itself"
        shot(driver, "14-oauth-authorized")
        server = json.loads(env.cli("server", "get", "secure", "--json").stdout)
        assert server["status"] == "active"
