"""SIGKILL the establishment process while commands stream in: after a restart every accepted
command is in the log exactly once and the service's view equals a fresh replay."""

from __future__ import annotations

from collections import Counter
from typing import Any

import httpx
import orjson
import pytest
from bearer import speaking_for
from redis.asyncio import Redis
from waiting import until_async

from contracts.streams import ESTABLISHMENT_COMMANDS, ESTABLISHMENT_EVENTS, StoreKeys, stream_key
from eventlog.audit import stream_bodies, verify_stream
from eventlog.store import EventStore
from readmodels.workforce import Workforce
from services.establishment.replay import replay
from services.establishment.structure import structure

pytestmark = [pytest.mark.faults, pytest.mark.redis, pytest.mark.usefixtures("with_catalogue")]

POSTS = 1500


def command(number: int) -> bytes:
    return orjson.dumps(
        {
            "type": "CreatePost",
            "post_id": f"p{number}",
            "title": f"Post {number}",
            "grade": "PO6",
            "fte": "0.5",
            "org_unit_id": "cf",
            "effective_date": "2018-04-01",
            "command_id": f"cmd-{number}",
        }
    )


async def event_count(redis: Redis, tenant: str) -> int:
    return int(await redis.xlen(stream_key(tenant, ESTABLISHMENT_EVENTS)))


async def test_sigkill_mid_stream_loses_and_duplicates_nothing(
    establishment_service: Any, redis: Redis, tenant: str
) -> None:
    """After a SIGKILL and re-sends, each command has one event and the view equals a replay."""
    commands = stream_key(tenant, ESTABLISHMENT_COMMANDS)
    await redis.xadd(
        commands,
        {
            "__data__": orjson.dumps(
                {
                    "type": "CreateOrgUnit",
                    "org_unit_id": "cf",
                    "name": "C&F",
                    "effective_date": "2000-01-01",
                    "command_id": "unit",
                }
            )
        },
    )
    for start in range(0, POSTS, 100):
        async with redis.pipeline(transaction=False) as pipe:
            for number in range(start, start + 100):
                pipe.xadd(commands, {"__data__": command(number)})
            await pipe.execute()

    async def recording() -> bool:
        return await event_count(redis, tenant) >= 50

    await until_async(recording, "the service to start recording", 30)
    establishment_service.kill()
    killed_at = await event_count(redis, tenant)
    # Some commands are re-sent by the HR system after the crash: still one event each.
    async with redis.pipeline(transaction=False) as pipe:
        for number in range(0, POSTS, 7):
            pipe.xadd(commands, {"__data__": command(number)})
        await pipe.execute()
    establishment_service.start()

    async def all_recorded() -> bool:
        return await event_count(redis, tenant) >= POSTS + 1

    async def none_pending() -> bool:
        return not (await redis.xpending(commands, "establishment"))["pending"]

    await until_async(all_recorded, f"all {POSTS + 1} events after the restart")
    await until_async(none_pending, "no entries left pending after the restart")

    key = StoreKeys.for_stream(tenant, ESTABLISHMENT_EVENTS).stream
    events = [body for _, body in await stream_bodies(redis, key)]
    causes = Counter(event["causation_id"] for event in events)
    assert killed_at < POSTS + 1, "the kill came too late to test anything"
    assert len(events) == POSTS + 1
    assert set(causes.values()) == {1}
    assert (await verify_stream(redis, tenant, ESTABLISHMENT_EVENTS)).ok

    async with httpx.AsyncClient(
        base_url=establishment_service.url, headers=speaking_for(tenant)
    ) as client:
        served = (await client.get("/structure", params={"as_of": "2018-04-01"})).json()
    rebuilt = structure(
        await replay(EventStore(redis, StoreKeys.for_stream(tenant, ESTABLISHMENT_EVENTS))),
        "2018-04-01",
        None,
        Workforce(),
    )
    assert served["totals"] == rebuilt["totals"]
    assert (served["totals"]["posts"], served["totals"]["fte"]) == (POSTS, "750.0000")
    assert served["posts"] == rebuilt["posts"]
