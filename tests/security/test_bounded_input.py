"""Input an attacker or a broken HTTP client sends is refused visibly, and records nothing.

Over HTTP a refusal is a 4xx problem (never a 500); the log is the same length after it.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from redis.asyncio import Redis

from contracts.streams import ESTABLISHMENT_EVENTS, stream_key

pytestmark = [pytest.mark.redis, pytest.mark.usefixtures("with_catalogue")]

UNIT = {"org_unit_id": "u", "name": "Unit", "effective_date": "2020-04-01"}
POST = {
    "post_id": "p1",
    "title": "Officer",
    "grade": "PO6",
    "fte": "1",
    "org_unit_id": "u",
    "effective_date": "2020-04-01",
}


@pytest.fixture(autouse=True)
async def unit(establishment: httpx.AsyncClient) -> None:
    """The org unit every post here is created in."""
    reply = await establishment.post("/org-units", json=UNIT)
    assert reply.status_code == 201, reply.text


async def _refused(
    client: httpx.AsyncClient, redis: Redis, tenant: str, body: dict[str, Any], field: str
) -> dict[str, Any]:
    """POST `body` as a new post: a 422 naming `field`, and nothing recorded."""
    key = stream_key(tenant, ESTABLISHMENT_EVENTS)
    before = await redis.xlen(key)
    reply = await client.post("/posts", json=body)
    assert reply.status_code == 422, reply.text
    problem: dict[str, Any] = reply.json()
    assert problem["errors"][0]["loc"][-1] == field, problem
    assert await redis.xlen(key) == before
    return problem


@pytest.mark.parametrize(
    "cost", ["1e100000", "1e999999", "1000000000000", "-5", "12.345", "NaN", "Infinity"]
)
async def test_money_past_twelve_digits_or_pence_is_refused(
    establishment: httpx.AsyncClient, redis: Redis, tenant: str, cost: str
) -> None:
    """A budget of 1e100000, 13 integer digits, negative, sub-penny or not finite is a 422."""
    body = {**POST, "budgeted_annual_cost": cost}
    await _refused(establishment, redis, tenant, body, "budgeted_annual_cost")


async def test_the_largest_money_allowed_is_recorded(establishment: httpx.AsyncClient) -> None:
    """999,999,999,999.99 (twelve digits and pence) is a budget the system records."""
    reply = await establishment.post(
        "/posts", json={**POST, "budgeted_annual_cost": "999999999999.99"}
    )
    assert reply.status_code == 201, reply.text


WRONG = [{}, True, [], "", "x" * 5000, "1" * 100]


@pytest.mark.parametrize(
    ("field", "value"),
    [("fte", value) for value in [*WRONG, None, "49087912521874859117054400/9.93", "40/37"]]
    + [("budgeted_annual_cost", value) for value in WRONG],
)
async def test_wrong_typed_numbers_are_422_not_500(
    establishment: httpx.AsyncClient, redis: Redis, tenant: str, field: str, value: Any
) -> None:
    """FTE or money as an object, boolean, list, junk or 100 digits is a 422; FTE as null or as
    more hours than the standard week too (a huge one used to overflow Decimal: a 500)."""
    await _refused(establishment, redis, tenant, {**POST, field: value}, field)


@pytest.mark.parametrize("day", ["9999-12-31", "2200-01-01", "1899-12-31", "0001-01-01"])
async def test_dates_outside_1900_to_2199_are_refused(
    establishment: httpx.AsyncClient, redis: Redis, tenant: str, day: str
) -> None:
    """A change effective in 9999 (which could then never be costed) or before 1900 is a 422."""
    await _refused(establishment, redis, tenant, {**POST, "effective_date": day}, "effective_date")


@pytest.mark.parametrize("title", ["Officer\x00", "Off\x1b[31micer", "Off\u2028icer", "A\rB"])
async def test_text_with_control_characters_is_refused(
    establishment: httpx.AsyncClient, redis: Redis, tenant: str, title: str
) -> None:
    """A title carrying NUL, an escape sequence or a line separator is a 422."""
    await _refused(establishment, redis, tenant, {**POST, "title": title}, "title")


async def test_a_body_over_one_megabyte_is_413(
    establishment: httpx.AsyncClient, redis: Redis, tenant: str
) -> None:
    """A request body over 1 MB is refused with 413 before it is read, and records nothing."""
    key = stream_key(tenant, ESTABLISHMENT_EVENTS)
    before = await redis.xlen(key)
    padding = "x" * (1024 * 1024)
    reply = await establishment.post("/posts", json={**POST, "description": padding})
    assert reply.status_code == 413, reply.text
    assert reply.headers["content-type"].startswith("application/problem+json")
    assert await redis.xlen(key) == before
