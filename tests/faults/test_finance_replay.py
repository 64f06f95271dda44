"""Finance killed mid-stream, fed out of order and with repeats: a full replay still equals it.

Posts and holders arrive before most of the pay awards that price them (only the first year's
catalogue comes first: establishment refuses a grade the catalogue does not define), HR re-sends
a whole scenario, and finance is SIGKILLed while it publishes cost updates. After a restart, the
ledgers it serves equal, to the penny, ledgers rebuilt from nothing but the streams, and the last
cost published for every post and year is the cost now computed, each update continuing the last.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from bearer import speaking_for
from redis.asyncio import Redis
from waiting import until_async

from contracts.streams import FINANCE_COST_UPDATES, stream_key
from eventlog.audit import stream_bodies, verify_stream
from scenarios.loader import bundled_scenario, http_request, load_scenario, service_of
from services.finance.application import TenantFinance
from services.finance.costing import BUDGET, FORECAST, Policy
from services.finance.handlers import figure
from services.finance.ledger import ledger

pytestmark = [pytest.mark.faults, pytest.mark.redis]


FIRST_YEAR = "2017-04-01"


async def load(
    client: httpx.AsyncClient,
    urls: dict[str, str],
    name: str,
    services: set[str] | None = None,
    *,
    from_first_year: bool | None = None,
) -> None:
    """Send a bundled scenario's steps: only those for `services` and of one period, if asked.

    `from_first_year` True sends the steps effective in the first year only, False the rest.
    """
    for step in load_scenario(bundled_scenario(name)).steps:
        if services is not None and service_of(step.command) not in services:
            continue
        first = str(step.command.get("effective_date", FIRST_YEAR)) <= FIRST_YEAR
        if from_first_year is not None and first != from_first_year:
            continue
        method, path, body = http_request(step.command)
        reply = await client.request(method, f"{urls[service_of(step.command)]}{path}", json=body)
        assert reply.is_success, (step.step, reply.text)


async def caught_up(client: httpx.AsyncClient, url: str) -> None:
    """Wait until the service at `url` has read and acknowledged everything it consumes."""

    async def done() -> bool:
        return bool((await client.get(f"{url}/progress")).json()["caught_up"])

    await until_async(done, f"{url} to catch up")


async def test_replay_equals_live_after_reordering_repeats_and_a_kill(
    establishment_service: Any,
    grading_service: Any,
    recruitment_service: Any,
    finance_service: Any,
    redis: Redis,
    tenant: str,
) -> None:
    """After reordering, repeats and a kill, served ledgers equal a rebuild; cost updates chain."""
    urls = {
        "establishment": establishment_service.url,
        "grading": grading_service.url,
        "recruitment": recruitment_service.url,
        "finance": finance_service.url,
    }
    async with httpx.AsyncClient(headers=speaking_for(tenant), timeout=30) as client:
        await load(client, urls, "catalogue_njc_leeds_style", from_first_year=True)
        await load(client, urls, "leeds_2018_children_and_families")
        await load(client, urls, "leeds_2018_postholders")
        await load(client, urls, "catalogue_njc_leeds_style", from_first_year=False)
        key = stream_key(tenant, FINANCE_COST_UPDATES)

        async def published() -> bool:
            return await redis.xlen(key) >= 20

        await until_async(published, "finance to publish cost updates", 30)
        finance_service.kill()
        await load(client, urls, "leeds_2018_children_and_families")  # HR sends it all again
        others = {"establishment", "grading", "recruitment"}
        await load(client, urls, "leeds_innovation_2017", others)
        finance_service.start()
        await load(client, urls, "leeds_innovation_2017", {"finance"})
        await caught_up(client, finance_service.url)
        served = {
            (fy, basis): (
                await client.get(
                    f"{finance_service.url}/ledger",
                    params={"fy": fy, "basis": basis, "group_by": "post", "as_of": "2026-01-01"},
                )
            ).json()
            for fy in (2017, 2018)
            for basis in (BUDGET, FORECAST)
        }

    books = await TenantFinance(redis, tenant).books(None)
    for (fy, basis), answer in served.items():
        rebuilt = ledger(books, fy, as_of="2026-01-01", group_by="post", policy=Policy(basis=basis))
        assert answer == rebuilt, (fy, basis)
    assert served[2018, BUDGET]["totals"]["posts"] > 40

    updates = [body["payload"] for _, body in await stream_bodies(redis, key)]
    chains: dict[tuple[str, int], list[dict[str, Any]]] = defaultdict(list)
    for update in updates:
        chains[update["post_id"], update["fy"]].append(update)
    today = datetime.now(UTC).date().isoformat()
    for (post_id, fy), chain in chains.items():
        for earlier, later in itertools.pairwise(chain):
            assert later["annual_cost_before"] == earlier["annual_cost_after"]
            assert later["in_year_cost_before"] == earlier["in_year_cost_after"]
        now = figure(books, post_id, fy, today)
        assert chain[-1]["annual_cost_after"] == f"{now.annual_cost:.2f}", (post_id, fy)
        assert chain[-1]["in_year_cost_after"] == f"{now.in_year_cost:.2f}", (post_id, fy)
    assert (await verify_stream(redis, tenant, FINANCE_COST_UPDATES)).ok
