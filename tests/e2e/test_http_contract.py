"""The establishment service over HTTP, as an HR system uses it: writes, refusals, races."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any
from uuid import uuid4

import httpx
import pytest
from bearer import speaking_for
from redis import Redis as SyncRedis
from redis.asyncio import Redis

from contracts.streams import ESTABLISHMENT_EVENTS, StoreKeys
from eventlog.audit import stream_bodies

pytestmark = [pytest.mark.e2e, pytest.mark.redis, pytest.mark.usefixtures("with_catalogue")]


@pytest.fixture
def client(establishment_service: Any, tenant: str) -> Iterator[httpx.Client]:
    with httpx.Client(
        base_url=establishment_service.url, headers=speaking_for(tenant), timeout=30
    ) as client:
        yield client


def seed(client: httpx.Client) -> None:
    unit = client.post(
        "/org-units",
        json={"org_unit_id": "cf", "name": "Children and Families", "effective_date": "2000-01-01"},
    )
    assert unit.status_code == 201, unit.text
    created = client.post(
        "/posts",
        json={
            "post_id": "co-li",
            "title": "Chief Officer Learning and Improvement",
            "grade": "Dir 80%",
            "fte": "1",
            "org_unit_id": "cf",
            "budgeted_annual_cost": "126000.00",
            "effective_date": "2017-04-01",
        },
    )
    assert created.status_code == 201, created.text
    assert created.json()["post_id"] == "co-li"
    assert created.json()["version"] == 1


async def stream_entries(redis: Redis, tenant: str) -> list[dict[str, Any]]:
    key = StoreKeys.for_stream(tenant, ESTABLISHMENT_EVENTS).stream
    return [body for _, body in await stream_bodies(redis, key)]


def test_health_names_the_service(client: httpx.Client) -> None:
    """GET /health answers status ok and names the service as establishment."""
    reply = client.get("/health")
    assert reply.json() == {"status": "ok", "service": "establishment"}


def test_write_then_read_as_of_and_history(client: httpx.Client) -> None:
    """A redesignation shows only as of its date, and history chains it after the creation."""
    seed(client)
    moved = client.post(
        "/posts/co-li/redesignate",
        json={
            "title": "Chief Officer Social Work",
            "grade": "Dir 70%",
            "budgeted_annual_cost": "110110.00",
            "effective_date": "2018-04-01",
        },
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["version"] == 2
    before = client.get("/posts/co-li", params={"as_of": "2018-03-31"}).json()
    after = client.get("/posts/co-li", params={"as_of": "2018-04-01"}).json()
    assert (before["title"], before["grade"], before["budgeted_annual_cost"]) == (
        "Chief Officer Learning and Improvement",
        "Dir 80%",
        "126000.00",
    )
    assert (after["title"], after["grade"], after["budgeted_annual_cost"]) == (
        "Chief Officer Social Work",
        "Dir 70%",
        "110110.00",
    )
    history = client.get("/posts/co-li/history").json()
    assert [event["type"] for event in history] == ["PostCreated", "PostRedesignated"]
    assert history[1]["prev_hash"] == history[0]["hash"]
    assert history[1]["effective_date"] == "2018-04-01"


def test_post_without_id_gets_one_and_command_id_makes_it_idempotent(
    client: httpx.Client,
) -> None:
    """A post sent twice with one command_id gets one generated id and is created only once."""
    seed(client)
    body = {
        "title": "Early Help Service Delivery Manager",
        "grade": "Dir 45%",
        "fte": "1",
        "org_unit_id": "cf",
        "effective_date": "2018-04-01",
        "command_id": str(uuid4()),
    }
    first = client.post("/posts", json=body)
    second = client.post("/posts", json=body)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert (first.headers.get("Idempotent-Replayed"), second.headers["Idempotent-Replayed"]) == (
        None,
        "true",
    )
    totals = client.get("/structure", params={"as_of": "2018-04-01"}).json()["totals"]
    assert (totals["posts"], totals["fte"]) == (2, "2.0000")


async def test_concurrent_redesignations_over_http(
    establishment_service: Any, tenant: str, redis: Redis
) -> None:
    """Of two racing redesignations at version 1, one is a 200, the other a version-conflict 409."""
    with httpx.Client(base_url=establishment_service.url, headers=speaking_for(tenant)) as sync:
        seed(sync)
    async with httpx.AsyncClient(
        base_url=establishment_service.url, headers=speaking_for(tenant), timeout=30
    ) as client:
        replies = await asyncio.gather(
            *(
                client.post(
                    "/posts/co-li/redesignate",
                    json={"title": title, "expected_version": 1, "effective_date": "2018-04-01"},
                )
                for title in ("Chief Officer Social Work", "Chief Officer Resources and Strategy")
            )
        )
    assert sorted(reply.status_code for reply in replies) == [200, 409]
    conflict = next(reply for reply in replies if reply.status_code == 409)
    assert conflict.headers["content-type"] == "application/problem+json"
    assert conflict.json()["type"] == "urn:estab:problem:version-conflict"
    types = [body["type"] for body in await stream_entries(redis, tenant)]
    assert types.count("PostRedesignated") == 1


BAD_REQUESTS: list[tuple[str, str, Any, int, str]] = [
    ("malformed JSON", "/posts", b'{"title": ', 422, "malformed"),
    ("missing fields", "/posts", {"title": "x"}, 422, "invalid"),
    ("FTE 0", "/posts/co-li/fte", {"fte": "0", "effective_date": "2018-01-01"}, 422, "invalid"),
    ("FTE 1.5", "/posts/co-li/fte", {"fte": 1.5, "effective_date": "2018-01-01"}, 422, "invalid"),
    (
        "FTE 5 places",
        "/posts/co-li/fte",
        {"fte": "0.12345", "effective_date": "2018-01-01"},
        422,
        "invalid",
    ),
    (
        "unknown field",
        "/posts/co-li/fte",
        {"fte": "0.5", "effective_date": "2018-01-01", "colour": "red"},
        422,
        "invalid",
    ),
    (
        "unknown post",
        "/posts/ghost/fte",
        {"fte": "0.5", "effective_date": "2018-01-01"},
        404,
        "not-found",
    ),
    (
        "before creation",
        "/posts/co-li/fte",
        {"fte": "0.5", "effective_date": "2016-01-01"},
        409,
        "timeline-conflict",
    ),
    (
        "reporting cycle",
        "/posts/co-li/reporting-line",
        {"reports_to": "co-li", "effective_date": "2018-01-01"},
        409,
        "reporting-cycle",
    ),
    (
        "stale version",
        "/posts/co-li/fte",
        {"fte": "0.5", "effective_date": "2018-01-01", "expected_version": 7},
        409,
        "version-conflict",
    ),
    ("unknown event", "/events/nope/retract", {"reason": "x"}, 404, "not-found"),
]


@pytest.mark.parametrize(
    ("case", "path", "body", "status", "code"), BAD_REQUESTS, ids=[case[0] for case in BAD_REQUESTS]
)
def test_bad_input_gets_a_problem_and_records_nothing(
    request: pytest.FixtureRequest,
    client: httpx.Client,
    redis_url: str,
    tenant: str,
    case: str,
    path: str,
    body: Any,
    status: int,
    code: str,
) -> None:
    """Each bad request is a problem+json with its status and type, and the stream is unchanged."""
    seed(client)
    key = StoreKeys.for_stream(tenant, ESTABLISHMENT_EVENTS).stream
    raw = SyncRedis.from_url(redis_url)
    request.addfinalizer(raw.close)
    before = raw.xrange(key)
    if isinstance(body, bytes):
        reply = client.post(path, content=body, headers={"content-type": "application/json"})
    else:
        reply = client.post(path, json=body)
    assert reply.status_code == status, reply.text
    assert reply.headers["content-type"] == "application/problem+json"
    problem = reply.json()
    assert problem["type"] == f"urn:estab:problem:{code}"
    assert problem["status"] == status
    assert problem["title"]
    assert problem["detail"]
    assert raw.xrange(key) == before


def test_change_after_deletion_is_a_conflict(client: httpx.Client) -> None:
    """An FTE change after a post's deletion is a 409 naming the deletion date; the post is gone."""
    seed(client)
    deleted = client.post("/posts/co-li/delete", json={"effective_date": "2018-04-01"})
    assert deleted.status_code == 200
    late = client.post("/posts/co-li/fte", json={"fte": "0.5", "effective_date": "2018-05-01"})
    assert late.status_code == 409
    assert "deleted from 2018-04-01" in late.json()["detail"]
    assert client.get("/posts/co-li", params={"as_of": "2018-04-01"}).status_code == 404


