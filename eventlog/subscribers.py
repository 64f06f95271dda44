"""Consume a Redis Stream through a consumer group, encoding every item of REDIS_STREAMS.md.

Each subscription is two FastStream subscribers on one group:
- the **reader** takes batches (`batch=True`, `max_records`), hands the whole batch to `handle`,
  and acknowledges it with one XACK only after `handle` returns, i.e. after its effect is
  durable (items 4 and 14); the ack policy is MANUAL because `AckPolicy.ACK` acks even when the
  handler raised;
- the **reclaimer** (`min_idle_time`: XAUTOCLAIM, one entry at a time, never new entries) takes
  over entries left pending by a failed batch or a dead consumer (item 2), and after
  `max_deliveries` copies the entry to a dead-letter stream with its error and acks it, so a
  poison message neither loops forever nor disappears (item 3).

Groups are created at `0` by `ensure_group` before the broker starts, so a subscriber added later
still sees all history (item 1). Entries are identified by their Redis entry id, never by
FastStream's `message_id` (item 6). One consumer per group per stream keeps order (item 5); a
reclaimed entry is handled after newer ones, which is why commands carry explicit effective dates
and expected versions. If the group vanishes (NOGROUP after a flush), FastStream 0.7.8 stops the
subscriber instead of hot-looping; `Subscription.healthy` then turns False and `/health` answers
503 (item 7). Nothing here sets `maxlen` (item 8).

FastStream is never asked to decode an entry: its parser JSON-encodes every entry's fields (and
fails for field names that are not UTF-8, redelivering such an entry forever), while the
handlers here read the raw fields themselves. An entry without a `__data__` field, or one whose
names or values are not UTF-8, becomes a `Delivery` marked `unreadable` with its raw fields
base64-encoded, which the handler rejects at once.
"""

from __future__ import annotations

import base64
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import orjson
import structlog
from faststream import AckPolicy
from faststream.redis import StreamSub
from faststream.redis.annotations import RedisStreamMessage  # noqa: TC002 - FastStream injects it
from faststream.redis.parser.binary import BinaryMessageFormatV1
from redis.exceptions import ResponseError

from contracts.streams import dead_letter_key, stream_key
from eventlog.clock import format_timestamp, system_clock
from eventlog.metric_counters import DEAD_LETTERS

if TYPE_CHECKING:
    from faststream.redis import RedisBroker
    from redis.asyncio import Redis

    from eventlog.settings import Settings

DATA_FIELD = b"__data__"

RECLAIM_CHECKS = 5
"""How often, per reclaim idle time, the reclaimer looks for stalled entries. XAUTOCLAIM does not
block, so checking every read poll would cost a round trip per stream per tenant many times a
second for nothing; an entry is reclaimed at most a fifth of its idle time late."""

log = structlog.get_logger()


@dataclass(frozen=True, slots=True)
class Delivery:
    """One stream entry handed to a consumer."""

    entry_id: str
    body: bytes
    deliveries: int
    unreadable: str | None = None
    """Why the entry could not be read as a message (then `body` is its raw fields, as JSON)."""


Handle = Callable[[list[Delivery]], Awaitable[None]]


async def ensure_group(redis: Redis, stream: str, group: str) -> None:
    """Create `group` on `stream` at the very beginning (`0`); an existing group is kept."""
    try:
        await redis.xgroup_create(stream, group, id="0", mkstream=True)
    except ResponseError as error:
        if "BUSYGROUP" not in str(error):
            raise


def delivery_of(entry_id: str, fields: dict[bytes, bytes], deliveries: int) -> Delivery:
    """An entry as a handler gets it: its message body, or its raw fields and why not.

    The body is our raw JSON, or FastStream's envelope unwrapped.
    """
    raw = fields.get(DATA_FIELD)
    why = None
    if raw is None:
        why = f"the entry has no {DATA_FIELD.decode()} field holding the message"
    else:
        try:
            body, _headers = BinaryMessageFormatV1.parse(raw)
        except (UnicodeDecodeError, ValueError) as error:
            why = f"the entry's {DATA_FIELD.decode()} cannot be read: {error}"
        else:
            return Delivery(entry_id, body, deliveries)
    encoded = {
        base64.b64encode(key).decode(): base64.b64encode(value).decode()
        for key, value in fields.items()
    }
    return Delivery(entry_id, orjson.dumps({"raw_fields_base64": encoded}), deliveries, why)


