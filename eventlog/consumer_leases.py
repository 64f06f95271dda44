"""Which replica of a service consumes each tenant's streams: one at a time, tenants shared out.

Several replicas of a service may run against one Redis (or Redis Cluster). Every replica serves
HTTP for every tenant (appends are safe under concurrency: the Lua append checks the chain head),
but if two replicas read one tenant's stream through the shared consumer group at once, each gets
part of it and their effects land out of order (REDIS_STREAMS.md item 5). So a replica consumes a
tenant's streams only while it holds the tenant's **lease** (`{tenant}:<service>.lease`, a key with
a time to live naming the replica), and takes no more than its fair share of the tenants: the
number of tenants divided by the live replicas (each keeps itself in `{system}:<service>.replicas`
with an expiry, using Redis's clock), rounded up. A replica over its share lets the extra tenants
go (it stops their subscribers, finishing the batch in hand, then deletes the lease), and one
under its share picks them up on its next tick.

A replica that takes a tenant over starts the reclaimer first and the reader only once the group
has nothing pending: entries its predecessor read but never acknowledged (a crash, or the batch in
flight when it let go) are handled before newer ones, so the tenant's order survives a hand-over.

A replica that stalls for longer than the lease (a frozen VM) may find on waking that another took
its tenants; it then stops consuming them. In that window both may handle entries: the chain-head
check and the idempotency keys still keep every log consistent and nothing is recorded twice, but
effects may be recorded out of order. Make the lease long against the stalls you expect.
"""

from __future__ import annotations

import asyncio
import enum
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import structlog

from contracts.streams import stream_key

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from redis.asyncio import Redis

    from eventlog.subscribers import Subscription

log = structlog.get_logger()

LEASE_TICKS = 8
"""A lease outlives this many ticks (renewals) unless the reclaim idle time is longer still."""

CLAIM = """
local owner = redis.call('GET', KEYS[1])
if owner and owner ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
"""
"""Take or renew a lease (KEYS[1]) for ARGV[1] for ARGV[2] ms; 1 if ARGV[1] holds it now."""

RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIREAT', KEYS[1], 1) end
return 0
"""
"""End a lease (KEYS[1]) at once, only if ARGV[1] holds it.

An expiry in the past rather than a DEL: the Redis users (eventlog.redis_users) may expire only
their lease keys, and delete nothing."""

BEAT = """
local now = redis.call('TIME')
local ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ms)
if ARGV[2] == '0' then redis.call('ZREM', KEYS[1], ARGV[1]) return 0 end
redis.call('ZADD', KEYS[1], ms + tonumber(ARGV[2]), ARGV[1])
return redis.call('ZCARD', KEYS[1])
"""
"""Keep ARGV[1] among the live replicas (KEYS[1]) for ARGV[2] ms (0: leave); how many are live."""


def fair_share(tenants: int, replicas: int) -> int:
    """How many tenants each of `replicas` live replicas consumes at most (a share, rounded up)."""
    return -(-tenants // max(replicas, 1))


def lease_key(tenant: str, service: str) -> str:
    """The key naming the replica of `service` that consumes `tenant`'s streams."""
    return stream_key(tenant, f"{service}.lease")


def replicas_key(system: str, service: str) -> str:
    """The sorted set of live replicas of `service` (member: consumer name; score: expiry ms)."""
    return f"{{{system}}}:{service}.replicas"


@dataclass
class LeasedSubscription:
    """One tenant stream this replica consumes while it holds the tenant's lease.

    `/health` and `/progress` read these (`stream`, `group`, `healthy`, `problem`): every replica
    reports every tenant's consumer groups, and a replica that does not hold a tenant is healthy
    for it (another replica consumes it). The subscription is made on first use.
    """

    stream: str
    group: str
    subscribe: Callable[[], Awaitable[Subscription]]
    subscription: Subscription | None = None
    consuming: bool = False

    @property
    def healthy(self) -> bool:
        """Not meant to consume here, or the reader and reclaimer are both running."""
        return not self.consuming or (self.subscription is not None and self.subscription.healthy)

    @property
    def problem(self) -> str | None:
        """Why it is not healthy, if it is not."""
        if self.healthy:
            return None
        if self.subscription is None:
            return f"consumer group {self.group!r} on {self.stream!r} is not subscribed yet"
        return self.subscription.problem

    async def start(self, redis: Redis, drain_seconds: float, poll_seconds: float) -> None:
        """Reclaim what a predecessor left pending, then read new entries (module docstring)."""
        self.consuming = True
        if self.subscription is None:
            self.subscription = await self.subscribe()
        reader, reclaimer = self.subscription.subscribers
        await reclaimer.start()
        deadline = time.monotonic() + drain_seconds
        while int((await redis.xpending(self.stream, self.group))["pending"]):
            if time.monotonic() > deadline:
                log.warning("pending entries not drained; reading on", stream=self.stream)
                break
            await asyncio.sleep(poll_seconds)
        await reader.start()

    async def stop(self) -> None:
        """Stop reading (a batch being handled is finished and acknowledged first)."""
        self.consuming = False
        if self.subscription is not None:
            for subscriber in self.subscription.subscribers:
                await subscriber.stop()


QUIESCE_SECONDS = 5.0
"""How long stopping waits for consumers that are still starting or stopping."""


class Hold(enum.Enum):
    """Where this replica stands with one tenant's lease."""

    FREE = "free"
    HELD = "held"
    LETTING_GO = "letting go"


@dataclass
class TenantConsumers:
    """One tenant's consumed streams in this replica, and its lease."""

    tenant: str
    streams: list[LeasedSubscription]
    hold: Hold = Hold.FREE
    stopped: bool = False
    """Letting go, and its subscribers have stopped: the lease is being released, not renewed."""
    task: asyncio.Task[None] | None = field(default=None, repr=False)


