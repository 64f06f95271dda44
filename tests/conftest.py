"""One real Redis for the whole session, and a fresh tenant per test so tests never share state.

`ESTAB_TEST_REDIS_URL` points the suite at an existing server instead (CI with a Redis service).
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from uuid import uuid4

import pytest
from redis.asyncio import Redis

from eventlog.redis_server import EmbeddedRedis


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A Redis started by the suite (AOF on, in a temporary data directory)."""
    existing = os.environ.get("ESTAB_TEST_REDIS_URL")
    if existing:
        yield existing
        return
    with EmbeddedRedis(tmp_path_factory.mktemp("redis-data")) as server:
        yield server.url


@pytest.fixture
async def redis(redis_url: str) -> AsyncIterator[Redis]:
    """A client on the suite's Redis."""
    client = Redis.from_url(redis_url)
    try:
        yield client
    finally:
        await client.aclose()


@pytest.fixture
def tenant() -> str:
    """A tenant no other test uses."""
    return f"t-{uuid4().hex[:12]}"
