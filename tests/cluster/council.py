"""A small council driven end to end, and what every run of it must leave behind in Redis.

Each tenant gets the bundled NJC catalogue (through grading's HTTP API), one org unit, three
posts and one appointment; finance's ledger and recruitment's vacancies are then checked against
grading's own prices. The same checks serve one replica of each service and two.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import httpx
from bearer import speaking_for
from redis.asyncio.cluster import RedisCluster

from contracts.streams import ESTABLISHMENT_EVENTS, EVENT_STREAMS, FINANCE_COST_UPDATES, stream_key
from eventlog.audit import stream_bodies, verify_stream

if TYPE_CHECKING:
    from collections.abc import Sequence

    from conftest import ServiceProcess
    from redis.asyncio import Redis

FY = 2023
COSTING_DAY = "2023-09-30"
"""The ledger's costing day (its `as_of`), inside financial year 2023/24."""
OPENED = "2023-04-01"
APPOINTED = "2023-06-01"


@dataclass(frozen=True, slots=True)
class Post:
    """A post the council creates."""

    post_id: str
    grade: str
    fte: str


POSTS = (Post("lead", "PO6", "1"), Post("officer", "SO1", "1"), Post("assistant", "C2", "0.5"))


def node_of(redis: Redis, key_or_tenant: str) -> str:
    """The cluster node (host:port) holding a key's slot, or a tenant's `{tenant}` hash tag's."""
    assert isinstance(redis, RedisCluster)
    key = key_or_tenant if "{" in key_or_tenant else stream_key(key_or_tenant, ESTABLISHMENT_EVENTS)
    node = redis.get_node_from_key(key)
    assert node is not None
    return str(node.name)


def unit_command(unit: str) -> dict[str, Any]:
    """CreateOrgUnit for `unit`, opened on OPENED."""
    return {
        "type": "CreateOrgUnit",
        "org_unit_id": unit,
        "name": unit.title(),
        "effective_date": OPENED,
    }


def post_command(unit: str, post: Post) -> dict[str, Any]:
    """CreatePost for `post` in `unit`, from OPENED."""
    return {
        "type": "CreatePost",
        "post_id": post.post_id,
        "title": post.post_id.title(),
        "grade": post.grade,
        "fte": post.fte,
        "org_unit_id": unit,
        "effective_date": OPENED,
    }


def post_to(url: str, tenant: str, path: str, body: dict[str, Any]) -> httpx.Response:
    """One write over HTTP, which must succeed (a replay of a recorded command included)."""
    reply = httpx.post(f"{url}{path}", json=body, headers=speaking_for(tenant), timeout=30)
    assert reply.is_success, (path, reply.text)
    return reply


def appoint(recruitment: ServiceProcess, tenant: str, post_id: str) -> None:
    """Appoint a person to `post_id` from APPOINTED (recruitment's HTTP API)."""
    body = {
        "post_id": post_id,
        "person_ref": f"emp-{post_id}",
        "start_date": APPOINTED,
        "command_id": f"appoint-{post_id}",
    }
    post_to(recruitment.url, tenant, "/appointments", body)


def answer(service: ServiceProcess, tenant: str, path: str, **params: Any) -> Any:
    """A query's 200 answer."""
    reply = httpx.get(
        f"{service.url}{path}", params=params, headers=speaking_for(tenant), timeout=30
    )
    assert reply.status_code == 200, reply.text
    return reply.json()


def grade_price(grading: ServiceProcess, tenant: str, post: Post, **scp: Any) -> Decimal:
    """Grading's full-year cost of `post` on the costing day (top of grade unless `scp`)."""
    found = answer(
        grading, tenant, f"/grades/{post.grade}/cost", on=COSTING_DAY, fte=post.fte, **scp
    )
    return Decimal(found["annual_cost"])


def vacancy_counts(recruitment: ServiceProcess, tenant: str) -> tuple[int, int]:
    """Vacant posts the day before the appointment and on its first day."""
    before, on = (
        answer(recruitment, tenant, "/vacancies", as_of=day)["totals"]["posts"]
        for day in ("2023-05-31", APPOINTED)
    )
    return int(before), int(on)


def ledger(finance: ServiceProcess, tenant: str, basis: str) -> dict[str, Any]:
    """Finance's ledger for FY by post on the costing day."""
    return dict(
        answer(finance, tenant, "/ledger", fy=FY, as_of=COSTING_DAY, group_by="post", basis=basis)
    )


def check_books(
    services: dict[str, ServiceProcess],
    tenant: str,
    posts: Sequence[Post] = POSTS,
    appointed: Sequence[str] = (POSTS[0].post_id,),
) -> None:
    """The budget prices every post at the top of its grade, as grading does; the forecast's
    obligations are the appointees' contracts alone; each appointment fills a vacancy."""
    grading, finance = services["grading"], services["finance"]
    budget = ledger(finance, tenant, "budget")
    prices = {post.post_id: grade_price(grading, tenant, post) for post in posts}
    rows = {row["key"]: Decimal(row["annual_cost"]) for row in budget["rows"]}
    assert rows == prices
    assert Decimal(budget["totals"]["annual_cost"]) == sum(prices.values())
    assert budget["totals"]["posts"] == len(posts)
    forecast = ledger(finance, tenant, "forecast")
    obligations = {row["key"]: Decimal(row["obligations"]) for row in forecast["rows"]}
    assert {key for key, value in obligations.items() if value > 0} == set(appointed)
    assert vacancy_counts(services["recruitment"], tenant) == (
        len(posts),
        len(posts) - len(appointed),
    )


async def check_logs(redis: Redis, tenant: str) -> dict[str, list[dict[str, Any]]]:
    """Every event stream of the tenant verifies (hash chain, sequence 1..n); their bodies."""
    found = {}
    for stream in EVENT_STREAMS:
        report = await verify_stream(redis, tenant, stream)
        assert report.ok, (tenant, stream, report.first_break)
        bodies = [body for _, body in await stream_bodies(redis, stream_key(tenant, stream))]
        assert [body["sequence"] for body in bodies] == list(range(1, len(bodies) + 1))
        found[stream] = bodies
    return found


def check_cost_updates(logs: dict[str, list[dict[str, Any]]], tenant: str) -> None:
    """Finance published each change of a post's cost once: per post and year, every update
    starts where the one before ended and changes something, and no event is a cause twice."""
    updates = [event["payload"] for event in logs[FINANCE_COST_UPDATES]]
    assert updates, tenant
    last: dict[tuple[str, int], dict[str, Any]] = {}
    causes = set()
    for update in updates:
        key = (update["post_id"], update["fy"])
        assert (update["cause_event_id"], *key) not in causes, update
        causes.add((update["cause_event_id"], *key))
        before = last.get(key)
        if before is not None:
            assert update["annual_cost_before"] == before["annual_cost_after"], update
            assert update["in_year_cost_before"] == before["in_year_cost_after"], update
        was = (update["annual_cost_before"], update["in_year_cost_before"])
        now = (update["annual_cost_after"], update["in_year_cost_after"])
        unpriced_before = before.get("unpriced") if before is not None else None
        assert (now, update.get("unpriced")) != (was, unpriced_before), update
        last[key] = update
