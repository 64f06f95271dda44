"""Failures outside the domain still answer as problems: a Redis outage, an oversized body."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
from fastapi import FastAPI
from redis.exceptions import ConnectionError as RedisConnectionError

from eventlog.body_limit import BodyLimit
from eventlog.problems import RETRY_SECONDS, install_problem_handlers


def _app() -> FastAPI:
    """A route that reads its body and one whose store is down, behind the services' handlers."""
    app = FastAPI()
    install_problem_handlers(app)
    app.add_middleware(BodyLimit, max_bytes=100)

    @app.get("/down")
    async def down() -> None:
        raise RedisConnectionError("Connection refused")

    @app.post("/echo")
    async def echo(body: dict[str, str]) -> dict[str, str]:
        return body

    return app


async def test_an_unreachable_redis_is_a_503_problem_with_retry_after() -> None:
    """A route whose Redis refuses the connection answers 503 `unavailable` with Retry-After."""
    transport = httpx.ASGITransport(app=_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        reply = await client.get("/down")
    assert reply.status_code == 503
    assert reply.headers["retry-after"] == str(RETRY_SECONDS)
    assert reply.json()["type"] == "urn:estab:problem:unavailable"


async def test_a_chunked_body_past_the_limit_is_a_413_problem() -> None:
    """A body sent without a length is counted as it comes and refused once past the limit."""

    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(10):
            yield b"x" * 20

    transport = httpx.ASGITransport(app=_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        small = await client.post("/echo", json={"k": "v"})
        reply = await client.post("/echo", content=chunks())
    assert small.status_code == 200
    assert reply.status_code == 413
    assert reply.json()["type"] == "urn:estab:problem:too-large"
