"""The Installations screen in the real app, on a fixture home: import a client's server,
install a portal into the client, see drift after a hand edit of its file."""

import json

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select
from window import by_testid, wait


def test_import_install_and_drift_in_the_window(env, launch):
    home = env.home
    config = home / ".cursor/mcp.json"
    config.parent.mkdir(parents=True)
    config.write_text(
        json.dumps({"mcpServers": {"files": {"command": "npx", "args": ["-y", "server-filesystem", "/tmp"]}}}, indent=2)
    )
    env.cli("portal", "create", "--name", "Work")
    driver = launch()

    wait(driver).until(EC.element_to_be_clickable((By.XPATH, '//nav//button[contains(., "Installations")]'))).click()
    cursor = wait(driver).until(
        EC.presence_of_element_located((By.CSS_SELECTOR, '[data-testid="client-row"][data-id="cursor"]'))
    )
    assert "yes" in cursor.text, "a client with a config file is found"
    cursor.find_element(*by_testid("client-open")).click()
    wait(driver).until(
        EC.presence_of_element_located((By.CSS_SELECTOR, '[data-testid="client-server"][data-name="files"]'))
    )
    driver.find_element(*by_testid("import-servers")).click()
    wait(driver).until(lambda d: "files" in env.cli("server", "list", "--json").stdout)

    Select(driver.find_element(*by_testid("install-target"))).select_by_visible_text("Work")
    Select(driver.find_element(*by_testid("install-client"))).select_by_visible_text("Cursor")
    driver.find_element(*by_testid("install")).click()
    row = wait(driver).until(EC.presence_of_element_located(by_testid("installation")))
    assert row.get_attribute("data-drift") == "in_sync"
    doc = json.loads(config.read_text())
    assert set(doc["mcpServers"]) == {"files", "patchbay-work"}

    doc["mcpServers"]["patchbay-work"]["url"] = "http://127.0.0.1:1/changed"
    config.write_text(json.dumps(doc, indent=2))
    driver.find_element(By.XPATH, '//button[normalize-space()="Check again"]').click()
    wait(driver).until(lambda d: d.find_element(*by_testid("installation")).get_attribute("data-drift") == "modified")
    assert "edited by hand" in driver.find_element(*by_testid("installation")).text
