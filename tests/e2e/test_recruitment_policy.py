"""Job shares and vacancy control over HTTP, in-process against the suite's real Redis.

Posts are recorded in establishment's stream (recruitment follows it) after the bundled catalogue;
the tenant's vacancy-control policy comes from the tenant registry, as `estab tenant create`
records it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any
from uuid import uuid4

import httpx
import pytest
from conftest import provision
from driving import in_process
from grade_catalogue import record_catalogue
from redis.asyncio import Redis

from contracts import establishment as est
from eventlog.command_log import Accepted, Submitted
from eventlog.settings import Settings
from eventlog.tenant_registry import TenantRegistry
from services.establishment.application import TenantEstablishment
from services.recruitment.main import create_app

pytestmark = [pytest.mark.e2e, pytest.mark.redis]

POSTS = ("shared", "lead", "officer")


async def establish(redis: Redis, tenant: str) -> None:
    """The catalogue, one org unit and three full-time PO6 posts from 1 April 2017."""
    await record_catalogue(redis, tenant)
    commands: list[est.EstablishmentCommand] = [
        est.CreateOrgUnit.model_validate(
            {"org_unit_id": "cf", "name": "C and F", "effective_date": "2017-04-01"}
        )
    ]
    commands += [
        est.CreatePost.model_validate(
            {
                "post_id": post_id,
                "title": post_id.title(),
                "grade": "PO6",
                "fte": "1",
                "org_unit_id": "cf",
                "effective_date": "2017-04-01",
            }
        )
        for post_id in POSTS
    ]
    outcomes = await TenantEstablishment(redis, tenant).execute([Submitted(c) for c in commands])
    assert all(isinstance(outcome, Accepted) for outcome in outcomes), outcomes


@pytest.fixture
async def client(settings: Callable[[str], Settings]) -> AsyncIterator[httpx.AsyncClient]:
    async with in_process(create_app(settings("recruitment"))) as http:
        yield http


class Hr:
    """One tenant's HR system talking to recruitment."""

    def __init__(self, http: httpx.AsyncClient, tenant: str) -> None:
        self.http = http
        self.headers = {"X-Tenant": tenant}

    async def post(self, path: str, **body: Any) -> httpx.Response:
        return await self.http.post(path, json=body, headers=self.headers)

    async def get(self, path: str, **params: str) -> dict[str, Any]:
        reply = await self.http.get(path, params=params, headers=self.headers)
        assert reply.status_code == 200, reply.text
        found: dict[str, Any] = reply.json()
        return found

    async def appoint(self, post_id: str, person: str, start: str, **extra: Any) -> httpx.Response:
        return await self.post(
            "/appointments", post_id=post_id, person_ref=person, start_date=start, **extra
        )


@pytest.fixture
async def advisory(redis: Redis, tenant: str, client: httpx.AsyncClient) -> Hr:
    await establish(redis, tenant)
    return Hr(client, tenant)


@pytest.fixture
async def required(redis: Redis, registry: TenantRegistry, client: httpx.AsyncClient) -> Hr:
    tenant = await provision(registry, f"t-{uuid4().hex[:12]}", vacancy_control="required")
    await establish(redis, tenant)
    return Hr(client, tenant)


def problem(reply: httpx.Response) -> str:
    assert reply.headers["content-type"] == "application/problem+json", reply.text
    return str(reply.json()["type"]).removeprefix("urn:estab:problem:")


