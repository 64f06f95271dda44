"""Each cost update names the event that set its figure, however deliveries were batched.

Finance runs in-process on the suite's Redis. A post is created and re-graded in one append, so
finance reads both in one delivery batch; the creation must be named as the cause of the grade's
first cost and the re-grading as the cause of the new one, each priced as a council holding only
the events up to it would price it (the pure rules, from the catalogue).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from driving import caught_up_in_process, in_process
from finance_council import Council
from redis.asyncio import Redis

from contracts.registry import command_from_message
from contracts.streams import FINANCE_COST_UPDATES, stream_key
from eventlog.audit import stream_bodies
from eventlog.command_log import Accepted, Submitted
from eventlog.settings import Settings
from services.establishment.application import TenantEstablishment
from services.finance.handlers import figure
from services.finance.main import create_app

pytestmark = [pytest.mark.redis, pytest.mark.usefixtures("with_catalogue")]

DAY = "2024-04-01"
FY = 2024
"""The financial year DAY opens (a past one, so its annual figure does not move with today)."""
UNIT = {"type": "CreateOrgUnit", "org_unit_id": "u", "name": "U", "effective_date": DAY}
POST = {
    "type": "CreatePost",
    "post_id": "p",
    "title": "Officer",
    "grade": "PO6",
    "fte": "1",
    "org_unit_id": "u",
    "effective_date": DAY,
}
REGRADE = {"type": "RedesignatePost", "post_id": "p", "grade": "SO1", "effective_date": DAY}


@pytest.fixture
async def finance(
    settings: Callable[[str], Settings], tenant: str
) -> AsyncIterator[httpx.AsyncClient]:
    async with in_process(create_app(settings("finance")), tenant) as client:
        await caught_up_in_process(client)
        yield client


def _annual(*messages: dict[str, Any], fy: int, today: str) -> str:
    """The post's annual budget cost in `fy` once `messages` are recorded, by the pure rules."""
    council = Council().load("catalogue_njc_leeds_style")
    for message in messages:
        council.run(message)
    return f"{figure(council.books, 'p', fy, today).annual_cost:.2f}"


async def test_a_batch_names_each_event_as_the_cause_of_its_own_figure(
    redis: Redis, tenant: str, finance: httpx.AsyncClient
) -> None:
    """PostCreated causes the PO6 figure and the re-grading the SO1 one, not the creation both."""
    establishment = TenantEstablishment(redis, tenant)
    outcomes = await establishment.execute(
        [Submitted(command_from_message(message), None) for message in (UNIT, POST, REGRADE)]
    )
    assert all(isinstance(outcome, Accepted) for outcome in outcomes), outcomes
    await caught_up_in_process(finance)

    key = stream_key(tenant, FINANCE_COST_UPDATES)
    updates = [body["payload"] for _, body in await stream_bodies(redis, key)]
    first_year = [update for update in updates if update["fy"] == FY]
    assert [update["cause_type"] for update in first_year] == ["PostCreated", "PostRedesignated"]
    created, regraded = first_year
    today = datetime.now(UTC).date().isoformat()
    as_created = _annual(UNIT, POST, fy=FY, today=today)
    as_regraded = _annual(UNIT, POST, REGRADE, fy=FY, today=today)
    assert as_created != as_regraded
    assert created["annual_cost_after"] == as_created
    assert (regraded["annual_cost_before"], regraded["annual_cost_after"]) == (
        as_created,
        as_regraded,
    )
