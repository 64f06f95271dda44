"""A tenant provisioned while the services runs is served by every service at once, with no restart.

Four service processes are already running when the tenant is created; its catalogue, units,
posts, an appointment and a deletion go in over HTTP and one command over its command stream,
and each reaches every service that follows it. A tenant never provisioned is refused everywhere.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import uuid4

import httpx
import orjson
import pytest
from bearer import auth, speaking_for
from conftest import ServiceProcess
from driving import caught_up, get, load, send, serving, stream_events
from grade_catalogue import record_catalogue
from redis import Redis as SyncRedis
from waiting import until, until_async

from contracts.streams import (
    ESTABLISHMENT_COMMANDS,
    ESTABLISHMENT_EVENTS,
    FINANCE_COST_UPDATES,
    StoreKeys,
    stream_key,
)

if TYPE_CHECKING:
    from pathlib import Path

    from redis.asyncio import Redis

pytestmark = [pytest.mark.e2e, pytest.mark.redis]

DAY = "2023-04-01"
POSTS = 100


def provision(services: dict[str, ServiceProcess], body: dict[str, Any]) -> httpx.Response:
    """POST /tenants on establishment."""
    return httpx.post(
        f"{services['establishment'].url}/tenants", json=body, headers=auth(), timeout=30
    )


def test_every_service_refuses_a_tenant_that_was_never_provisioned(
    services: dict[str, ServiceProcess],
) -> None:
    """Reads and writes for an unknown tenant are 404 unknown-tenant on all four services."""
    stranger = speaking_for(f"n-{uuid4().hex[:10]}")
    reads = {
        "establishment": "/structure",
        "grading": "/grades",
        "recruitment": "/vacancies",
        "finance": "/ledger?fy=2023",
    }
    for name, path in reads.items():
        reply = httpx.get(f"{services[name].url}{path}", headers=stranger, timeout=30)
        assert reply.status_code == 404, (name, reply.text)
        assert reply.json()["type"] == "urn:estab:problem:unknown-tenant"
    unit = {"org_unit_id": "u", "name": "U", "effective_date": DAY}
    reply = httpx.post(f"{services['establishment'].url}/org-units", json=unit, headers=stranger)
    assert reply.status_code == 404


def test_provisioning_the_same_tenant_again_is_200_and_other_settings_are_a_conflict(
    services: dict[str, ServiceProcess],
) -> None:
    """POST /tenants: 201, the same again 200, different settings 409; GET /tenants lists it."""
    name = f"n-{uuid4().hex[:10]}"
    body = {"tenant": name, "name": "Newtown Council", "vacancy_control": "required"}
    assert provision(services, body).status_code == 201
    again = provision(services, body)
    assert again.status_code == 200
    assert again.json()["vacancy_control"] == "required"
    assert provision(services, {"tenant": name}).status_code == 200
    clash = provision(services, {**body, "vacancy_control": "advisory"})
    assert clash.status_code == 409
    listed = httpx.get(f"{services['establishment'].url}/tenants", headers=auth()).json()
    listed = listed["tenants"]
    assert [item["name"] for item in listed if item["tenant"] == name] == ["Newtown Council"]


def test_a_tenant_created_while_the_stack_runs_reaches_all_four_services(
    services: dict[str, ServiceProcess], redis_url: str
) -> None:
    """Catalogue, units, posts, an appointment, a deletion and a streamed command, no restart."""
    tenant = f"n-{uuid4().hex[:10]}"
    assert provision(services, {"tenant": tenant, "name": "Newtown Council"}).status_code == 201
    for service in services.values():
        serving(service, tenant)  # noticed by the registry watcher, with no request naming it
    load(services, tenant, "catalogue_njc_leeds_style")
    unit = {"type": "CreateOrgUnit", "org_unit_id": "hq", "name": "HQ", "effective_date": DAY}
    send(services, tenant, unit)
    for post_id, grade in (("p-kept", "SO1"), ("p-cut", "PO4")):
        post = {
            "type": "CreatePost",
            "post_id": post_id,
            "title": f"Officer {post_id}",
            "grade": grade,
            "fte": "1",
            "org_unit_id": "hq",
            "effective_date": DAY,
        }
        send(services, tenant, post)
    appointment = {
        "type": "AppointPostholder",
        "post_id": "p-cut",
        "person_ref": "nt-0001",
        "start_date": DAY,
    }
    send(services, tenant, appointment)
    send(
        services, tenant, {"type": "DeletePost", "post_id": "p-cut", "effective_date": "2024-01-01"}
    )
    streamed = {
        "type": "CreatePost",
        "post_id": "p-streamed",
        "title": "Streamed Officer",
        "grade": "po2",
        "fte": "0.5",
        "org_unit_id": "hq",
        "effective_date": DAY,
    }
    with SyncRedis.from_url(redis_url) as redis:
        redis.xadd(stream_key(tenant, ESTABLISHMENT_COMMANDS), {"__data__": orjson.dumps(streamed)})
    until(
        lambda: any(
            event["aggregate_id"] == "p-streamed"
            for event in stream_events(redis_url, tenant, ESTABLISHMENT_EVENTS)
        ),
        "the streamed command to be recorded",
    )
    for service in services.values():
        caught_up(service)

    post = get(services["establishment"], tenant, "/posts/p-streamed", as_of=DAY)
    assert (post["grade"], post["fte"]) == ("PO2", "0.5000")
    pending = get(services["grading"], tenant, "/evaluations/pending", as_of=DAY)["posts"]
    assert {item["post_id"] for item in pending} == {"p-kept", "p-cut", "p-streamed"}
    at_risk = get(services["recruitment"], tenant, "/at-risk", as_of="2024-01-01")
    assert [person["person_ref"] for person in at_risk["people"]] == ["nt-0001"]
    ledger = get(services["finance"], tenant, "/ledger", fy=2023, group_by="post")
    rows = {row["key"]: row for row in ledger["rows"]}
    assert set(rows) == {"p-kept", "p-cut", "p-streamed"}
    assert all(row["in_year_cost"] != "0.00" for row in rows.values())
    assert ledger["unpriced"] == []
    updates = stream_events(redis_url, tenant, FINANCE_COST_UPDATES)
    assert {event["payload"]["post_id"] for event in updates} >= {"p-kept", "p-cut", "p-streamed"}


async def test_every_replica_of_a_service_consumes_a_provisioned_tenants_commands(
    establishment_service: ServiceProcess,
    redis: Redis,
    redis_url: str,
    system: str,
    tmp_path: Path,
) -> None:
    """Either of two establishment replicas, alone, records the tenant's commands, each once."""
    tenant = f"n-{uuid4().hex[:10]}"
    assert (
        provision({"establishment": establishment_service}, {"tenant": tenant}).status_code == 201
    )
    await record_catalogue(redis, tenant)
    replica = ServiceProcess("services.establishment", redis_url, tmp_path / "replica.log", system)
    replica.start()
    commands = stream_key(tenant, ESTABLISHMENT_COMMANDS)
    events = StoreKeys.for_stream(tenant, ESTABLISHMENT_EVENTS).stream
    try:
        for service in (establishment_service, replica):
            serving(service, tenant)
        unit = {"type": "CreateOrgUnit", "org_unit_id": "hq", "name": "HQ", "effective_date": DAY}
        await redis.xadd(commands, {"__data__": orjson.dumps(unit)})
        for wave, (down, up) in enumerate(((establishment_service, replica), (replica, None))):
            down.stop()
            if up is None:
                establishment_service.start()
                serving(establishment_service, tenant)
            async with redis.pipeline(transaction=False) as pipe:
                for number in range(wave * POSTS, (wave + 1) * POSTS):
                    pipe.xadd(commands, {"__data__": orjson.dumps(officer(f"p{number}"))})
                await pipe.execute()

            async def recorded(count: int = (wave + 1) * POSTS + 1) -> bool:
                return bool(await redis.xlen(events) == count)

            await until_async(recorded, f"wave {wave} recorded by the replica still up")
        caught_up(establishment_service)
        causes = [
            event["causation_id"]
            for event in stream_events(redis_url, tenant, ESTABLISHMENT_EVENTS)
        ]
        assert len(causes) == len(set(causes)) == 2 * POSTS + 1
    finally:
        replica.stop()


def officer(post_id: str) -> dict[str, str]:
    """A CreatePost command for one SO1 officer in `hq`."""
    return {
        "type": "CreatePost",
        "post_id": post_id,
        "title": "Officer",
        "grade": "SO1",
        "fte": "1",
        "org_unit_id": "hq",
        "effective_date": DAY,
    }
