"""The grading service in-process over HTTP against the suite's real Redis, with a set clock.

Recorded time is the service's own clock, so a test that must record in 2023 sets it there: the
default catalogue is loaded "in May 2023" without the 2023/24 award, and the award, agreed in
November and back-dated to 1 April, is recorded "in November".
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest
from driving import in_process
from redis.asyncio import Redis

from contracts.streams import GRADING_EVENTS, StoreKeys
from eventlog.settings import Settings
from scenarios.loader import bundled_scenario, http_request, load_scenario
from services.grading.main import create_app

pytestmark = pytest.mark.redis

AWARD_STEP = "njc-2023-24"


class SetClock:
    """A clock the test moves; each reading is a microsecond later, as real time would be."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        self.now = self.now.replace(microsecond=(self.now.microsecond + 1) % 1_000_000)
        return self.now


@pytest.fixture
def clock() -> SetClock:
    return SetClock(datetime(2023, 5, 2, 9, 0, tzinfo=UTC))


@pytest.fixture
async def grading(
    settings: Callable[[str], Settings], tenant: str, clock: SetClock
) -> AsyncIterator[httpx.AsyncClient]:
    async with in_process(create_app(settings("grading"), clock), tenant) as client:
        yield client


async def post(client: httpx.AsyncClient, command: dict[str, Any]) -> httpx.Response:
    method, path, body = http_request(command)
    return await client.request(method, path, json=body)


async def load_catalogue(client: httpx.AsyncClient, skip: str = "") -> dict[str, dict[str, Any]]:
    """Load the bundled catalogue (all but the step `skip`); return every step by name."""
    steps = {
        step.step: step.command
        for step in load_scenario(bundled_scenario("catalogue_njc_leeds_style")).steps
    }
    for name, command in steps.items():
        if name != skip:
            reply = await post(client, command)
            assert reply.status_code == 201, (name, reply.text)
    return steps


async def test_a_back_dated_award_shows_only_in_views_known_after_it(
    grading: httpx.AsyncClient, clock: SetClock
) -> None:
    """The back-dated award raises PO6 by 1925 plus on-costs only in views known after it."""
    steps = await load_catalogue(grading, skip=AWARD_STEP)
    clock.now = datetime(2023, 11, 14, 12, 0, tzinfo=UTC)
    assert (await post(grading, steps[AWARD_STEP])).status_code == 201

    async def cost(known_at: str) -> dict[str, Any]:
        params = {"on": "2023-06-01", "known_at": known_at}
        reply = await grading.get("/grades/PO6/cost", params=params)
        assert reply.status_code == 200, reply.text
        return dict(reply.json())

    before, after = await cost("2023-10-01"), await cost("2024-01-01")
    assert (before["scp"], after["scp"]) == (43, 43)
    assert (before["salary"], after["salary"]) == ("49590.00", "51515.00")
    award = Decimal(after["salary"]) - Decimal(before["salary"])
    assert award == 1925
    on_costs = Decimal("0.138") + Decimal("0.154") + Decimal("0.005")
    difference = Decimal(after["annual_cost"]) - Decimal(before["annual_cost"])
    assert abs(difference - award * (1 + on_costs)) <= Decimal("0.01")
    spine = await grading.get(
        "/pay-spines/NJC", params={"as_of": "2023-06-01", "known_at": "2023-10-01"}
    )
    assert spine.json()["effective_date"] == "2022-04-01"


async def test_grades_are_listed_with_their_salary_range_on_a_date(
    grading: httpx.AsyncClient,
) -> None:
    """Listed grades carry the spine points and salary range in force on the asked date."""
    await load_catalogue(grading)
    listed = (await grading.get("/grades", params={"as_of": "2018-06-01"})).json()["grades"]
    po6 = next(grade for grade in listed if grade["grade"] == "PO6")
    assert (po6["scp_min"], po6["scp_max"]) == (47, 49)
    assert (po6["salary_min"], po6["salary_max"]) == ("42806.00", "44697.00")
    a1_2023 = (await grading.get("/grades", params={"as_of": "2023-06-01"})).json()["grades"]
    assert next(grade for grade in a1_2023 if grade["grade"] == "A1")["scp_min"] == 2
    director = next(grade for grade in listed if grade["grade"] == "Dir 65%")
    assert director["salary_max"] == "79640.60"