async def test_two_half_time_holders_fill_a_post_until_one_leaves(advisory: Hr) -> None:
    """Two 0.5 holders: no vacancy, headcount 2; one leaves: vacant_fte 0.5 (as now known)."""
    for person, start in (("p1", "2017-06-01"), ("p2", "2017-07-01")):
        reply = await advisory.appoint("shared", person, start, fte="0.5")
        assert reply.status_code == 201, reply.text
    known_before_leaver = reply.json()["recorded_at"]
    third = await advisory.appoint("shared", "p3", "2017-08-01", fte="0.25")
    assert (third.status_code, problem(third)) == (409, "post-filled")
    filled = await advisory.get("/vacancies", as_of="2017-08-01")
    assert "shared" not in {item["post_id"] for item in filled["vacancies"]}
    holders = await advisory.get("/postholders", as_of="2017-08-01", post_id="shared")
    assert holders["totals"] == {"contracts": 2, "headcount": 2, "fte_in_post": "1.0000"}
    left = await advisory.post("/leavers", post_id="shared", person_ref="p1", end_date="2017-09-30")
    assert left.status_code == 201, left.text
    reopened = await advisory.get("/vacancies", as_of="2017-10-01")
    item = next(item for item in reopened["vacancies"] if item["post_id"] == "shared")
    assert (item["vacant_fte"], item["fte_in_post"], item["headcount"]) == ("0.5000", "0.5000", 1)
    assert item["vacant_since"] == "2017-10-01"
    assert reopened["totals"] == {"posts": 3, "fte": "3.0000", "vacant_fte": "2.5000"}
    before = await advisory.get("/vacancies", as_of="2017-10-01", known_at=known_before_leaver)
    assert before["totals"] == {"posts": 2, "fte": "2.0000", "vacant_fte": "2.0000"}
    earlier = await advisory.get("/vacancies", as_of="2017-10-01", known_at="2017-01-01")
    assert earlier["totals"] == {"posts": 0, "fte": "0.0000", "vacant_fte": "0.0000"}


async def test_required_needs_a_live_approval_except_for_someone_already_in_post(
    required: Hr,
) -> None:
    """Under `required`: none or a 5-month-old approval is 409; a live one or an import is 201."""
    bare = await required.appoint("lead", "p1", "2017-10-01")
    assert (bare.status_code, problem(bare)) == (409, "approval-required")
    assert "post 'lead'" in bare.json()["detail"]
    approved = await required.post(
        "/approvals",
        post_id="lead",
        effective_date="2017-05-01",
        decided_by="Executive Board",
        reference="EB-1",
    )
    assert approved.status_code == 201, approved.text
    stale = await required.appoint("lead", "p1", "2017-10-01")
    assert (stale.status_code, problem(stale)) == (409, "approval-required")
    assert "expired on 2017-09-01" in stale.json()["detail"]
    fresh = await required.post("/approvals", post_id="lead", effective_date="2017-09-15")
    assert fresh.status_code == 201, fresh.text
    assert (await required.appoint("lead", "p1", "2017-10-01")).status_code == 201
    imported = await required.appoint("officer", "p2", "2017-04-01", existing=True)
    assert imported.status_code == 201, imported.text
    holders = await required.get("/postholders", as_of="2017-10-01")
    flags = {c["person_ref"]: (c["approved_on"], c["unapproved"]) for c in holders["contracts"]}
    assert flags == {"p1": ("2017-09-15", False), "p2": (None, False)}
    report = await required.get("/vacancy-control", **{"from": "2017-09-01", "to": "2017-09-30"})
    assert [item["from"] for item in report["expired_approvals"]] == ["2017-05-01"]


async def test_advisory_records_and_flags_an_unapproved_appointment(advisory: Hr) -> None:
    """Under `advisory`: 201, `unapproved: true` in /postholders, listed by /vacancy-control."""
    reply = await advisory.appoint("lead", "p1", "2017-06-01")
    assert reply.status_code == 201, reply.text
    holders = await advisory.get("/postholders", as_of="2017-06-01")
    assert [c["unapproved"] for c in holders["contracts"]] == [True]
    report = await advisory.get("/vacancy-control", **{"from": "2017-04-01", "to": "2018-03-31"})
    assert report["vacancy_control"] == "advisory"
    assert [c["post_id"] for c in report["unapproved_appointments"]] == ["lead"]
    assert report["totals"] == {"unapproved_appointments": 1, "expired_approvals": 0}
    known_before = await advisory.get(
        "/vacancy-control", **{"from": "2017-04-01", "to": "2018-03-31", "known_at": "2017-01-01"}
    )
    assert known_before["totals"]["unapproved_appointments"] == 0


@pytest.mark.parametrize(
    "params", [{"from": "2018-04-01", "to": "2018-03-31"}, {"from": "2018-04-01"}, {}]
)
async def test_a_bad_period_is_a_problem(advisory: Hr, params: dict[str, str]) -> None:
    """`from` after `to`, or either missing: 422 problem."""
    reply = await advisory.http.get("/vacancy-control", params=params, headers=advisory.headers)
    assert (reply.status_code, problem(reply)) == (422, "invalid")
