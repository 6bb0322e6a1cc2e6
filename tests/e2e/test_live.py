"""The live features through the real app window, against a real MCP server (the Python SDK
server of tests/servers): test a connection, sync, approve a changed tool after reading its
diff, and call a tool through the form generated from its schema."""

import json

from mcp_servers import free_port, python_server
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from window import by_testid, shot, tool_states, wait


def tool_row(driver, name: str):
    return wait(driver).until(
        EC.presence_of_element_located((By.CSS_SELECTOR, f'[data-testid="tool-row"][data-name="{name}"]'))
    )


def test_test_sync_approve_and_call_through_the_ui(env, launch):
    port = free_port()
    with python_server("base", port) as url:
        env.cli("server", "create", "--name", "notes", "--url", url)
        driver = launch()
        wait(driver).until(EC.element_to_be_clickable(by_testid("open-server"))).click()
        wait(driver).until(EC.presence_of_element_located(by_testid("server-page")))

        # The page is there before the server it loads: wait for its actions.
        wait(driver).until(EC.element_to_be_clickable(by_testid("test-server"))).click()
        counts = wait(driver).until(EC.presence_of_element_located(by_testid("test-counts")))
        assert counts.text.startswith("3 tools · 1 prompts")
        shot(driver, "10-connection-test")

        driver.find_element(*by_testid("sync-server")).click()
        wait(driver).until(
            lambda d: tool_states(d) == {"add": "approved", "read_note": "approved", "wipe_notes": "approved"}
        )

        # Call a tool through the generated form.
        tool_row(driver, "add").find_element(*by_testid("try-tool")).click()
        dialog = wait(driver).until(EC.visibility_of_element_located(by_testid("tool-call-dialog")))
        dialog.find_element(By.ID, "arg-a").send_keys("2")
        dialog.find_element(By.ID, "arg-b").send_keys("40")
        shot(driver, "11-tool-call-form")
        dialog.find_element(*by_testid("call-tool")).click()
        result = wait(driver).until(EC.visibility_of_element_located(by_testid("result-text")))
        assert result.text == "42"
        shot(driver, "12-tool-call-result")
        dialog.find_element(By.CSS_SELECTOR, 'button[aria-label="Close"]').click()

    # The server is updated: one description changed, one tool added.
    with python_server("changed", port):
        driver.find_element(*by_testid("sync-server")).click()
        wait(driver).until(lambda d: tool_states(d).get("export_notes") == "needs_approval")
        assert tool_states(driver)["read_note"] == "needs_approval"
        badge = wait(driver).until(EC.visibility_of_element_located(by_testid("tools-waiting-badge")))
        assert badge.text == "2"

        tool_row(driver, "read_note").find_element(*by_testid("review-tool")).click()
        diff = wait(driver).until(EC.visibility_of_element_located(by_testid("tool-diff-dialog")))
        wait(driver).until(lambda d: "~/.ssh" in diff.text)
        assert [f.text for f in diff.find_elements(*by_testid("diff-field"))] == ["description"]
        shot(driver, "13-tool-diff")
        diff.find_element(*by_testid("diff-approve")).click()
        wait(driver).until(lambda d: tool_states(d)["read_note"] == "approved")
        assert tool_states(driver)["export_notes"] == "needs_approval"
        wait(driver).until(lambda d: d.find_element(*by_testid("tools-waiting-badge")).text == "1")

    # What the UI approved is what the core stored.
    tools = {t["name"]: t for t in json.loads(env.cli("tool", "list", "notes", "--json").stdout)["tools"]}
    assert tools["read_note"]["approval_state"] == "approved" and not tools["read_note"]["changed"]


def test_test_connection_in_the_add_dialog_reports_a_refusal(env, launch):
    driver = launch()
    wait(driver).until(EC.element_to_be_clickable(by_testid("add-server"))).click()
    field = wait(driver).until(EC.element_to_be_clickable((By.ID, "server-url")))
    field.send_keys(f"http://127.0.0.1:{free_port()}/mcp")
    driver.find_element(*by_testid("dialog-test")).click()
    failure = wait(driver).until(EC.visibility_of_element_located(by_testid("test-failure")))
    assert failure.get_attribute("data-category") == "refused"
    assert "Connection refused" in failure.text
    assert json.loads(env.cli("server", "list", "--json").stdout)["servers"] == [], "a test saves nothing"
