"""A consumer's refusals, written once each to a rejections stream with the original message.

A refusal and the mark that recognises its redelivery are written in one transaction, so a
consumer that crashes after writing but before acknowledging does not reject the message twice
when it is delivered again (DESIGN §2: never dropped silently, never counted twice).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import orjson
import structlog

from contracts.rejections import STATUS, problem_type
from eventlog.clock import Clock, format_timestamp
from eventlog.metric_counters import REFUSED
from eventlog.store import DATA_FIELD
from eventlog.tracking import ProcessedIds

if TYPE_CHECKING:
    from collections.abc import Sequence

    from redis.asyncio import Redis

    from eventlog.command_log import Refused

log = structlog.get_logger()


@dataclass(frozen=True, slots=True)
class Rejection:
    """One message refused: its stream entry id, the message as read, and why."""

    entry_id: str
    message: Any
    refusal: Refused


class RejectionWriter:
    """Writes refusals of messages read from `source` to `rejections`."""

    def __init__(
        self, redis: Redis, tenant: str, source: str, rejections: str, clock: Clock
    ) -> None:
        self.redis = redis
        self.tenant = tenant
        self.source = source
        self.rejections = rejections
        self.clock = clock
        self.processed = ProcessedIds(redis, f"{rejections}:processed:{source}")

    async def write(self, rejections: Sequence[Rejection]) -> None:
        """Record each refusal not recorded before, atomically with its processed mark."""
        if not rejections:
            return
        seen = await self.processed.seen([item.entry_id for item in rejections])
        fresh = [item for item in rejections if item.entry_id not in seen]
        if not fresh:
            return
        now = format_timestamp(self.clock())
        async with self.redis.pipeline(transaction=True) as pipe:
            for item in fresh:
                REFUSED.labels("stream", item.refusal.reason.value).inc()
                entry = {
                    "type": "CommandRejected",
                    "tenant": self.tenant,
                    "source_stream": self.source,
                    "source_entry_id": item.entry_id,
                    "reason": item.refusal.reason.value,
                    "problem_type": problem_type(item.refusal.reason),
                    "status": STATUS[item.refusal.reason],
                    "detail": item.refusal.detail,
                    "errors": item.refusal.errors,
                    "message": item.message,
                    "rejected_at": now,
                }
                pipe.xadd(self.rejections, {DATA_FIELD: orjson.dumps(entry)})
                log.warning(
                    "message rejected",
                    tenant=self.tenant,
                    stream=self.source,
                    entry_id=item.entry_id,
                    reason=item.refusal.reason.value,
                    detail=item.refusal.detail,
                )
            self.processed.mark(pipe, [item.entry_id for item in fresh])
            await pipe.execute()
