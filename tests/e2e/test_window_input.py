"""A server asks for input during a call whose client cannot give it (the client declared no
elicitation): the Patchbay window asks the user with the server's own form, and the answer
reaches the server; the call log says it was asked in the window. A URL-mode elicitation
shows the host the link leads to, and the link opens in the browser only when the user asks."""

import asyncio
import json
import socket
import threading

from browser_recorder import BrowserRecorder
from mcp_servers import everything, free_port
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from waiting import until, wait_until
from window import by_testid, shot, wait


def listening(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) == 0


async def call_through(url: str, token: str, tool: str, args: dict | None = None) -> str:
    """A call by a client that declares no elicitation (the SDK's default); all its text."""
    from contextlib import AsyncExitStack

    from portal_client import bearer, open_session

    async with AsyncExitStack() as stack:
        session = await open_session(stack, url, bearer(token))
        await session.initialize()
        result = await session.call_tool(tool, args or {})
        return "\n".join(getattr(c, "text", "") for c in result.content)


def everything_in_the_window(env, launch, upstream: str, **app_env: str):
    """server-everything in portal Work, served by the app's gateway: the driver, the
    portal, and the portal's URL."""
    env.cli("server", "create", "--name", "every", "--url", upstream, "--sync")
    portal = json.loads(env.cli("portal", "create", "--name", "Work", "--json").stdout)
    env.cli("portal", "add-server", "Work", "every")
    port = free_port()
    driver = launch(PATCHBAY_GATEWAY_PORT=str(port), **app_env)
    wait_until(lambda: listening(port), "the gateway the app starts to listen", timeout=60)
    return driver, portal, f"http://127.0.0.1:{port}/mcp/work"


def test_the_window_asks_what_a_client_cannot(env, launch):
    with everything("streamableHttp") as upstream:
        driver, portal, url = everything_in_the_window(env, launch, upstream)

        answer: dict = {}
        caller = threading.Thread(
            target=lambda: answer.update(
                text=asyncio.run(call_through(url, portal["token"], "every__trigger-elicitation-request"))
            )
        )
        caller.start()
        try:
            dialog = wait(driver).until(EC.visibility_of_element_located(by_testid("window-input-dialog")))
            assert "every__trigger-elicitation-request" in dialog.text
            assert "Please provide inputs" in dialog.find_element(*by_testid("window-input-message")).text
            dialog.find_element(By.CSS_SELECTOR, "#arg-name").send_keys("Grace Hopper")
            shot(driver, "30-window-input-form")
            dialog.find_element(*by_testid("window-input-send")).click()
            caller.join(120)
        finally:
            caller.join(120)
        assert "Grace Hopper" in answer.get("text", ""), answer
        wait(driver).until(EC.invisibility_of_element_located(by_testid("window-input-dialog")))

        calls = until(
            lambda: json.loads(env.cli("portal", "log", "Work", "--json").stdout)["calls"],
            lambda calls: any(c["method"] == "elicitation/create" for c in calls),
            timeout=30,  # the call log is written in batches
        )
        asked = [c["outcome"] for c in calls if c["method"] == "elicitation/create"]
        assert asked == ["asked_in_window"], calls


def test_a_url_elicitation_shows_its_host_and_opens_only_when_the_user_asks(env, launch, tmp_path):
    browser = BrowserRecorder(tmp_path)
    link = "https://consent.example/approve?step=1"
    with everything("streamableHttp") as upstream:
        driver, portal, url = everything_in_the_window(env, launch, upstream, BROWSER=str(browser.program))
        answer: dict = {}
        caller = threading.Thread(
            target=lambda: answer.update(
                text=asyncio.run(
                    call_through(
                        url,
                        portal["token"],
                        "every__trigger-url-elicitation",
                        {"url": link, "message": "Approve the demo"},
                    )
                )
            )
        )
        caller.start()
        try:
            dialog = wait(driver).until(EC.visibility_of_element_located(by_testid("window-input-dialog")))
            assert "Approve the demo" in dialog.find_element(*by_testid("window-input-message")).text
            assert dialog.find_element(*by_testid("window-input-host")).text == "consent.example"
            shot(driver, "31-window-input-url")
            assert browser.opened() == [], "nothing opens before the user asks"
            dialog.find_element(*by_testid("window-input-open")).click()
            assert browser.wait_for_one("the link") == link
            dialog.find_element(*by_testid("window-input-send")).click()
        finally:
            caller.join(120)
        assert "User completed the URL elicitation flow" in answer.get("text", ""), answer
