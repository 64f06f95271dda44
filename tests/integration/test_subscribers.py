"""One real-Redis test per item of REDIS_STREAMS.md that the subscription helpers encode."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import orjson
import pytest
from faststream.redis import RedisBroker
from redis.asyncio import Redis
from waiting import until_async

from contracts.streams import stream_key
from eventlog.audit import stream_bodies
from eventlog.subscribers import Delivery, Subscription, ensure_group, subscribe
from eventlog.tracking import ProcessedIds

pytestmark = pytest.mark.redis

GROUP = "test-group"


class Recorder:
    """A handler that records what it saw and can be told to fail or to wait."""

    def __init__(self) -> None:
        self.seen: list[Delivery] = []
        self.fail_on: dict[bytes, int] = {}
        self.gate: asyncio.Event | None = None

    async def __call__(self, deliveries: list[Delivery]) -> None:
        for delivery in deliveries:
            if self.fail_on.get(delivery.body, 0) > 0:
                self.fail_on[delivery.body] -= 1
                raise RuntimeError(f"cannot handle {delivery.body!r}")
        if self.gate is not None:
            await self.gate.wait()
        self.seen.extend(deliveries)

    def bodies(self) -> list[bytes]:
        return [delivery.body for delivery in self.seen]


@pytest.fixture
def stream(tenant: str) -> str:
    return stream_key(tenant, "test.events")


@pytest.fixture
async def running(
    redis_url: str, redis: Redis, stream: str
) -> AsyncIterator[Callable[[Recorder], Awaitable[Subscription]]]:
    brokers: list[RedisBroker] = []

    async def start(recorder: Recorder) -> Subscription:
        broker = RedisBroker(redis_url)
        await ensure_group(redis, stream, GROUP)
        subscription = subscribe(
            broker,
            redis,
            stream=stream,
            group=GROUP,
            consumer="c1",
            handle=recorder,
            dead_letters=f"{stream}:dead",
            batch_size=50,
            poll_ms=20,
            reclaim_idle_ms=100,
            max_deliveries=3,
        )
        await broker.start()
        brokers.append(broker)
        return subscription

    yield start
    for broker in brokers:
        await broker.stop()


async def add(redis: Redis, stream: str, *bodies: bytes) -> list[str]:
    ids = []
    for body in bodies:
        entry = await redis.xadd(stream, {"__data__": body})
        ids.append(entry.decode() if isinstance(entry, bytes) else str(entry))
    return ids


async def pending(redis: Redis, stream: str) -> int:
    summary: Any = await redis.xpending(stream, GROUP)
    return int(summary["pending"])


async def test_1_history_written_before_the_group_is_delivered(
    running: Any, redis: Redis, stream: str
) -> None:
    """Entries added before the subscription starts are delivered to it, in order."""
    await add(redis, stream, b'{"n": 1}', b'{"n": 2}')
    recorder = Recorder()
    await running(recorder)

    async def both() -> bool:
        return len(recorder.seen) == 2

    await until_async(both, "both old entries")
    assert recorder.bodies() == [b'{"n": 1}', b'{"n": 2}']


async def test_2_a_failed_entry_is_reclaimed_and_processed_once(
    running: Any, redis: Redis, stream: str
) -> None:
    """An entry whose handler fails once is reclaimed, handled on its second delivery and acked."""
    recorder = Recorder()
    recorder.fail_on[b'{"n": "flaky"}'] = 1
    await running(recorder)
    await add(redis, stream, b'{"n": "flaky"}')

    async def handled() -> bool:
        return recorder.bodies() == [b'{"n": "flaky"}'] and await pending(redis, stream) == 0

    await until_async(handled, "the reclaimer to handle the entry")
    assert recorder.seen[0].deliveries == 2


async def test_3_a_poison_entry_is_dead_lettered_with_its_error(
    running: Any, redis: Redis, stream: str
) -> None:
    """An entry that always fails is dead-lettered with its id, its 4 deliveries and the error."""
    recorder = Recorder()
    recorder.fail_on[b'{"n": "poison"}'] = 1000
    await running(recorder)
    [entry_id] = await add(redis, stream, b'{"n": "poison"}')

    async def dead() -> bool:
        return bool(await redis.xlen(f"{stream}:dead")) and await pending(redis, stream) == 0

    await until_async(dead, "the dead letter")
    [(_, fields)] = list(await redis.xrange(f"{stream}:dead") or [])
    assert fields is not None
    meta = orjson.loads(fields[b"__meta__"])
    assert fields[b"__data__"] == b'{"n": "poison"}'
    assert meta["entry_id"] == entry_id
    assert meta["deliveries"] == 4
    assert "cannot handle" in meta["error"]
    assert recorder.seen == []


async def test_4_entries_are_acked_only_after_the_handler_returns(
    running: Any, redis: Redis, stream: str
) -> None:
    """An entry stays pending while its handler runs and is acked only once the handler returns."""
    recorder = Recorder()
    recorder.gate = asyncio.Event()
    await running(recorder)
    await add(redis, stream, b'{"n": 1}')

    async def delivered() -> bool:
        return await pending(redis, stream) == 1

    await until_async(delivered, "the entry to be delivered")
    assert recorder.seen == []
    recorder.gate.set()

    async def acked() -> bool:
        return await pending(redis, stream) == 0

    await until_async(acked, "the ack")
    assert len(recorder.seen) == 1


async def test_5_order_is_kept_for_one_consumer(running: Any, redis: Redis, stream: str) -> None:
    """One consumer sees 300 entries in exactly the order they were added."""
    recorder = Recorder()
    await running(recorder)
    bodies = [orjson.dumps({"n": number}) for number in range(300)]
    await add(redis, stream, *bodies)

    async def all_seen() -> bool:
        return len(recorder.seen) == 300

    await until_async(all_seen, "300 entries")
    assert recorder.bodies() == bodies


async def test_6_entry_ids_are_redis_ids_and_redeliveries_are_recognised(
    running: Any, redis: Redis, stream: str
) -> None:
    """Deliveries carry their Redis entry ids, and ids marked processed are recognised as seen."""
    recorder = Recorder()
    await running(recorder)
    ids = await add(redis, stream, b'{"n": 1}')

    async def seen() -> bool:
        return len(recorder.seen) == 1

    await until_async(seen, "the entry")
    assert [delivery.entry_id for delivery in recorder.seen] == ids
    processed = ProcessedIds(redis, f"{stream}:processed")
    async with redis.pipeline(transaction=True) as pipe:
        processed.mark(pipe, ids)
        await pipe.execute()
    assert await processed.seen([*ids, "0-1"]) == set(ids)


async def test_7_a_vanished_group_makes_the_subscription_unhealthy(
    running: Any, redis: Redis, stream: str
) -> None:
    """Deleting the stream under the group makes the subscription unhealthy, saying to restart."""
    subscription = await running(Recorder())
    assert subscription.healthy
    await redis.delete(stream)

    async def unhealthy() -> bool:
        return not subscription.healthy

    await until_async(unhealthy, "the subscriber to stop on NOGROUP")
    assert subscription.problem is not None
    assert "restart" in subscription.problem


async def test_8_streams_are_never_trimmed(running: Any, redis: Redis, stream: str) -> None:
    """After 2000 entries are handled, the stream still holds all 2000 of them."""
    recorder = Recorder()
    await running(recorder)
    await add(redis, stream, *(orjson.dumps({"n": number}) for number in range(2000)))

    async def all_seen() -> bool:
        return len(recorder.seen) == 2000

    await until_async(all_seen, "2000 entries")
    assert await redis.xlen(stream) == 2000
    assert len(await stream_bodies(redis, stream)) == 2000


async def test_faststream_published_messages_arrive_as_their_json_body(
    running: Any, redis_url: str, stream: str
) -> None:
    """A message published through FastStream reaches the handler as its JSON body."""
    recorder = Recorder()
    await running(recorder)
    async with RedisBroker(redis_url) as publisher:
        await publisher.publish({"type": "CreatePost"}, stream=stream)

    async def seen() -> bool:
        return len(recorder.seen) == 1

    await until_async(seen, "the published message")
    assert orjson.loads(recorder.seen[0].body) == {"type": "CreatePost"}
