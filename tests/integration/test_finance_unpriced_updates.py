"""A post finance cannot price is never published as a silent 0 cost update (real Redis).

The finance app runs in-process (its lifespan starts its consumers on the suite's Redis); grading
and establishment record through their own command logs. The catalogue has on-cost rates only
from April 2019, so a post established in April 2018 cannot be priced in 2018/19.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from decimal import Decimal
from typing import Any

import httpx
import pytest
from driving import caught_up_in_process, in_process
from redis.asyncio import Redis
from seed_000 import BASIS, OLD_SPINE_2018

from contracts.costing import cost
from contracts.money import PENNY
from contracts.pay_catalogue import OnCostRates
from contracts.registry import command_from_message, grading_command_from_message
from contracts.streams import FINANCE_COST_UPDATES, stream_key
from eventlog.audit import stream_bodies
from eventlog.command_log import Accepted, Submitted
from eventlog.settings import Settings
from services.establishment.application import TenantEstablishment, with_post_id
from services.finance.main import create_app
from services.grading.application import TenantGrading

pytestmark = pytest.mark.redis

RATES = next(item for item in BASIS if item["type"] == "SetOnCostRates")
CATALOGUE: list[dict[str, Any]] = [
    {
        "type": "PublishPaySpine",
        "scheme": "NJC",
        "points": OLD_SPINE_2018,
        "effective_date": "2018-04-01",
    },
    {
        "type": "DefineGrade",
        "grade": "PO6",
        "scheme": "NJC",
        "scp_min": 47,
        "scp_max": 49,
        "effective_date": "2018-04-01",
    },
    {**RATES, "effective_date": "2019-04-01"},
]
POSTS = [
    {"type": "CreateOrgUnit", "org_unit_id": "u", "name": "U", "effective_date": "2018-04-01"},
    {
        "type": "CreatePost",
        "post_id": "p",
        "title": "Officer",
        "grade": "PO6",
        "fte": "1",
        "org_unit_id": "u",
        "effective_date": "2018-04-01",
    },
]


def _po6_top() -> Decimal:
    """PO6 at point 49, full time, under seed 000's on-cost rates."""
    rates = OnCostRates(
        Decimal(RATES["employer_ni_rate"]),
        Decimal(RATES["ni_threshold"]),
        Decimal(RATES["pension_rate"]),
        Decimal(RATES["apprenticeship_levy_rate"]),
    )
    return sum(cost(Decimal(OLD_SPINE_2018["49"]), Decimal(1), rates), Decimal(0))


@pytest.fixture
async def finance(
    settings: Callable[[str], Settings], tenant: str
) -> AsyncIterator[httpx.AsyncClient]:
    async with in_process(create_app(settings("finance")), tenant) as client:
        yield client


async def _grading(redis: Redis, tenant: str, *messages: dict[str, Any]) -> None:
    outcomes = await TenantGrading(redis, tenant).execute(
        [Submitted(grading_command_from_message(message), None) for message in messages]
    )
    assert all(isinstance(outcome, Accepted) for outcome in outcomes), outcomes


async def _updates(redis: Redis, tenant: str) -> list[dict[str, Any]]:
    key = stream_key(tenant, FINANCE_COST_UPDATES)
    return [body["payload"] for _, body in await stream_bodies(redis, key)]


async def test_an_unpriced_post_is_published_saying_why_then_priced(
    redis: Redis, tenant: str, finance: httpx.AsyncClient
) -> None:
    """2018/19 is published with `unpriced` set, never as a bare 0; back-dated rates price it."""
    await _grading(redis, tenant, *CATALOGUE)
    establishment = TenantEstablishment(redis, tenant)
    outcomes = await establishment.execute(
        [Submitted(with_post_id(command_from_message(message)), None) for message in POSTS]
    )
    assert all(isinstance(outcome, Accepted) for outcome in outcomes), outcomes
    await caught_up_in_process(finance)

    updates = [update for update in await _updates(redis, tenant) if update["post_id"] == "p"]
    [first] = [update for update in updates if update["fy"] == 2018]
    assert first["annual_cost_after"] == "0.00"
    assert "no on-cost rates" in first["unpriced"]
    later = next(update for update in updates if update["fy"] == 2019)
    assert (later["annual_cost_after"], later["unpriced"]) == (f"{_po6_top():.2f}", None)
    for update in updates:
        zero = (
            Decimal(update["annual_cost_after"]) == 0 or Decimal(update["in_year_cost_after"]) == 0
        )
        assert not zero or update["unpriced"], update

    view = (await finance.get("/ledger", params={"fy": 2018, "as_of": "2018-06-01"})).json()
    [item] = view["unpriced"]
    assert (item["post_id"], item["days_unpriced"]) == ("p", 365)
    assert Decimal(item["estimated_annual_cost"]) == _po6_top().quantize(PENNY)
    assert view["unpriced_totals"]["posts"] == 1

    await _grading(redis, tenant, {**RATES, "effective_date": "2018-04-01"})
    await caught_up_in_process(finance)
    final = [
        update
        for update in await _updates(redis, tenant)
        if (update["post_id"], update["fy"]) == ("p", 2018)
    ][-1]
    assert (final["annual_cost_after"], final["unpriced"]) == (f"{_po6_top():.2f}", None)
    assert final["annual_cost_before"] == "0.00"
    view = (await finance.get("/ledger", params={"fy": 2018, "as_of": "2018-06-01"})).json()
    assert view["unpriced"] == []
    assert view["totals"]["annual_cost"] == f"{_po6_top():.2f}"
