"""The establishment service over Redis Streams, as an HR system publishing commands uses it."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from faststream.redis import RedisBroker
from redis.asyncio import Redis
from waiting import until_async

from contracts.streams import (
    ESTABLISHMENT_COMMANDS,
    ESTABLISHMENT_EVENTS,
    ESTABLISHMENT_REJECTIONS,
    stream_key,
)
from eventlog.audit import stream_bodies, verify_stream

pytestmark = [pytest.mark.e2e, pytest.mark.redis, pytest.mark.usefixtures("with_catalogue")]


async def bodies(redis: Redis, key: str) -> list[dict[str, Any]]:
    return [body for _, body in await stream_bodies(redis, key)]


async def wait_for(redis: Redis, key: str, count: int, seconds: float = 20) -> list[Any]:
    """Every entry of `key` once there are at least `count`."""

    async def enough() -> list[Any]:
        found = await bodies(redis, key)
        return found if len(found) >= count else []

    return await until_async(enough, f"{count} entries on {key}", seconds)


async def publish(redis: Redis, tenant: str, message: dict[str, Any] | bytes) -> str:
    raw = message if isinstance(message, bytes) else orjson.dumps(message)
    entry = await redis.xadd(stream_key(tenant, ESTABLISHMENT_COMMANDS), {"__data__": raw})
    return entry.decode() if isinstance(entry, bytes) else str(entry)


async def test_commands_on_the_stream_become_events_or_rejections(
    establishment_service: Any, redis: Redis, tenant: str, redis_url: str
) -> None:
    """Good stream commands become one event each; each bad one is a rejection with its reason."""
    unit = {
        "type": "CreateOrgUnit",
        "org_unit_id": "cf",
        "name": "Children and Families",
        "effective_date": "2000-01-01",
        "command_id": "u-1",
    }
    hr_fact = {
        "type": "PostCreated",
        "post_id": "p1",
        "title": "Chief Officer",
        "grade": "Dir 80%",
        "fte": "1",
        "org_unit_id": "cf",
        "effective_date": "2017-04-01",
        "command_id": "hr-1",
    }
    await publish(redis, tenant, unit)
    await publish(redis, tenant, hr_fact)
    await publish(redis, tenant, hr_fact)  # the same command twice: one event
    bad = [
        await publish(redis, tenant, b'{"type": "CreatePost", '),
        await publish(redis, tenant, {"type": "LaunchRocket"}),
        await publish(
            redis,
            tenant,
            {
                "type": "ChangePostFTE",
                "post_id": "p1",
                "fte": "1.5",
                "effective_date": "2018-01-01",
            },
        ),
        await publish(
            redis,
            tenant,
            {
                "type": "ChangePostFTE",
                "post_id": "ghost",
                "fte": "0.5",
                "effective_date": "2018-01-01",
            },
        ),
        await publish(
            redis,
            tenant,
            {
                "type": "ChangePostFTE",
                "post_id": "p1",
                "fte": "0.5",
                "effective_date": "2016-01-01",
            },
        ),
    ]
    async with RedisBroker(redis_url) as broker:  # a FastStream publisher works too
        await broker.publish(
            {
                "type": "RedesignatePost",
                "post_id": "p1",
                "grade": "Dir 70%",
                "effective_date": "2018-04-01",
                "command_id": "hr-2",
            },
            stream=stream_key(tenant, ESTABLISHMENT_COMMANDS),
        )
    events = await wait_for(redis, stream_key(tenant, ESTABLISHMENT_EVENTS), 3)
    rejections = await wait_for(redis, stream_key(tenant, ESTABLISHMENT_REJECTIONS), 5)
    assert [event["type"] for event in events] == [
        "OrgUnitCreated",
        "PostCreated",
        "PostRedesignated",
    ]
    assert [event["causation_id"] for event in events] == ["u-1", "hr-1", "hr-2"]
    assert [item["source_entry_id"] for item in rejections] == bad
    assert [item["reason"] for item in rejections] == [
        "malformed",
        "unknown-type",
        "invalid",
        "not-found",
        "timeline-conflict",
    ]
    assert rejections[1]["message"] == {"type": "LaunchRocket"}
    assert rejections[2]["errors"][0]["loc"] == ["fte"]
    assert "2017-04-01" in rejections[4]["detail"]
    assert (await verify_stream(redis, tenant, ESTABLISHMENT_EVENTS)).ok
    pending = await redis.xpending(stream_key(tenant, ESTABLISHMENT_COMMANDS), "establishment")
    assert pending["pending"] == 0
