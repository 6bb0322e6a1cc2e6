"""The real app, end to end: servers with an API key through the UI, checked against what the
CLI sees in the same data dir and keyring. Screenshots of each main screen go to the build
output (target/e2e)."""

import json

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select
from window import by_testid, fill, rows, shot, wait

API_KEY = "sk-e2e-4f1d9a7c2b8e6d30cdef"


def click_button(driver, label: str) -> None:
    wait(driver).until(
        EC.element_to_be_clickable((By.XPATH, f'//button[normalize-space(.)="{label}" or @aria-label="{label}"]'))
    ).click()


def test_server_lifecycle_through_the_ui(env, launch):
    driver = launch()
    wait(driver).until(EC.text_to_be_present_in_element((By.TAG_NAME, "body"), "No servers yet"))
    shot(driver, "01-servers-empty")

    # Add a server with an API key.
    driver.find_element(*by_testid("add-server")).click()
    fill(driver, "server-name", "GitHub")
    fill(driver, "server-url", "https://api.example.com/mcp")
    Select(driver.find_element(By.ID, "server-auth")).select_by_value("api_key")
    fill(driver, "server-api-key-header", "X-API-Key")
    fill(driver, "server-api-key", API_KEY)
    shot(driver, "02-add-server-dialog")
    driver.find_element(*by_testid("server-save")).click()
    wait(driver).until(lambda d: rows(d) == ["GitHub"])
    redacted = driver.find_element(*by_testid("api-key-redacted")).text
    assert redacted == "…cdef"
    assert API_KEY not in driver.page_source

    # The CLI sees the same record, and the key came from the keyring, not the database.
    server = json.loads(env.cli("--json", "server", "get", "GitHub").stdout)
    assert server["api_key_redacted"] == "…cdef" and server["api_key_header"] == "X-API-Key"
    for file in env.dir.glob("patchbay.db*"):
        assert API_KEY.encode() not in file.read_bytes(), file

    # Edit it.
    click_button(driver, "Edit GitHub")
    fill(driver, "server-description", "Code and issues")
    driver.find_element(*by_testid("server-save")).click()
    wait(driver).until(EC.text_to_be_present_in_element(by_testid("servers-table"), "Code and issues"))
    assert json.loads(env.cli("--json", "server", "get", "GitHub").stdout)["description"] == "Code and issues"

    # A duplicate name is refused at the name field.
    driver.find_element(*by_testid("add-server")).click()
    fill(driver, "server-name", "github")
    fill(driver, "server-url", "https://other.example.com/mcp")
    driver.find_element(*by_testid("server-save")).click()
    error = wait(driver).until(EC.visibility_of_element_located(by_testid("field-error-server-name")))
    assert "already exists" in error.text
    shot(driver, "03-duplicate-name-conflict")
    driver.find_element(By.ID, "server-name").send_keys(Keys.ESCAPE)
    wait(driver).until(EC.invisibility_of_element_located(by_testid("field-error-server-name")))

    # Delete, restore from the deleted view, delete again and purge.
    click_button(driver, "Delete GitHub")
    wait(driver).until(lambda d: rows(d) == [])
    assert any("Undo" in t.text for t in driver.find_elements(*by_testid("toast")))
    driver.find_element(*by_testid("deleted-tab")).click()
    wait(driver).until(lambda d: rows(d) == ["GitHub"])
    shot(driver, "04-deleted-view")
    click_button(driver, "Restore")
    wait(driver).until(lambda d: rows(d) == [])
    click_button(driver, "Live")
    wait(driver).until(lambda d: rows(d) == ["GitHub"])

    click_button(driver, "Delete GitHub")
    wait(driver).until(lambda d: rows(d) == [])
    driver.find_element(*by_testid("deleted-tab")).click()
    wait(driver).until(lambda d: rows(d) == ["GitHub"])
    click_button(driver, "Purge…")
    wait(driver).until(EC.element_to_be_clickable(by_testid("confirm-purge"))).click()
    wait(driver).until(EC.text_to_be_present_in_element((By.TAG_NAME, "body"), "Nothing deleted"))
    gone = env.cli("--json", "server", "list", "--deleted")
    assert json.loads(gone.stdout)["servers"] == []


