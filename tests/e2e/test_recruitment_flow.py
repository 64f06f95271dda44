"""Recruitment with establishment and grading as separate processes, driven as HR systems would.

Seed 000: six postholders whose posts the 2018 redesign deletes are at risk, each offered the new
posts of suitable grade; they are recorded as already in post, so a tenant that requires approval
to recruit (as the demo's Leeds does) takes them. Seed 003: every new recruit rests on an approval.
Seed 004 (Dudley-like): 405 contracts, 31 people at risk, found by the recruitment consumer reading
establishment's deletions off the stream. Vacancy counts before and after an appointment, and as
known before and after a back-dated leaver.
"""

from __future__ import annotations

from uuid import uuid4

import httpx
import pytest
from bearer import speaking_for
from conftest import ServiceProcess, provision
from driving import caught_up, get, load

from eventlog.tenant_registry import TenantRegistry

pytestmark = [pytest.mark.e2e, pytest.mark.redis]


@pytest.fixture
def services(
    establishment_service: ServiceProcess,
    grading_service: ServiceProcess,
    recruitment_service: ServiceProcess,
) -> dict[str, ServiceProcess]:
    return {
        "establishment": establishment_service,
        "grading": grading_service,
        "recruitment": recruitment_service,
    }


@pytest.fixture
async def required(registry: TenantRegistry) -> str:
    """A tenant that refuses an appointment without a live approval to recruit (as Leeds)."""
    return await provision(registry, f"t-{uuid4().hex[:12]}", vacancy_control="required")


def test_seed_000_six_postholders_are_at_risk_with_suitable_alternatives(
    services: dict[str, ServiceProcess], required: str
) -> None:
    """Seed 000 under required vacancy control: 6 people at risk, offered suitable Dir posts."""
    tenant = required
    load(
        services,
        tenant,
        "catalogue_njc_leeds_style",
        "leeds_2018_children_and_families",
        "leeds_2018_postholders",
    )
    recruitment = services["recruitment"]
    caught_up(recruitment)
    holders = get(recruitment, tenant, "/postholders", as_of="2018-03-31")
    assert holders["totals"] == {"contracts": 12, "headcount": 12, "fte_in_post": "11.8108"}
    assert {c["existing"] for c in holders["contracts"]} == {True}
    assert get(recruitment, tenant, "/at-risk", as_of="2018-03-31")["totals"]["people"] == 0
    risk = get(recruitment, tenant, "/at-risk", as_of="2018-04-01")
    assert risk["totals"] == {"people": 6, "posts": 6}
    by_post = {person["posts"][0]["post_id"]: person["posts"][0] for person in risk["people"]}
    assert set(by_post) == {
        "cf-co-complex-needs",
        "cf-send-area-lead-1",
        "cf-send-area-lead-2",
        "cf-send-area-lead-3",
        "cf-area-head-targeted-1",
        "cf-area-head-targeted-2",
    }
    for post_id in ("cf-area-head-targeted-1", "cf-area-head-targeted-2", "cf-send-area-lead-1"):
        offers = {item["post_id"]: item for item in by_post[post_id]["alternatives"]}
        assert {"cf-early-help-sdm-1", "cf-early-help-sdm-2"} <= set(offers)
        assert offers["cf-early-help-sdm-1"]["grade"] == "Dir 45%"
        assert offers["cf-early-help-sdm-1"]["ring_fenced"] is True
    chief = {item["post_id"] for item in by_post["cf-co-complex-needs"]["alternatives"]}
    assert chief == {"cf-head-learning-inclusion"}
    assert by_post["cf-area-head-targeted-2"]["fte"] == "0.8108"


