"""Real public-sector grade codes: whatever a tenant's catalogue defines is a grade, and only that.

An NHS trust's Agenda for Change bands, a university's levels and civil service grades are
defined in grading; posts on them are created (matched ignoring case and spacing) and costed by
finance with grading's cost model; a grade in no catalogue is refused and records nothing.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from bearer import speaking_for
from driving import caught_up, get, send, stream_events

from contracts.streams import ESTABLISHMENT_EVENTS

if TYPE_CHECKING:
    from conftest import ServiceProcess

pytestmark = [pytest.mark.e2e, pytest.mark.redis]

DAY = "2023-04-01"
RATES = {
    "employer_ni_rate": "0.138",
    "ni_threshold": "9100",
    "pension_rate": "0.143",
    "apprenticeship_levy_rate": "0.005",
}
SPINES = {
    "AfC": {
        "10": "28407",
        "11": "30639",
        "12": "34581",
        "25": "50952",
        "26": "53398",
        "27": "57349",
    },
    "HE": {"30": "36333", "31": "37474", "32": "38205"},
}
"""Illustrative pay points (NHS Agenda for Change 2023/24 and a university single spine)."""
GRADES: list[dict[str, Any]] = [
    {"grade": "Band 5", "scheme": "AfC", "scp_min": 10, "scp_max": 12},
    {"grade": "Band 8a", "scheme": "AfC", "scp_min": 25, "scp_max": 27},
    {"grade": "Level 4", "scheme": "HE", "scp_min": 30, "scp_max": 32},
    {"grade": "Grade 7 - Administration", "salary_min": "42000", "salary_max": "49999"},
    {"grade": "SCS1A", "salary_min": "75000", "salary_max": "117800"},
]
TOPS = {
    "Band 5": "34581",
    "Band 8a": "57349",
    "Level 4": "38205",
    "Grade 7 - Administration": "49999",
    "SCS1A": "117800",
}
"""Each grade's top salary: a post is budgeted at the top of its grade (or band ceiling)."""
ASKED_AS = {
    "Band 5": "band 5",
    "Band 8a": "BAND  8A",
    "Level 4": "Level 4",
    "Grade 7 - Administration": "grade 7 - administration",
    "SCS1A": "scs1a",
}
"""How HR wrote each grade on the post: case and spacing differ from the catalogue's."""


def pennies(amount: Decimal) -> Decimal:
    return amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def annual_cost(salary: str, fte: str) -> Decimal:
    """PAY_AND_RULES.md's model from the inputs: pay, NI over a per-person threshold, pension."""
    pay = Decimal(salary) * Decimal(fte)
    ni = Decimal(RATES["employer_ni_rate"]) * max(Decimal(0), pay - Decimal(RATES["ni_threshold"]))
    pension = pay * Decimal(RATES["pension_rate"])
    levy = pay * Decimal(RATES["apprenticeship_levy_rate"])
    return pennies(pay) + pennies(ni) + pennies(pension) + pennies(levy)


@pytest.fixture
def services(
    establishment_service: ServiceProcess,
    grading_service: ServiceProcess,
    finance_service: ServiceProcess,
) -> dict[str, ServiceProcess]:
    """Establishment, grading and finance, each in its own process."""
    return {
        "establishment": establishment_service,
        "grading": grading_service,
        "finance": finance_service,
    }


def define_catalogue(services: dict[str, ServiceProcess], tenant: str) -> None:
    """The tenant's own catalogue: two spines, five grades of three kinds, on-cost rates."""
    for scheme, points in SPINES.items():
        spine = {"type": "PublishPaySpine", "scheme": scheme, "points": points}
        send(services, tenant, {**spine, "effective_date": DAY})
    for grade in GRADES:
        send(services, tenant, {"type": "DefineGrade", "effective_date": DAY, **grade})
    send(services, tenant, {"type": "SetOnCostRates", "effective_date": DAY, **RATES})
    unit = {"type": "CreateOrgUnit", "org_unit_id": "trust", "name": "Trust", "effective_date": DAY}
    send(services, tenant, unit)


def post(post_id: str, grade: str, fte: str = "1") -> dict[str, str]:
    return {
        "type": "CreatePost",
        "post_id": post_id,
        "title": f"Post {post_id}",
        "grade": grade,
        "fte": fte,
        "org_unit_id": "trust",
        "effective_date": DAY,
    }


def test_posts_on_real_grade_codes_are_created_as_defined_and_costed(
    services: dict[str, ServiceProcess], tenant: str
) -> None:
    """Band 5, Band 8a, Level 4, Grade 7 - Administration, SCS1A: created, spelt, priced."""
    define_catalogue(services, tenant)
    for number, grade in enumerate(TOPS):
        send(services, tenant, post(f"p{number}", ASKED_AS[grade], "0.5" if number % 2 else "1"))
    view = get(services["establishment"], tenant, "/structure", as_of=DAY)
    assert sorted(item["grade"] for item in view["posts"]) == sorted(TOPS)
    caught_up(services["finance"])
    ledger = get(services["finance"], tenant, "/ledger", fy=2023, group_by="post", as_of=DAY)
    assert ledger["unpriced"] == []
    for number, grade in enumerate(TOPS):
        expected = annual_cost(TOPS[grade], "0.5" if number % 2 else "1")
        row = next(row for row in ledger["rows"] if row["key"] == f"p{number}")
        assert Decimal(row["annual_cost"]) == expected, grade
        cost = get(services["grading"], tenant, f"/grades/{ASKED_AS[grade]}/cost", on=DAY)
        assert cost["grade"] == grade


def test_a_grade_in_no_catalogue_is_refused_and_nothing_is_recorded(
    services: dict[str, ServiceProcess], tenant: str, redis_url: str
) -> None:
    """`Band 9` is 422 unknown-grade naming the closest codes; the log does not move."""
    define_catalogue(services, tenant)
    before = len(stream_events(redis_url, tenant, ESTABLISHMENT_EVENTS))
    reply = httpx.post(
        f"{services['establishment'].url}/posts",
        json={key: value for key, value in post("p9", "Band 9").items() if key != "type"},
        headers=speaking_for(tenant),
        timeout=30,
    )
    assert reply.status_code == 422, reply.text
    problem = reply.json()
    assert problem["type"] == "urn:estab:problem:unknown-grade"
    assert "Band 9" in problem["detail"]
    assert "Band 5" in problem["detail"]
    assert "Band 8a" in problem["detail"]
    assert len(stream_events(redis_url, tenant, ESTABLISHMENT_EVENTS)) == before


def test_a_grade_grading_has_just_defined_is_accepted_on_the_next_request(
    services: dict[str, ServiceProcess], tenant: str
) -> None:
    """No race: once grading answers 201 for a grade, establishment takes a post on it."""
    define_catalogue(services, tenant)
    send(
        services,
        tenant,
        {"type": "DefineGrade", "effective_date": DAY, **GRADES[0], "grade": "Band 6"},
    )
    created = send(services, tenant, post("fresh", "Band 6"))
    assert created["post_id"] == "fresh"
