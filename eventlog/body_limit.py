"""Request bodies over `MAX_BODY_BYTES` are refused with a 413 problem before they are read.

A declared `Content-Length` over the limit is answered at once; a body sent without one (chunked)
is counted as it arrives and refused the moment it passes the limit, so no service ever holds
more than a megabyte of one request. The refusal is the same `too-large` problem either way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from contracts.rejections import Reason
from eventlog.problems import ProblemError, problem

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_BODY_BYTES = 1024 * 1024
"""The largest request body a service reads (an import goes in batches, never as one body)."""


class BodyLimit:
    """ASGI middleware refusing request bodies over `max_bytes`."""

    def __init__(self, app: ASGIApp, max_bytes: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.detail = f"the body is over {max_bytes:,} bytes"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer 413 for a declared length over the limit; otherwise count as the body comes."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.max_bytes:
            answer = problem(Reason.TOO_LARGE, self.detail, (), scope.get("path", ""))
            await answer(scope, receive, send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise ProblemError(Reason.TOO_LARGE, self.detail)
            return message

        await self.app(scope, counted, send)
