"""The four services on a real three-node Redis Cluster, one process each, two tenants on
different nodes: the whole flow from grade catalogue to ledger and vacancies."""

from __future__ import annotations

import pytest
from conftest import ServiceProcess
from driving import caught_up, load, send
from redis.asyncio import Redis

from cluster.council import (
    POSTS,
    appoint,
    check_books,
    check_cost_updates,
    check_logs,
    node_of,
    post_command,
    unit_command,
)

pytestmark = [pytest.mark.e2e, pytest.mark.redis]


async def test_two_tenants_on_different_nodes_run_the_whole_flow(
    services: dict[str, ServiceProcess], redis: Redis, tenants: tuple[str, str]
) -> None:
    """Catalogue, unit, posts, appointment: ledger and vacancies right for each node's tenant."""
    assert node_of(redis, tenants[0]) != node_of(redis, tenants[1])
    for tenant in tenants:
        load(services, tenant, "catalogue_njc_leeds_style")
        send(services, tenant, unit_command("unit"))
        for post in POSTS:
            send(services, tenant, post_command("unit", post))
    caught_up(services["recruitment"])
    for tenant in tenants:
        appoint(services["recruitment"], tenant, POSTS[0].post_id)
    for service in services.values():
        caught_up(service)
    for tenant in tenants:
        check_books(services, tenant)
        check_cost_updates(await check_logs(redis, tenant), tenant)
        keys = [key async for key in redis.scan_iter(match=f"{{{tenant}}}:*")]
        assert len(keys) > len(POSTS)
        assert {node_of(redis, key.decode()) for key in keys} == {node_of(redis, tenant)}
