"""How replicas of one service share tenants' streams through leases, tick by tick, on the
cluster: with stand-in subscribers, so each hand-over can be stepped through and watched."""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import uuid4

import pytest
from redis.asyncio import Redis
from waiting import until_async

from contracts.streams import stream_key
from eventlog.consumer_leases import ConsumerLeases, LeasedSubscription, fair_share, lease_key
from eventlog.subscribers import Subscription, ensure_group

pytestmark = [pytest.mark.redis]

SERVICE = "svc"
GROUP = "svc"


@dataclass
class StandIn:
    """A subscriber that only records when it was started and stopped."""

    name: str
    journal: list[str]
    running: bool = False

    async def start(self) -> None:
        self.running = True
        self.journal.append(f"{self.name} started")

    async def stop(self) -> None:
        self.running = False
        self.journal.append(f"{self.name} stopped")


@dataclass
class Replica:
    """One replica's leases over the tenants, and its stand-in readers by tenant."""

    leases: ConsumerLeases
    readers: dict[str, StandIn] = field(default_factory=dict)
    journal: list[str] = field(default_factory=list)

    def reading(self) -> list[str]:
        """The tenants whose reader runs here."""
        return sorted(tenant for tenant, reader in self.readers.items() if reader.running)

    async def tick(self) -> None:
        """One tick of the leases, and every start or hand-over it begins, finished."""
        await self.leases.tick()
        await self.leases.settle()


def replica(redis: Redis, system: str, name: str, tenants: list[str]) -> Replica:
    """A replica named `name` offered every tenant in `tenants`."""
    made = Replica(
        ConsumerLeases(
            redis,
            service=SERVICE,
            system=system,
            consumer=name,
            lease_ms=10_000,
            drain_seconds=5,
            poll_seconds=0.01,
        )
    )
    for tenant in tenants:
        stream = stream_key(tenant, "source.events")
        reader = StandIn(f"{tenant} reader", made.journal)
        made.readers[tenant] = reader

        async def subscribe(
            stream: str = stream, reader: StandIn = reader, tenant: str = tenant
        ) -> Subscription:
            await ensure_group(redis, stream, GROUP)
            reclaimer = StandIn(f"{tenant} reclaimer", made.journal)
            return Subscription(stream, GROUP, [reader, reclaimer])

        made.leases.add(tenant, [LeasedSubscription(stream, GROUP, subscribe)])
    return made


def test_a_fair_share_is_the_tenants_over_the_replicas_rounded_up() -> None:
    """Four tenants over three replicas: at most two each; no replicas counts as one."""
    assert [fair_share(4, replicas) for replicas in (0, 1, 2, 3, 4, 5)] == [4, 4, 2, 2, 1, 1]


async def test_replicas_split_the_tenants_and_the_last_one_takes_them_all(
    redis: Redis, system: str
) -> None:
    """A lone replica takes all four tenants; a second gets two; when it leaves, they return."""
    tenants = sorted(f"t-{uuid4().hex[:12]}" for _ in range(4))
    first, second = (replica(redis, system, name, tenants) for name in ("one", "two"))
    await first.tick()
    assert first.reading() == tenants
    await second.tick()
    assert second.reading() == []
    await first.tick()
    assert first.reading() == tenants[:2]
    await second.tick()
    assert second.reading() == tenants[2:]
    holders = [await redis.get(lease_key(tenant, SERVICE)) for tenant in tenants]
    assert holders == [b"one", b"one", b"two", b"two"]
    await second.leases.close()
    assert [await redis.get(lease_key(tenant, SERVICE)) for tenant in tenants[2:]] == [None, None]
    await first.tick()
    await first.tick()
    assert first.reading() == tenants
    assert [await redis.get(lease_key(tenant, SERVICE)) for tenant in tenants] == [b"one"] * 4
    await first.leases.close()


async def test_a_replica_that_lost_its_lease_stops_reading_and_leaves_the_new_holder_be(
    redis: Redis, system: str
) -> None:
    """A lease taken over while its holder stalled: it stops reading and leaves the lease be."""
    tenant = f"t-{uuid4().hex[:12]}"
    stalled = replica(redis, system, "stalled", [tenant])
    await stalled.tick()
    assert stalled.reading() == [tenant]
    await redis.set(lease_key(tenant, SERVICE), "newcomer")
    await stalled.tick()
    assert stalled.reading() == []
    assert await redis.get(lease_key(tenant, SERVICE)) == b"newcomer"
    await stalled.leases.close()
    assert await redis.get(lease_key(tenant, SERVICE)) == b"newcomer"


async def test_a_taker_reads_new_entries_only_once_its_predecessors_pending_ones_are_done(
    redis: Redis, system: str
) -> None:
    """Entries a dead replica read but never acked are handled before the new holder reads on."""
    tenant = f"t-{uuid4().hex[:12]}"
    stream = stream_key(tenant, "source.events")
    await ensure_group(redis, stream, GROUP)
    entry = await redis.xadd(stream, {"n": "1"})
    await redis.xreadgroup(GROUP, "dead", {stream: ">"})
    taker = replica(redis, system, "taker", [tenant])
    await taker.leases.tick()

    async def reclaiming() -> bool:
        return bool(taker.journal)

    await until_async(reclaiming, "the taker to start reclaiming", 5)
    assert taker.journal == [f"{tenant} reclaimer started"]
    await redis.xack(stream, GROUP, entry)
    await taker.leases.settle()
    assert taker.journal == [f"{tenant} reclaimer started", f"{tenant} reader started"]
    await taker.leases.close()