async def stream_length(redis: Redis, tenant: str) -> int:
    return int(await redis.xlen(StoreKeys.for_stream(tenant, GRADING_EVENTS).stream))


BAD_INPUTS = [
    ("get", "/grades/ZZ9/cost", {"on": "2018-06-01"}, 404, "not-found"),
    ("get", "/grades/PO6/cost", {"on": "2018-06-01", "scp": "40"}, 422, "invalid"),
    ("get", "/grades/PO6/cost", {"on": "2018-06-01", "fte": "1.5"}, 422, "invalid"),
    ("get", "/grades/PO6!/cost", {}, 422, "invalid"),
    ("get", "/pay-spines/GLPC", {"as_of": "2018-06-01"}, 404, "not-found"),
    ("get", "/evaluation-schemes/HAY", {"as_of": "2018-06-01"}, 404, "not-found"),
    (
        "post",
        "/grades",
        {
            "grade": "SO1",
            "scheme": "GLPC",
            "scp_min": 1,
            "scp_max": 2,
            "effective_date": "2019-04-01",
        },
        404,
        "not-found",
    ),
    (
        "post",
        "/grades",
        {
            "grade": "SO1",
            "scheme": "NJC",
            "scp_min": 40,
            "scp_max": 60,
            "effective_date": "2019-04-01",
        },
        422,
        "invalid",
    ),
    (
        "post",
        "/on-cost-rates",
        {
            "effective_date": "2019-04-01",
            "employer_ni_rate": "-0.138",
            "ni_threshold": "8632",
            "pension_rate": "0.154",
            "apprenticeship_levy_rate": "0.005",
        },
        422,
        "invalid",
    ),
    (
        "post",
        "/evaluation-schemes",
        {
            "scheme": "X",
            "effective_date": "2019-04-01",
            "factors": {"knowledge": {"levels": {"1": 10}}},
            "bands": [
                {"grade": "A1", "min_points": 0, "max_points": 100},
                {"grade": "A2", "min_points": 90},
            ],
        },
        422,
        "invalid",
    ),
    (
        "post",
        "/evaluations",
        {"post_id": "nobody", "factor_levels": {"knowledge": 1}, "effective_date": "2019-04-01"},
        404,
        "not-found",
    ),
]


@pytest.mark.parametrize(("method", "path", "data", "status", "code"), BAD_INPUTS)
async def test_bad_input_is_a_clear_problem_and_records_nothing(
    grading: httpx.AsyncClient,
    redis: Redis,
    tenant: str,
    method: str,
    path: str,
    data: dict[str, Any],
    status: int,
    code: str,
) -> None:
    """Each bad grading request is a problem+json with its status and type, and records nothing."""
    await load_catalogue(grading)
    recorded = await stream_length(redis, tenant)
    if method == "get":
        reply = await grading.get(path, params=data)
    else:
        reply = await grading.post(path, json=data)
    assert reply.status_code == status, reply.text
    assert reply.headers["content-type"] == "application/problem+json"
    problem = reply.json()
    assert problem["type"] == f"urn:estab:problem:{code}"
    assert problem["detail"]
    assert await stream_length(redis, tenant) == recorded


async def test_reloading_the_catalogue_records_nothing_new(
    grading: httpx.AsyncClient, redis: Redis, tenant: str
) -> None:
    """Loading the catalogue a second time succeeds and adds nothing to the grading stream."""
    await load_catalogue(grading)
    recorded = await stream_length(redis, tenant)
    await load_catalogue(grading)
    assert await stream_length(redis, tenant) == recorded