def test_field_errors_name_the_field(client: httpx.Client) -> None:
    """An FTE of 1.5 is a 422 whose only error is located at body.fte."""
    reply = client.post(
        "/posts",
        json={
            "title": "x",
            "grade": "PO6",
            "fte": "1.5",
            "org_unit_id": "cf",
            "effective_date": "2018-01-01",
        },
    )
    assert reply.status_code == 422
    assert [error["loc"] for error in reply.json()["errors"]] == [["body", "fte"]]


def test_an_unprovisioned_tenant_is_404_for_reads_and_writes_and_records_nothing(
    client: httpx.Client, redis_url: str
) -> None:
    """A tenant never provisioned (or a name no tenant can have) is 404, never an empty 200."""
    stranger = f"t-{uuid4().hex[:12]}"
    for name in (stranger, "Bad Tenant!"):
        reply = client.get("/structure", headers={"X-Tenant": name})
        assert reply.status_code == 404, reply.text
        assert reply.json()["type"] == "urn:estab:problem:unknown-tenant"
    unit = {"org_unit_id": "cf", "name": "C and F", "effective_date": "2020-04-01"}
    reply = client.post("/org-units", json=unit, headers={"X-Tenant": stranger})
    assert reply.status_code == 404
    with SyncRedis.from_url(redis_url) as redis:
        assert redis.exists(StoreKeys.for_stream(stranger, ESTABLISHMENT_EVENTS).stream) == 0


def test_a_bad_known_at_is_invalid(client: httpx.Client) -> None:
    """known_at must be a timestamp or a date: anything else is a 422 naming the parameter."""
    reply = client.get("/structure", params={"known_at": "yesterday"})
    assert reply.status_code == 422
    assert reply.json()["errors"][0]["loc"] == ["query", "known_at"]
