"""Request bodies over `MAX_BODY_BYTES` are refused with a 413 problem before they are read.

A declared `Content-Length` over the limit is answered at once; a body sent without one (chunked)
is read here as it arrives and refused the moment it passes the limit, so no service ever holds
more than a megabyte of one request; a body within it is handed on whole. The refusal is the same
`too-large` problem either way (raised inside the app, FastAPI would turn it into a 400).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from contracts.rejections import Reason
from eventlog.problems import problem

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
        chunks: list[bytes] = []
        seen = 0
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                await self.app(scope, _replaying(b"".join(chunks), message, receive), send)
                return
            chunk = message.get("body", b"")
            seen += len(chunk)
            if seen > self.max_bytes:
                answer = problem(Reason.TOO_LARGE, self.detail, (), scope.get("path", ""))
                await answer(scope, receive, send)
                return
            chunks.append(chunk)
            more = bool(message.get("more_body", False))
        await self.app(scope, _replaying(b"".join(chunks), None, receive), send)


def _replaying(body: bytes, then: Message | None, receive: Receive) -> Receive:
    """A `receive` that hands the app the body already read, then `then`, then the client's."""
    pending: list[Message] = [{"type": "http.request", "body": body, "more_body": False}]
    if then is not None:
        pending.append(then)

    async def replay() -> Message:
        return pending.pop(0) if pending else await receive()

    return replay
