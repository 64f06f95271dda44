"""The suite's fixtures pointed at a real three-node Redis Cluster on loopback.

Overriding `redis_url` (and `redis`, whose root version speaks to one server) makes every root
fixture (`registry`, `tenant`, `settings`, the service processes) use the cluster, so these
tests drive the services exactly as the rest of the suite does, only past one machine's Redis.
`replicas` starts two processes of each service.
"""

from __future__ import annotations

from contextlib import ExitStack
from typing import TYPE_CHECKING
from uuid import uuid4

import pytest
from conftest import ServiceProcess, provision
from redis.asyncio.cluster import RedisCluster

from cli.supervisor import SERVICES
from cluster.council import node_of
from eventlog.redis_client import redis_client
from eventlog.redis_server import EmbeddedRedisCluster

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator
    from pathlib import Path

    from redis.asyncio import Redis

    from eventlog.tenant_registry import TenantRegistry


@pytest.fixture(scope="session")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedRedisCluster]:
    """Three redis-server masters in cluster mode, slots shared out, for the whole session."""
    with EmbeddedRedisCluster(tmp_path_factory.mktemp("redis-cluster")) as started:
        yield started


@pytest.fixture(scope="session")
def redis_url(cluster: EmbeddedRedisCluster) -> str:
    """The cluster's `redis+cluster://` URL, in place of the root's single server."""
    return cluster.url


@pytest.fixture
async def redis(redis_url: str) -> AsyncIterator[Redis]:
    """A cluster client, built from the URL as the services build theirs."""
    client = redis_client(redis_url)
    assert isinstance(client, RedisCluster)
    try:
        yield client
    finally:
        await client.aclose()


@pytest.fixture
async def tenants(redis: Redis, registry: TenantRegistry, tenant: str) -> tuple[str, str]:
    """The test's tenant and a second one provisioned on a different cluster node."""
    await redis.ping()
    while True:
        other = f"t-{uuid4().hex[:12]}"
        if node_of(redis, other) != node_of(redis, tenant):
            return tenant, await provision(registry, other)


@pytest.fixture
def replicas(
    redis_url: str, tenants: tuple[str, str], system: str, tmp_path: Path
) -> Iterator[dict[str, list[ServiceProcess]]]:
    """Two processes of each service on the cluster, both serving both tenants, by name.

    They start one after another: each spends seconds of CPU importing, and two starting at once
    on a busy two-core machine can outlast the 30 s a start may take.
    """
    with ExitStack() as stack:
        groups: dict[str, list[ServiceProcess]] = {spec.name: [] for spec in SERVICES}
        for copy in range(2):
            for spec in SERVICES:
                log = tmp_path / f"{spec.name}-{copy}.log"
                process = ServiceProcess(spec.module, redis_url, log, system)
                stack.callback(process.stop)  # before start: a start that times out is stopped
                process.start()
                groups[spec.name].append(process)
        yield groups