async def unparsed(
    message: Mapping[str, Any], original: Callable[[Mapping[str, Any]], Awaitable[Any]]
) -> Any:
    """FastStream's parser, given stand-ins for the entries so it decodes none of them.

    The message handed on keeps the real entries as `raw_message`, which is all the handlers
    read (`delivery_of`).
    """
    data = message["data"]
    stand_in = [_STAND_IN] * len(data) if isinstance(data, list) else _STAND_IN
    parsed = await original({**message, "data": stand_in})
    parsed.raw_message = message
    return parsed


_STAND_IN = {DATA_FIELD: b""}


@dataclass
class Subscription:
    """A reader and a reclaimer on one stream; `healthy` while both are running."""

    stream: str
    group: str
    subscribers: list[Any] = field(default_factory=list)

    @property
    def healthy(self) -> bool:
        """Both subscribers are reading (False before start, after stop, or after NOGROUP)."""
        return bool(self.subscribers) and all(sub.running for sub in self.subscribers)

    async def start(self) -> None:
        """Start both subscribers on a broker that is already running (a tenant added later)."""
        for subscriber in self.subscribers:
            await subscriber.start()

    @property
    def problem(self) -> str | None:
        """Why the subscription is not healthy, if it is not."""
        if self.healthy:
            return None
        return (
            f"consumer group {self.group!r} is not reading {self.stream!r} "
            "(stopped, or the group is gone after a Redis flush: restart the service)"
        )


@dataclass
class _Consumer:
    """What the reader and the reclaimer of one subscription share."""

    redis: Redis
    stream: str
    group: str
    handle: Handle
    dead_letters: str
    max_deliveries: int
    last_errors: dict[str, str] = field(default_factory=dict)

    async def run(self, deliveries: list[Delivery]) -> None:
        """Handle a batch and ack it; on failure leave it pending for the reclaimer."""
        try:
            await self.handle(deliveries)
        except Exception as error:
            for delivery in deliveries:
                self.last_errors[delivery.entry_id] = f"{type(error).__name__}: {error}"
            log.exception(
                "handler failed; entries stay pending for reclaim",
                stream=self.stream,
                group=self.group,
                entry_ids=[delivery.entry_id for delivery in deliveries],
            )
            raise
        await self.redis.xack(self.stream, self.group, *(d.entry_id for d in deliveries))
        for delivery in deliveries:
            self.last_errors.pop(delivery.entry_id, None)

    async def read(self, message: RedisStreamMessage) -> None:
        """The reader's handler: one batch of new entries."""
        raw: Any = message.raw_message
        data = raw["data"] if isinstance(raw["data"], list) else [raw["data"]]
        deliveries = [
            delivery_of(entry_id.decode(), fields, 1)
            for entry_id, fields in zip(raw["message_ids"], data, strict=True)
        ]
        await self.run(deliveries)

    async def reclaim(self, message: RedisStreamMessage) -> None:
        """The reclaimer's handler: one entry that sat pending too long."""
        raw: Any = message.raw_message
        entry_id = raw["message_ids"][0].decode()
        fields = raw["data"] if isinstance(raw["data"], dict) else raw["data"][0]
        pending = await self.redis.xpending_range(
            self.stream, self.group, min=entry_id, max=entry_id, count=1
        )
        times = int(pending[0]["times_delivered"]) if pending else 1
        if times > self.max_deliveries:
            await self._dead_letter(entry_id, fields, times)
            return
        await self.run([delivery_of(entry_id, fields, times)])

    async def _dead_letter(self, entry_id: str, fields: dict[bytes, bytes], times: int) -> None:
        """Keep the entry, with why it failed, where people look; then ack it."""
        record = {
            "source_stream": self.stream,
            "group": self.group,
            "entry_id": entry_id,
            "deliveries": times,
            "error": self.last_errors.pop(entry_id, "unknown (failed in another process)"),
            "dead_lettered_at": format_timestamp(system_clock()),
        }
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.xadd(
                self.dead_letters,
                {DATA_FIELD: fields.get(DATA_FIELD, b""), b"__meta__": orjson.dumps(record)},
            )
            pipe.xack(self.stream, self.group, entry_id)
            await pipe.execute()
        DEAD_LETTERS.labels(self.stream, self.group).inc()
        log.error("entry dead-lettered", **record)


