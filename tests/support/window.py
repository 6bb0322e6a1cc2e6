"""Reading and driving the real app window through WebDriver (the end-to-end tests)."""

import os
from pathlib import Path

from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait


def output() -> Path:
    """Where screenshots and logs of the run go (target/e2e)."""
    return Path(os.environ["PATCHBAY_E2E_OUTPUT"])


def by_testid(value: str) -> tuple[str, str]:
    return (By.CSS_SELECTOR, f'[data-testid="{value}"]')


def wait(driver, timeout: float = 20) -> WebDriverWait:
    return WebDriverWait(driver, timeout, ignored_exceptions=(StaleElementReferenceException,))


def rows(driver) -> list[str]:
    # One script call reads the rows at one instant: element handles go stale when the list
    # re-renders between finding a row and reading it.
    return driver.execute_script(
        "return [...document.querySelectorAll('[data-testid=\"server-row\"]')].map((r) => r.dataset.name)"
    )


def tool_states(driver) -> dict:
    return driver.execute_script(
        "return Object.fromEntries([...document.querySelectorAll('[data-testid=\"tool-row\"]')]"
        ".map((r) => [r.dataset.name, r.dataset.state]))"
    )


def shot(driver, name: str) -> Path:
    path = output() / f"{name}.png"
    driver.save_screenshot(str(path))
    return path


def fill(driver, element_id: str, text: str) -> None:
    field = wait(driver).until(EC.element_to_be_clickable((By.ID, element_id)))
    field.clear()
    field.send_keys(text)
