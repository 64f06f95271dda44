"""hypothesis over establishment's command bodies and its command stream: every malformed or
mistyped command is refused visibly and records nothing; nothing is ever a 500 or stuck.

Bodies start from a valid command and are mutated: a field set to any JSON value, a field
dropped, an unknown field added, or the body replaced outright. They are written by the standard
library's encoder, so integers past 64 bits and NaN reach the services as a careless client sends
them.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from driving import caught_up_in_process
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st
from redis.asyncio import Redis

from contracts.streams import (
    ESTABLISHMENT_COMMANDS,
    ESTABLISHMENT_EVENTS,
    ESTABLISHMENT_REJECTIONS,
    stream_key,
)

pytestmark = [pytest.mark.redis, pytest.mark.usefixtures("with_catalogue")]

DAY = "2020-04-01"
UNIT = {"org_unit_id": "u", "name": "Unit", "effective_date": DAY}
POST = {
    "post_id": "p1",
    "title": "Officer",
    "grade": "PO6",
    "fte": "1",
    "org_unit_id": "u",
    "effective_date": DAY,
}
ROUTES: dict[str, dict[str, Any]] = {
    "/org-units": {**UNIT, "org_unit_id": "v"},
    "/posts": {**POST, "post_id": "p2"},
    "/posts/p1/redesignate": {"title": "Senior Officer", "effective_date": "2021-04-01"},
    "/posts/p1/fte": {"fte": "0.5", "effective_date": "2021-04-01"},
    "/posts/p1/transfer": {"org_unit_id": "u", "effective_date": "2021-04-01"},
    "/posts/p1/funding": {
        "funding": [{"source_id": "grant", "share": "1"}],
        "effective_date": "2021-04-01",
    },
    "/posts/p1/delete": {"effective_date": "2021-04-01"},
}
SETTINGS = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=30)
    | st.sampled_from(["1e100000", "NaN", "9999-12-31", "30/0", "-1", "\x00", "0.00001", ""]),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, Any]:
    """A route and a body that is its valid command, changed in one way."""
    route = draw(st.sampled_from(sorted(ROUTES)))
    body = dict(ROUTES[route])
    how = draw(st.sampled_from(["set", "drop", "add", "replace"]))
    if how == "set":
        body[draw(st.sampled_from(sorted(body)))] = draw(json_values)
    elif how == "drop":
        body.pop(draw(st.sampled_from(sorted(body))))
    elif how == "add":
        body[draw(st.text(min_size=1, max_size=12))] = draw(json_values)
    else:
        return route, draw(json_values)
    return route, body


@pytest.fixture
async def seeded(establishment: httpx.AsyncClient) -> httpx.AsyncClient:
    """The org unit and post the mutated commands act on."""
    for path, body in (("/org-units", UNIT), ("/posts", POST)):
        reply = await establishment.post(path, json=body)
        assert reply.status_code == 201, reply.text
    return establishment


@SETTINGS
@given(case=mutated())
async def test_a_mutated_http_command_is_a_4xx_that_records_nothing_or_is_recorded(
    seeded: httpx.AsyncClient, redis: Redis, tenant: str, case: tuple[str, Any]
) -> None:
    """Never a 5xx; a 4xx is a problem body and the log is the length it was."""
    route, body = case
    note(f"POST {route} {body!r}")
    events = stream_key(tenant, ESTABLISHMENT_EVENTS)
    before = await redis.xlen(events)
    reply = await seeded.post(route, content=json.dumps(body))
    assert reply.status_code < 500, reply.text
    if reply.status_code >= 400:
        assert reply.headers["content-type"] == "application/problem+json"
        assert await redis.xlen(events) == before
    else:
        assert await redis.xlen(events) == before + 1


@settings(SETTINGS, max_examples=40)
@given(cases=st.lists(mutated(), min_size=1, max_size=6))
async def test_mutated_stream_commands_are_each_recorded_or_rejected(
    seeded: httpx.AsyncClient, redis: Redis, tenant: str, cases: list[tuple[str, Any]]
) -> None:
    """The same mutations sent on the command stream: once consumed, each entry is an event or
    a rejection, none is left pending or dead-lettered."""
    events = stream_key(tenant, ESTABLISHMENT_EVENTS)
    rejections = stream_key(tenant, ESTABLISHMENT_REJECTIONS)
    before = await redis.xlen(events) + await redis.xlen(rejections)
    for route, body in cases:
        message = _as_message(route, body)
        note(repr(message))
        await redis.xadd(stream_key(tenant, ESTABLISHMENT_COMMANDS), {"__data__": message})
    await caught_up_in_process(seeded)
    after = await redis.xlen(events) + await redis.xlen(rejections)
    assert after == before + len(cases)


def _as_message(route: str, body: Any) -> bytes:
    """The stream message for a route's body: its command type and, for a post, its id."""
    kinds = {
        "/org-units": "CreateOrgUnit",
        "/posts": "CreatePost",
        "/posts/p1/redesignate": "RedesignatePost",
        "/posts/p1/fte": "ChangePostFTE",
        "/posts/p1/transfer": "TransferPost",
        "/posts/p1/funding": "ChangePostFunding",
        "/posts/p1/delete": "DeletePost",
    }
    if not isinstance(body, dict):
        return json.dumps(body).encode()
    extra = {"post_id": "p1"} if route.startswith("/posts/p1/") else {}
    return json.dumps({"type": kinds[route], **extra, **body}).encode()