def subscribe(
    broker: RedisBroker,
    redis: Redis,
    *,
    stream: str,
    group: str,
    consumer: str,
    handle: Handle,
    dead_letters: str,
    batch_size: int = 500,
    poll_ms: int = 100,
    reclaim_idle_ms: int = 5000,
    max_deliveries: int = 5,
) -> Subscription:
    """Register a batch reader and a reclaimer for `stream` on `broker` (before it starts).

    Call `ensure_group` first so the group exists at `0`; `handle` must make its effect durable
    before returning and be idempotent, since delivery is at least once.
    """
    shared = _Consumer(redis, stream, group, handle, dead_letters, max_deliveries)
    reader = broker.subscriber(
        stream=StreamSub(
            stream,
            group=group,
            consumer=consumer,
            batch=True,
            max_records=batch_size,
            polling_interval=poll_ms,
        ),
        ack_policy=AckPolicy.MANUAL,
        parser=unparsed,
    )
    reclaimer = broker.subscriber(
        stream=StreamSub(
            stream,
            group=group,
            consumer=consumer,
            min_idle_time=reclaim_idle_ms,
            polling_interval=max(poll_ms, reclaim_idle_ms // RECLAIM_CHECKS),
        ),
        ack_policy=AckPolicy.MANUAL,
        parser=unparsed,
    )
    reader(shared.read)
    reclaimer(shared.reclaim)
    return Subscription(stream, group, [reader, reclaimer])


async def consume(
    broker: RedisBroker,
    redis: Redis,
    settings: Settings,
    *,
    tenant: str,
    stream_name: str,
    group: str,
    handle: Handle,
) -> Subscription:
    """Create `group` at `0` on the tenant's `stream_name` and subscribe `handle` to it.

    The service's settings give the consumer name, batch size, polling and reclaim timings; the
    dead letters go to the stream's dead-letter key for `group`.
    """
    stream = stream_key(tenant, stream_name)
    await ensure_group(redis, stream, group)
    return subscribe(
        broker,
        redis,
        stream=stream,
        group=group,
        consumer=settings.consumer,
        handle=handle,
        dead_letters=dead_letter_key(tenant, stream_name, group),
        batch_size=settings.batch_size,
        poll_ms=settings.poll_ms,
        reclaim_idle_ms=settings.reclaim_idle_ms,
        max_deliveries=settings.max_deliveries,
    )


def _text(value: object) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


async def progress(redis: Redis, subscription: Subscription) -> dict[str, Any]:
    """How far a subscription's group has got: caught up when it has read and acked everything."""
    stream, group = subscription.stream, subscription.group
    last = _text((await redis.xinfo_stream(stream))["last-generated-id"])
    found = next(
        (info for info in await redis.xinfo_groups(stream) if _text(info["name"]) == group), None
    )
    delivered = _text(found["last-delivered-id"]) if found else "0-0"
    pending = int(found["pending"]) if found else 0
    return {
        "stream": stream,
        "group": group,
        "last_entry_id": last,
        "last_delivered_id": delivered,
        "pending": pending,
        "caught_up": delivered == last and pending == 0,
    }
