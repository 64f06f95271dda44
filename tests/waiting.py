"""The one way tests wait: poll a condition until it holds, or fail saying what never happened.

Never a bare sleep: every wait has a deadline and a description, and returns as soon as the
condition is met, so a slow machine makes tests slower but never wrong.
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING, TypeVar

import pytest

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

T = TypeVar("T")

POLL_SECONDS = 0.02


def _failed(what: str | Callable[[], str], seconds: float) -> None:
    said = what if isinstance(what, str) else what()
    pytest.fail(f"waited {seconds:.0f} s for {said}")


def until(check: Callable[[], T | None], what: str | Callable[[], str], seconds: float = 60) -> T:
    """The first truthy result of `check`; fail the test naming `what` after `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() > deadline:
            _failed(what, seconds)
        time.sleep(POLL_SECONDS)


async def until_async(
    check: Callable[[], Awaitable[T | None]], what: str | Callable[[], str], seconds: float = 60
) -> T:
    """`until` for a check that must be awaited (real Redis reads in async tests)."""
    deadline = time.monotonic() + seconds
    while True:
        found = await check()
        if found:
            return found
        if time.monotonic() > deadline:
            _failed(what, seconds)
        await asyncio.sleep(POLL_SECONDS)