def test_main_screens(env, launch):
    for i in range(12):
        name = [
            "github",
            "linear",
            "notion",
            "sentry",
            "stripe",
            "filesystem",
            "brave-search",
            "slack",
            "postgres",
            "jira",
            "figma",
            "memory",
        ][i]
        if name in ("filesystem", "memory", "postgres"):
            env.cli(
                "server",
                "create",
                "--name",
                name,
                "--command",
                "npx",
                "--arg",
                "-y",
                "--arg",
                f"@modelcontextprotocol/server-{name}",
                "--description",
                f"Local {name} server",
            )
        else:
            env.cli(
                "server",
                "create",
                "--name",
                name,
                "--url",
                f"https://mcp.{name}.example.com/mcp",
                "--description",
                f"{name.title()} tools",
                "--api-key-stdin",
                stdin=f"key-{name}-0000{i:04d}",
            )
    env.cli("server", "update", "slack", "--enabled", "false")
    driver = launch()
    wait(driver).until(lambda d: len(rows(d)) == 12)
    shot(driver, "05-servers-list")

    driver.find_element(*by_testid("workspace-switcher")).click()
    wait(driver).until(EC.visibility_of_element_located((By.CSS_SELECTOR, '[role="menu"]')))
    shot(driver, "06-workspace-menu")
    click_button(driver, "New workspace…")
    fill(driver, "workspace-name", "Client A")
    click_button(driver, "Create")
    # textContent: WebKitWebDriver leaves ellipsized (overflow: hidden) text out of .text.
    wait(driver).until(
        lambda d: "Client A" in d.find_element(*by_testid("workspace-switcher")).get_attribute("textContent")
    )
    wait(driver).until(EC.text_to_be_present_in_element((By.TAG_NAME, "body"), "No servers yet"))
    names = [w["name"] for w in json.loads(env.cli("--json", "workspace", "list").stdout)["workspaces"]]
    assert names == ["default", "Client A"]

    click_button(driver, "Portals")
    wait(driver).until(EC.text_to_be_present_in_element((By.TAG_NAME, "main"), "No portals yet"))
    expected = {"Installations": "Clients on this machine", "Catalog": "GitHub"}
    for number, screen in enumerate(["Installations", "Catalog"], start=10):
        click_button(driver, screen)
        wait(driver).until(EC.text_to_be_present_in_element((By.TAG_NAME, "h1"), screen))
        wait(driver).until(EC.text_to_be_present_in_element((By.TAG_NAME, "main"), expected[screen]))
        shot(driver, f"{number:02d}-{screen.lower()}")

    click_button(driver, "Settings")
    info = wait(driver).until(EC.visibility_of_element_located(by_testid("app-info")))
    assert str(env.dir) in info.text
    shot(driver, "07-settings")


def test_dark_theme_follows_the_desktop(env, launch):
    env.cli(
        "server",
        "create",
        "--name",
        "github",
        "--url",
        "https://mcp.github.example.com/mcp",
        "--description",
        "Code and issues",
        "--api-key-stdin",
        stdin="key-github-00001234",
    )
    # GTK's dark variant is what a dark desktop gives the app; WebKit maps it to
    # prefers-color-scheme: dark.
    driver = launch(GTK_THEME="Adwaita:dark")
    wait(driver).until(lambda d: rows(d) == ["github"])
    background = driver.execute_script("return getComputedStyle(document.body).backgroundColor")
    channels = [int(c) for c in background[background.index("(") + 1 : background.index(")")].split(",")[:3]]
    assert max(channels) < 60, f"the page is not dark: {background}"
    shot(driver, "08-servers-dark")
