"""Waiting for a state, never for a time: poll until what is awaited holds or a generous bound
passes. The tests' one way to wait."""

import time
from typing import Callable, TypeVar

T = TypeVar("T")


def until(attempt: Callable[[], T], holds: Callable[[T], bool] = bool, timeout: float = 60.0, every: float = 0.05) -> T:
    """`attempt` again until what it returns `holds`, for at most `timeout` s; the last answer,
    on which the caller asserts (so a failure shows what was seen)."""
    deadline = time.monotonic() + timeout
    while not holds(got := attempt()) and time.monotonic() < deadline:
        time.sleep(every)
    return got


def wait_until(check: Callable[[], T], what: str, timeout: float = 60.0, every: float = 0.1) -> T:
    """The first truthy value `check` returns; AssertionError naming `what` after `timeout` s."""
    got = until(check, bool, timeout, every)
    if not got:
        raise AssertionError(f"gave up after {timeout:.0f} s waiting for {what}; last seen: {got!r}")
    return got
