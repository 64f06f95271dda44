"""An HTTP transport that waits out a 429.

Bulk loads slow down to the stack's rate limit instead of failing part-way (eventlog.rate_limit
sets `Retry-After`).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import httpx

if TYPE_CHECKING:
    from collections.abc import Callable

TOO_MANY = 429
LONGEST_WAIT = 30.0


class PatientTransport(httpx.BaseTransport):
    """Sends each request again after the wait a 429 names, up to `attempts` times in all."""

    def __init__(
        self,
        inner: httpx.BaseTransport | None = None,
        attempts: int = 6,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.inner = inner or httpx.HTTPTransport()
        self.attempts = attempts
        self.sleep = sleep

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """The first answer that is not a 429, or the last 429."""
        for _ in range(self.attempts - 1):
            response = self.inner.handle_request(request)
            if response.status_code != TOO_MANY:
                return response
            response.read()
            response.close()
            self.sleep(min(_seconds(response.headers.get("Retry-After")), LONGEST_WAIT))
        return self.inner.handle_request(request)

    def close(self) -> None:
        """Close the transport underneath."""
        self.inner.close()


def _seconds(retry_after: str | None) -> float:
    try:
        return max(float(retry_after or 1), 0.0)
    except ValueError:
        return 1.0
