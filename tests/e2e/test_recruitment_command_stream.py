"""The recruitment service over Redis Streams, as an HR system publishing appointments uses it."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from redis.asyncio import Redis
from waiting import until_async

from contracts.streams import (
    ESTABLISHMENT_COMMANDS,
    ESTABLISHMENT_EVENTS,
    RECRUITMENT_COMMANDS,
    RECRUITMENT_EVENTS,
    RECRUITMENT_REJECTIONS,
    stream_key,
)
from eventlog.audit import stream_bodies, verify_stream

pytestmark = [pytest.mark.e2e, pytest.mark.redis, pytest.mark.usefixtures("with_catalogue")]


async def entries(redis: Redis, tenant: str, stream: str, count: int) -> list[dict[str, Any]]:
    """Every entry of `stream` once there are at least `count`."""
    key = stream_key(tenant, stream)

    async def enough() -> list[dict[str, Any]]:
        found = [body for _, body in await stream_bodies(redis, key)]
        return found if len(found) >= count else []

    return await until_async(enough, f"{count} entries on {key}", 20)


async def publish(redis: Redis, tenant: str, stream: str, message: dict[str, Any] | bytes) -> str:
    """XADD one message as an HR system does; its entry id."""
    raw = message if isinstance(message, bytes) else orjson.dumps(message)
    entry = await redis.xadd(stream_key(tenant, stream), {"__data__": raw})
    return entry.decode() if isinstance(entry, bytes) else str(entry)


POST = {
    "type": "CreatePost",
    "post_id": "sw-1",
    "title": "Social Worker",
    "grade": "PO1",
    "fte": "1",
    "org_unit_id": "cf",
    "effective_date": "2017-04-01",
}
APPOINT = {
    "type": "AppointPostholder",
    "post_id": "sw-1",
    "person_ref": "emp-1",
    "start_date": "2017-05-01",
    "command_id": "appoint-1",
}


async def test_recruitment_commands_on_the_stream_become_events_or_rejections(
    establishment_service: Any,
    recruitment_service: Any,
    redis: Redis,
    tenant: str,
) -> None:
    """Stream appointments and leavers are decided as over HTTP; each bad one is rejected."""
    unit = {"type": "CreateOrgUnit", "org_unit_id": "cf", "name": "C&F"}
    await publish(redis, tenant, ESTABLISHMENT_COMMANDS, {**unit, "effective_date": "2000-01-01"})
    await publish(redis, tenant, ESTABLISHMENT_COMMANDS, POST)
    await entries(redis, tenant, ESTABLISHMENT_EVENTS, 2)
    await publish(redis, tenant, RECRUITMENT_COMMANDS, APPOINT)
    await publish(redis, tenant, RECRUITMENT_COMMANDS, APPOINT)  # sent twice: one event
    bad = [
        await publish(redis, tenant, RECRUITMENT_COMMANDS, b'{"type": "AppointPostholder", '),
        await publish(redis, tenant, RECRUITMENT_COMMANDS, POST),
        await publish(redis, tenant, RECRUITMENT_COMMANDS, {**APPOINT, "scp": 500}),
        await publish(
            redis, tenant, RECRUITMENT_COMMANDS, {**APPOINT, "post_id": "ghost", "command_id": None}
        ),
    ]
    leaver = {
        "type": "RecordLeaver",
        "post_id": "sw-1",
        "person_ref": "emp-1",
        "end_date": "2019-03-31",
    }
    await publish(redis, tenant, RECRUITMENT_COMMANDS, leaver)
    events = await entries(redis, tenant, RECRUITMENT_EVENTS, 2)
    rejections = await entries(redis, tenant, RECRUITMENT_REJECTIONS, 4)
    assert [event["type"] for event in events] == ["PostholderAppointed", "PostholderLeft"]
    assert events[0]["causation_id"] == "appoint-1"
    assert [item["source_entry_id"] for item in rejections] == bad
    assert [item["reason"] for item in rejections] == [
        "malformed",
        "unknown-type",
        "invalid",
        "not-found",
    ]
    assert rejections[2]["errors"][0]["loc"] == ["scp"]
    assert (await verify_stream(redis, tenant, RECRUITMENT_EVENTS)).ok

    async def all_acked() -> bool:
        found = await redis.xpending(stream_key(tenant, RECRUITMENT_COMMANDS), "recruitment")
        return int(found["pending"]) == 0

    await until_async(all_acked, "every command entry to be acknowledged", 20)
