"""Stream entries no consumer can read are rejected at once, raw bytes kept, and the stream flows.

An entry whose field names are not UTF-8, that has no data field, or whose body is over a
megabyte becomes a rejection (its raw fields base64-encoded) on the first delivery, not a
redelivery every few seconds, nor a dead letter; so does a wrong-typed field or a date past
2199; the good entry after them is still recorded.
"""

from __future__ import annotations

import base64
from typing import Any

import httpx
import orjson
import pytest
from driving import caught_up_in_process
from redis.asyncio import Redis
from waiting import until_async

from contracts.streams import (
    ESTABLISHMENT_COMMANDS,
    ESTABLISHMENT_EVENTS,
    ESTABLISHMENT_REJECTIONS,
    stream_key,
)
from eventlog.audit import stream_bodies

pytestmark = [pytest.mark.redis, pytest.mark.usefixtures("with_catalogue")]

UNIT = {
    "type": "CreateOrgUnit",
    "org_unit_id": "u",
    "name": "Unit",
    "effective_date": "2020-04-01",
}


def _text(entry: bytes | str) -> str:
    return entry.decode() if isinstance(entry, bytes) else entry


async def _rejections(redis: Redis, tenant: str, count: int) -> list[dict[str, Any]]:
    key = stream_key(tenant, ESTABLISHMENT_REJECTIONS)

    async def enough() -> list[dict[str, Any]]:
        found = [body for _, body in await stream_bodies(redis, key)]
        return found if len(found) >= count else []

    return await until_async(enough, f"{count} rejections", 20)


async def test_unreadable_entries_are_rejected_at_once_with_their_raw_bytes(
    establishment: httpx.AsyncClient, redis: Redis, tenant: str
) -> None:
    """Non-UTF-8 names, no data field, 2 MB, a wrong type, year 9999: five rejections, one unit."""
    commands = stream_key(tenant, ESTABLISHMENT_COMMANDS)
    bad = [
        await redis.xadd(commands, {b"\xff\xfe": b"\x00\x01"}),
        await redis.xadd(commands, {b"type": b"CreateOrgUnit"}),
        await redis.xadd(commands, {b"__data__": b'{"type": "' + b"x" * 2_000_000 + b'"}'}),
        await redis.xadd(commands, {b"__data__": orjson.dumps({**UNIT, "name": {}})}),
        await redis.xadd(
            commands, {b"__data__": orjson.dumps({**UNIT, "effective_date": "9999-12-31"})}
        ),
    ]
    await redis.xadd(commands, {b"__data__": orjson.dumps(UNIT)})
    rejections = await _rejections(redis, tenant, 5)
    await caught_up_in_process(establishment)
    assert [item["source_entry_id"] for item in rejections] == [_text(entry) for entry in bad]
    assert [item["reason"] for item in rejections] == [
        "malformed",
        "malformed",
        "too-large",
        "invalid",
        "invalid",
    ]
    raw = rejections[0]["message"]["raw_fields_base64"]
    assert {base64.b64decode(k): base64.b64decode(v) for k, v in raw.items()} == {
        b"\xff\xfe": b"\x00\x01"
    }
    assert "__data__" in rejections[1]["detail"]
    events = [
        body for _, body in await stream_bodies(redis, stream_key(tenant, ESTABLISHMENT_EVENTS))
    ]
    assert [event["type"] for event in events] == ["OrgUnitCreated"]
    assert (await redis.xpending(commands, "establishment"))["pending"] == 0