class ConsumerLeases:
    """The tenants this replica consumes: a fair share of all, each under its lease."""

    def __init__(
        self,
        redis: Redis,
        *,
        service: str,
        system: str,
        consumer: str,
        lease_ms: int,
        drain_seconds: float,
        poll_seconds: float,
    ) -> None:
        self.redis = redis
        self.service = service
        self.consumer = consumer
        self.lease_ms = lease_ms
        self.drain_seconds = drain_seconds
        self.poll_seconds = poll_seconds
        self.replicas = replicas_key(system, service)
        self.tenants: dict[str, TenantConsumers] = {}
        self._claim = redis.register_script(CLAIM)
        self._release = redis.register_script(RELEASE)
        self._beat = redis.register_script(BEAT)
        self.wake = asyncio.Event()

    def add(self, tenant: str, streams: list[LeasedSubscription]) -> None:
        """Consider `tenant` for consuming from the next tick on (which it brings forward)."""
        self.tenants[tenant] = TenantConsumers(tenant, streams)
        self.wake.set()

    async def _holds(self, tenant: str) -> bool:
        key = lease_key(tenant, self.service)
        return bool(await self._claim(keys=[key], args=[self.consumer, self.lease_ms]))

    async def tick(self) -> None:
        """Renew the leases held, let go of tenants over the fair share, take up free ones."""
        self.wake.clear()
        live = int(await self._beat(keys=[self.replicas], args=[self.consumer, self.lease_ms]))
        share = fair_share(len(self.tenants), live)
        for item in self._in(Hold.HELD, Hold.LETTING_GO):
            if item.hold is Hold.LETTING_GO and item.stopped:
                continue
            if not await self._holds(item.tenant) and item.hold is Hold.HELD:
                log.warning("lease lost; another replica consumes the tenant", tenant=item.tenant)
                self._let_go(item, release=False)
        held = self._in(Hold.HELD)
        for item in held[share:]:
            self._let_go(item, release=True)
        count = min(len(held), share)
        for item in self._in(Hold.FREE):
            if count >= share:
                break
            if await self._holds(item.tenant):
                count += 1
                self._take(item)

    def _in(self, *holds: Hold) -> list[TenantConsumers]:
        """The tenants whose lease stands as one of `holds`, by name."""
        return sorted(
            (item for item in self.tenants.values() if item.hold in holds),
            key=lambda item: item.tenant,
        )

    def _take(self, item: TenantConsumers) -> None:
        item.hold = Hold.HELD
        item.stopped = False
        log.info("consuming tenant", tenant=item.tenant, consumer=self.consumer)

        async def start() -> None:
            try:
                for stream in item.streams:
                    await stream.start(self.redis, self.drain_seconds, self.poll_seconds)
            except Exception:
                log.exception(
                    "could not start consuming; letting the tenant go", tenant=item.tenant
                )
                self._let_go(item, release=True)

        item.task = asyncio.create_task(start())

    def _let_go(self, item: TenantConsumers, *, release: bool) -> None:
        item.hold = Hold.LETTING_GO
        item.stopped = False
        starting = item.task
        key = lease_key(item.tenant, self.service)

        async def stop() -> None:
            if starting is not None and starting is not asyncio.current_task():
                await asyncio.gather(starting, return_exceptions=True)
            for stream in item.streams:
                await stream.stop()
            item.stopped = True
            if release:
                await self._release(keys=[key], args=[self.consumer])
            item.hold = Hold.FREE
            log.info("tenant let go", tenant=item.tenant, consumer=self.consumer)

        item.task = asyncio.create_task(stop())

    async def settle(self) -> None:
        """Wait until every start or hand-over begun so far has finished."""
        await asyncio.gather(*(t.task for t in self.tenants.values() if t.task is not None))

    async def quiesce(self, seconds: float = QUIESCE_SECONDS) -> None:
        """Before the broker stops: let consumers that are starting or stopping finish.

        A consumer still starting when the broker closes its connections would open one of its
        own afterwards, on a closed pool, and leave it open. Those that take longer than
        `seconds` (draining a predecessor's pending entries) are cancelled.
        """
        tasks = [item.task for item in self.tenants.values() if item.task is not None]
        if not tasks:
            return
        _, late = await asyncio.wait(tasks, timeout=seconds)
        for task in late:
            task.cancel()
        await asyncio.gather(*late, return_exceptions=True)

    async def close(self) -> None:
        """After the broker has stopped: give up every lease and leave the live replicas."""
        await asyncio.gather(
            *(t.task for t in self.tenants.values() if t.task is not None),
            return_exceptions=True,
        )
        for item in self.tenants.values():
            if item.hold is not Hold.FREE:
                await self._release(
                    keys=[lease_key(item.tenant, self.service)], args=[self.consumer]
                )
                item.hold = Hold.FREE
        await self._beat(keys=[self.replicas], args=[self.consumer, 0])


async def keep_leases(leases: ConsumerLeases, seconds: float, stopping: asyncio.Event) -> None:
    """Tick every `seconds` (sooner when a tenant is added) until `stopping` is set.

    A tick that fails (Redis unreachable) is logged and retried; the leases then lapse only if
    Redis stays away longer than they last, and another replica takes over.
    """
    while not stopping.is_set():
        try:
            await leases.tick()
        except Exception:
            log.exception("consumer leases could not be renewed; retrying")
        waits = [asyncio.ensure_future(stopping.wait()), asyncio.ensure_future(leases.wake.wait())]
        _, pending = await asyncio.wait(waits, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
        for waiting in pending:
            waiting.cancel()