def test_seed_003_every_new_recruit_rests_on_a_live_approval(
    services: dict[str, ServiceProcess], finance_service: ServiceProcess, required: str
) -> None:
    """Seed 003 under required vacancy control: 37 recruits, each on its post's approval."""
    load(
        {**services, "finance": finance_service},
        required,
        "catalogue_njc_leeds_style",
        "leeds_2018_children_and_families",
        "leeds_innovation_2017",
    )
    recruitment = services["recruitment"]
    holders = get(recruitment, required, "/postholders", as_of="2017-10-01")
    recruits = holders["contracts"]
    assert len(recruits) == 37
    assert {(c["approved_on"], c["unapproved"]) for c in recruits} == {("2017-10-01", False)}
    assert holders["totals"]["fte_in_post"] == "36.5000"
    report = get(
        recruitment, required, "/vacancy-control", **{"from": "2017-04-01", "to": "2018-12-31"}
    )
    assert report["totals"] == {"unapproved_appointments": 0, "expired_approvals": 0}


def test_seed_004_dudley_31_people_at_risk_one_keeping_a_second_contract(
    services: dict[str, ServiceProcess], tenant: str
) -> None:
    """Seed 004: 405 contracts of 390 people; the redesign puts 31 people (32 contracts) at risk."""
    load(services, tenant, "catalogue_njc_leeds_style", "dudley_2023_redesign")
    recruitment = services["recruitment"]
    caught_up(recruitment)
    before = get(recruitment, tenant, "/postholders", as_of="2023-12-03")
    assert (before["totals"]["contracts"], before["totals"]["headcount"]) == (405, 390)
    risk = get(recruitment, tenant, "/at-risk", as_of="2023-12-04")
    assert risk["totals"] == {"people": 31, "posts": 32}
    people = {person["person_ref"]: person for person in risk["people"]}
    assert [post["post_id"] for post in people["dmbc-emp-376"]["posts"]] == ["dmbc-376"]
    assert [post["post_id"] for post in people["dmbc-emp-377"]["posts"]] == ["dmbc-378", "dmbc-379"]
    kept = get(recruitment, tenant, "/postholders", as_of="2023-12-04", person_ref="dmbc-emp-376")
    assert [contract["post_id"] for contract in kept["contracts"]] == ["dmbc-377"]
    after = get(recruitment, tenant, "/postholders", as_of="2023-12-04")["contracts"]
    assert len(after) == 405 - 32


def test_vacancy_counts_around_an_appointment_and_a_back_dated_leaver(
    services: dict[str, ServiceProcess], tenant: str
) -> None:
    """Vacancies as of dates around an appointment, and as known before a back-dated leaver."""
    load(services, tenant, "catalogue_njc_leeds_style", "leeds_2018_children_and_families")
    recruitment = services["recruitment"]
    with httpx.Client(base_url=recruitment.url, headers=speaking_for(tenant), timeout=10) as hr:

        def count(as_of: str, known_at: str | None = None) -> int:
            params = {"as_of": as_of} | ({"known_at": known_at} if known_at else {})
            return int(hr.get("/vacancies", params=params).json()["totals"]["posts"])

        empty = count("2017-06-01")
        assert empty == 12  # every post established on 1 April 2017 is vacant
        appointed = hr.post(
            "/appointments",
            json={
                "post_id": "cf-director",
                "person_ref": "leeds-emp-001",
                "start_date": "2017-06-01",
            },
        )
        assert appointed.status_code == 201, appointed.text
        assert (count("2017-05-31"), count("2017-06-01")) == (12, 11)
        known_before_leaver = appointed.json()["recorded_at"]
        left = hr.post(
            "/leavers",
            json={
                "post_id": "cf-director",
                "person_ref": "leeds-emp-001",
                "end_date": "2017-09-30",
            },
        )
        assert left.status_code == 201, left.text
        assert count("2017-10-01", known_before_leaver) == 11
        assert count("2017-10-01") == 12
        assert count("2017-09-30") == 11
        refused = hr.post(
            "/appointments",
            json={"post_id": "cf-director", "person_ref": "other", "start_date": "2017-09-01"},
        )
        assert refused.status_code == 409
        assert refused.json()["type"] == "urn:estab:problem:post-filled"
