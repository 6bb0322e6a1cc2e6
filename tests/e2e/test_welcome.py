"""The first run in the real app: a home whose Cursor and VS Code already list servers gets the
welcome, which imports them, syncs them, makes a portal of them and installs it back."""

import json

from mcp_servers import EVERYTHING, python_server
from selenium.webdriver.support import expected_conditions as EC
from window import by_testid, shot, wait


def test_the_first_run_brings_the_clients_servers_under_patchbay(env, launch):
    cursor = env.home / ".cursor/mcp.json"
    vscode = env.home / ".config/Code/User/mcp.json"
    cursor.parent.mkdir(parents=True)
    vscode.parent.mkdir(parents=True)
    cursor.write_text(
        json.dumps({"mcpServers": {"everything": {"command": "node", "args": [str(EVERYTHING), "stdio"]}}})
    )
    with python_server("base") as notes:
        # VS Code's user file keeps servers under "servers", with an explicit type.
        vscode.write_text(json.dumps({"servers": {"notes": {"type": "http", "url": notes}}}))
        driver = launch()

        welcome = wait(driver).until(EC.visibility_of_element_located(by_testid("welcome")))
        clients = {c.get_attribute("data-client") for c in welcome.find_elements(*by_testid("welcome-client"))}
        assert clients == {"cursor", "vscode"}, clients
        shot(driver, "welcome")
        driver.find_element(*by_testid("welcome-go")).click()

        def portal():
            result = env.cli_result("portal", "get", "my-tools", "--json")
            return json.loads(result.stdout) if result.returncode == 0 else None

        # Done when the portal holds both servers and both clients have its entry.
        wait(driver, 120).until(
            lambda d: d.find_elements(*by_testid("new-portal")) and not d.find_elements(*by_testid("welcome"))
        )
        members = {m["name"]: m for m in portal()["servers"]}
        assert set(members) == {"everything", "notes"}, members
        servers = {s["name"]: s for s in json.loads(env.cli("server", "list", "--json").stdout)["servers"]}
        assert all(s["status"] == "active" for s in servers.values()), servers
        assert "patchbay-my-tools" in json.loads(cursor.read_text())["mcpServers"]
        assert "patchbay-my-tools" in json.loads(vscode.read_text())["servers"]
        # The clients' own entries stay where they were.
        assert "everything" in json.loads(cursor.read_text())["mcpServers"]

    # Something exists now: the next launch opens on the servers, not the welcome.
    driver.quit()
    driver = launch()
    wait(driver).until(lambda d: len(d.find_elements(*by_testid("server-row"))) == 2)
    assert not driver.find_elements(*by_testid("welcome"))
