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


# The app draws its page in software (src-tauri/src/rendering.rs), and then WebKitWebDriver's
# Take Screenshot answers only at the page's next paint: never, on a page where nothing changes.
# While the shot is taken, one corner pixel flips between two shades 1/255 apart, so a paint comes
# within a frame or two; the pixel is removed afterwards and looks the same either way.
_PAINT_WHILE_SHOOTING = """
const tick = document.createElement('div');
tick.style.cssText = 'position:fixed;right:0;bottom:0;width:1px;height:1px;pointer-events:none;'
  + 'z-index:2147483647;background:rgba(0,0,0,0.004)';
tick.dataset.shotTick = '';
document.documentElement.append(tick);
let odd = false;
window.__shotTick = setInterval(() => {
  odd = !odd;
  tick.style.background = odd ? 'rgba(0,0,0,0.008)' : 'rgba(0,0,0,0.004)';
}, 50);
"""
_STOP_PAINTING = """
clearInterval(window.__shotTick);
document.querySelectorAll('[data-shot-tick]').forEach((tick) => tick.remove());
"""


def save_screenshot(driver, path: Path) -> Path:
    """What the window shows, as a PNG at `path`."""
    driver.execute_script(_PAINT_WHILE_SHOOTING)
    try:
        driver.save_screenshot(str(path))
    finally:
        driver.execute_script(_STOP_PAINTING)
    return path


def shot(driver, name: str) -> Path:
    return save_screenshot(driver, output() / f"{name}.png")


def fill(driver, element_id: str, text: str) -> None:
    field = wait(driver).until(EC.element_to_be_clickable((By.ID, element_id)))
    field.clear()
    field.send_keys(text)
