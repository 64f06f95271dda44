"""Processed-id records, written in the same transaction as a consumer's effects.

Delivery is at least once: after a crash between an effect and its ack, the entry comes again.
A consumer whose effect is not already idempotent (a rejection written to a stream, say) checks
`seen` first and adds `mark` to the MULTI/EXEC that writes the effect, so the effect and the
record of having done it land together or not at all (REDIS_STREAMS.md item 6).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

    from redis.asyncio import Redis
    from redis.asyncio.client import Pipeline


class ProcessedIds:
    """A set of entry or event ids one consumer has already turned into effects."""

    def __init__(self, redis: Redis, key: str) -> None:
        self.redis = redis
        self.key = key

    async def seen(self, ids: Sequence[str]) -> set[str]:
        """Which of `ids` were processed already (one round trip)."""
        if not ids:
            return set()
        flags = await self.redis.smismember(self.key, list(ids))
        return {item for item, flag in zip(ids, flags, strict=True) if flag}

    def mark(self, pipe: Pipeline, ids: Sequence[str]) -> None:
        """Queue the record of `ids` on a transaction that also writes their effects."""
        if ids:
            pipe.sadd(self.key, *ids)
