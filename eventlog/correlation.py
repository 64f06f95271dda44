"""One correlation id per HTTP request, followed into its events, logs and cost updates.

A caller may name it (`X-Correlation-Id`, printable, at most 128 characters; a command body's
`correlation_id` wins over the header); otherwise the service makes one. It is bound to the
structlog context for the request, so every log line written while the request is handled
carries it, echoed in the response header, and recorded on each event the request's command
appends (eventlog.http_params.as_caller). Consumers carry an event's id on: finance publishes
its cost updates with the correlation id of the event that caused them.
"""

from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING
from uuid import uuid4

import structlog

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from fastapi import FastAPI, Request, Response

HEADER = "X-Correlation-Id"
_GIVEN = re.compile(r"^[\x21-\x7e]{1,128}$")

log = structlog.get_logger()


def correlation_of(given: str | None) -> str:
    """The id a request is known by: the caller's, if it is one, else a new UUID."""
    return given if given is not None and _GIVEN.fullmatch(given) else str(uuid4())


def install_correlation(app: FastAPI) -> None:
    """Give every request a correlation id, bound to its logs and echoed in its answer."""

    @app.middleware("http")
    async def correlate(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        correlation = correlation_of(request.headers.get(HEADER))
        request.state.correlation_id = correlation
        started = time.perf_counter()
        with structlog.contextvars.bound_contextvars(correlation_id=correlation):
            response = await call_next(request)
            if request.method not in {"GET", "HEAD", "OPTIONS"}:
                log.info(
                    "request handled",
                    method=request.method,
                    path=request.url.path,
                    status=response.status_code,
                    tenant=request.headers.get("X-Tenant"),
                    seconds=round(time.perf_counter() - started, 4),
                )
        response.headers[HEADER] = correlation
        return response
