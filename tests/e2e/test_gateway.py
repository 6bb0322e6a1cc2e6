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
