"""A log that goes backwards under a reader (a power cut lost its last writes) is noticed.

The follower refolds from what the log now holds, stops serving the lost events, and reports the
rollback on `/health`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import orjson
import pytest
from driving import in_process
from waiting import until_async

from contracts import establishment as est
from contracts.streams import ESTABLISHMENT_EVENTS, StoreKeys
from eventlog.command_log import Accepted, Submitted
from eventlog.store import DATA_FIELD
from services.establishment.application import TenantEstablishment
from services.recruitment.main import create_app

if TYPE_CHECKING:
    from collections.abc import Callable

    import httpx
    from redis.asyncio import Redis

    from eventlog.settings import Settings

pytestmark = [pytest.mark.redis, pytest.mark.usefixtures("with_catalogue")]

DAY = "2020-04-01"


def _post(post_id: str) -> est.CreatePost:
    return est.CreatePost.model_validate(
        {
            "post_id": post_id,
            "title": "Officer",
            "grade": "PO6",
            "fte": "1",
            "org_unit_id": "u",
            "effective_date": DAY,
        }
    )


async def _record(redis: Redis, tenant: str, *commands: est.EstablishmentCommand) -> None:
    outcomes = await TenantEstablishment(redis, tenant).execute([Submitted(c) for c in commands])
    assert all(isinstance(outcome, Accepted) for outcome in outcomes), outcomes


async def _vacant_posts(client: httpx.AsyncClient) -> int:
    reply = await client.get("/vacancies", params={"as_of": DAY})
    assert reply.status_code == 200, reply.text
    return int(reply.json()["totals"]["posts"])


async def _lose_last_event(redis: Redis, keys: StoreKeys) -> None:
    """What a power cut under `everysec` does: the last append gone, the head one event back."""
    entries: Any = await redis.xrevrange(keys.stream, count=2)
    (lost_id, _), (kept_id, kept) = entries
    await redis.xdel(keys.stream, lost_id)
    body = orjson.loads(kept[DATA_FIELD])
    await redis.hset(
        keys.head,
        mapping={"hash": body["hash"], "sequence": body["sequence"], "entry_id": kept_id},
    )


async def test_a_follower_refolds_a_log_that_lost_its_last_event(
    redis: Redis, settings: Callable[[str], Settings], tenant: str
) -> None:
    """Recruitment stops listing the vacancy whose creation was lost, and /health says so."""
    unit = est.CreateOrgUnit.model_validate(
        {"org_unit_id": "u", "name": "U", "effective_date": DAY}
    )
    await _record(redis, tenant, unit, _post("p1"))
    await _record(redis, tenant, _post("p2"))
    async with in_process(create_app(settings("recruitment")), tenant) as client:
        assert await _vacant_posts(client) == 2
        await _lose_last_event(redis, StoreKeys.for_stream(tenant, ESTABLISHMENT_EVENTS))

        async def refolded() -> bool:
            return await _vacant_posts(client) == 1

        await until_async(refolded, "recruitment to refold the shortened log", 10)
        health = (await client.get("/health")).json()
    noticed = [item for item in health["rollbacks"] if item["stream"].startswith(f"{{{tenant}}}:")]
    assert [(item["folded_sequence"], item["stored_sequence"]) for item in noticed] == [(3, 2)]
