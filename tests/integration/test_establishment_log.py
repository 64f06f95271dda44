"""The establishment's command path against real Redis: atomic appends, idempotency, races,
known_at views, retraction, and the log staying verifiable."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from redis.asyncio import Redis

from contracts import establishment as est
from contracts.registry import command_from_message, parse_event
from contracts.rejections import Reason
from contracts.streams import ESTABLISHMENT_EVENTS, StoreKeys
from eventlog.audit import stream_bodies, verify_stream
from eventlog.clock import format_timestamp
from eventlog.command_log import Accepted, Outcome, Refused, Submitted
from services.establishment.application import TenantEstablishment, with_post_id
from services.establishment.replay import replay
from services.establishment.views import find_post, posts_on

pytestmark = [pytest.mark.redis, pytest.mark.usefixtures("with_catalogue")]


class SteppingClock:
    """Recorded time that moves on by one second per reading, so known_at can fall between."""

    def __init__(self) -> None:
        self.now = datetime(2026, 1, 1, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


async def run(log: TenantEstablishment, message: dict[str, Any], key: str | None = None) -> Outcome:
    command = with_post_id(command_from_message(message))
    return (await log.execute([Submitted(command, key)]))[0]


async def accepted(log: TenantEstablishment, message: dict[str, Any]) -> dict[str, Any]:
    outcome = await run(log, message)
    assert isinstance(outcome, Accepted), outcome
    return outcome.event


async def seeded(redis: Redis, tenant: str) -> TenantEstablishment:
    log = TenantEstablishment(redis, tenant, SteppingClock())
    await accepted(
        log,
        {
            "type": "CreateOrgUnit",
            "org_unit_id": "cf",
            "name": "C&F",
            "effective_date": "2000-01-01",
        },
    )
    await accepted(
        log,
        {
            "type": "CreatePost",
            "post_id": "p1",
            "title": "Chief Officer",
            "grade": "Dir 80%",
            "fte": "1",
            "org_unit_id": "cf",
            "effective_date": "2017-04-01",
        },
    )
    return log


async def events_in(redis: Redis, tenant: str) -> list[dict[str, Any]]:
    key = StoreKeys.for_stream(tenant, ESTABLISHMENT_EVENTS).stream
    return [body for _, body in await stream_bodies(redis, key)]


async def test_recorded_events_are_self_describing_and_chained(redis: Redis, tenant: str) -> None:
    """Each event parses to its typed payload with id, version and sequence, chained to the last."""
    await seeded(redis, tenant)
    events = await events_in(redis, tenant)
    assert [event["type"] for event in events] == ["OrgUnitCreated", "PostCreated"]
    created = parse_event(events[1])
    assert isinstance(created.payload, est.PostCreated)
    assert created.aggregate_id == "p1"
    assert created.aggregate_version == 1
    assert created.sequence == 2
    assert events[1]["prev_hash"] == events[0]["hash"]
    report = await verify_stream(redis, tenant, ESTABLISHMENT_EVENTS)
    assert report.ok
    assert report.events == 2


async def test_same_command_id_twice_records_one_event(redis: Redis, tenant: str) -> None:
    """A command key sent three times, even to a fresh writer, returns one event marked repeated."""
    log = await seeded(redis, tenant)
    message = {
        "type": "ChangePostFTE",
        "post_id": "p1",
        "fte": "0.5",
        "effective_date": "2018-01-01",
        "command_id": "c0ffee00-0000-4000-8000-000000000001",
    }
    first = await run(log, message, "command:c0ffee00-0000-4000-8000-000000000001")
    second = await run(log, message, "command:c0ffee00-0000-4000-8000-000000000001")
    fresh = TenantEstablishment(redis, tenant)
    third = await run(fresh, message, "command:c0ffee00-0000-4000-8000-000000000001")
    assert isinstance(first, Accepted)
    assert isinstance(second, Accepted)
    assert isinstance(third, Accepted)
    assert first.event["event_id"] == second.event["event_id"] == third.event["event_id"]
    assert (second.repeated, third.repeated) == (True, True)
    assert len(await events_in(redis, tenant)) == 3


async def test_command_id_reused_for_other_content_is_refused(redis: Redis, tenant: str) -> None:
    """A command key reused with a different FTE is refused as command-reused."""
    log = await seeded(redis, tenant)
    key = "command:c0ffee00-0000-4000-8000-000000000002"
    base = {"type": "ChangePostFTE", "post_id": "p1", "effective_date": "2018-01-01"}
    assert isinstance(await run(log, {**base, "fte": "0.5"}, key), Accepted)
    reused = await run(log, {**base, "fte": "0.6"}, key)
    assert isinstance(reused, Refused)
    assert reused.reason is Reason.COMMAND_REUSED


async def test_concurrent_redesignations_one_wins(redis: Redis, tenant: str) -> None:
    """Of two writers racing at version 1, one is accepted, the other refused: version conflict."""
    await seeded(redis, tenant)
    writers = [TenantEstablishment(redis, tenant), TenantEstablishment(redis, tenant)]
    messages = [
        {
            "type": "RedesignatePost",
            "post_id": "p1",
            "title": title,
            "expected_version": 1,
            "effective_date": "2018-04-01",
        }
        for title in ("Chief Officer Social Work", "Chief Officer Resources")
    ]
    outcomes = await asyncio.gather(
        *(run(writer, message) for writer, message in zip(writers, messages, strict=True))
    )
    wins = [outcome for outcome in outcomes if isinstance(outcome, Accepted)]
    losses = [outcome for outcome in outcomes if isinstance(outcome, Refused)]
    assert len(wins) == 1
    assert len(losses) == 1
    assert losses[0].reason is Reason.VERSION_CONFLICT
    redesignations = [e for e in await events_in(redis, tenant) if e["type"] == "PostRedesignated"]
    assert len(redesignations) == 1


async def test_back_dated_correction_and_known_at(redis: Redis, tenant: str) -> None:
    """After a retraction and a back-dated correction, each known_at shows the FTE then known."""
    log = await seeded(redis, tenant)
    projection = await log.current()
    reported_at = projection.recorded_at
    before = find_post(projection, "p1", "2018-06-01")
    assert before is not None
    wrong = await accepted(
        log,
        {"type": "ChangePostFTE", "post_id": "p1", "fte": "0.5", "effective_date": "2018-01-01"},
    )
    between = format_timestamp(datetime.fromisoformat(wrong["recorded_at"]))
    await accepted(
        log,
        {
            "type": "RetractEvent",
            "event_id": wrong["event_id"],
            "reason": "keyed against the wrong post",
        },
    )
    await accepted(
        log,
        {"type": "ChangePostFTE", "post_id": "p1", "fte": "0.8", "effective_date": "2017-10-01"},
    )
    now = find_post(await log.known_at(None), "p1", "2018-06-01")
    then = find_post(await log.known_at(reported_at), "p1", "2018-06-01")
    mid = find_post(await log.known_at(between), "p1", "2018-06-01")
    assert now is not None
    assert then is not None
    assert mid is not None
    assert now["fte"] == "0.8000"
    assert mid["fte"] == "0.5000"
    assert then == before


async def test_refused_commands_leave_the_log_unchanged(redis: Redis, tenant: str) -> None:
    """Not-found, timeline and cycle refusals each give their reason and append nothing."""
    log = await seeded(redis, tenant)
    before = await events_in(redis, tenant)
    outcomes = [
        await run(log, message)
        for message in (
            {
                "type": "ChangePostFTE",
                "post_id": "ghost",
                "fte": "0.5",
                "effective_date": "2018-01-01",
            },
            {
                "type": "ChangePostFTE",
                "post_id": "p1",
                "fte": "0.5",
                "effective_date": "2016-01-01",
            },
            {
                "type": "ChangeReportingLine",
                "post_id": "p1",
                "reports_to": "p1",
                "effective_date": "2018-01-01",
            },
        )
    ]
    assert [outcome.reason for outcome in outcomes if isinstance(outcome, Refused)] == [
        Reason.NOT_FOUND,
        Reason.TIMELINE_CONFLICT,
        Reason.REPORTING_CYCLE,
    ]
    assert await events_in(redis, tenant) == before
    assert (await verify_stream(redis, tenant, ESTABLISHMENT_EVENTS)).ok


async def test_a_batch_sees_its_own_earlier_commands(redis: Redis, tenant: str) -> None:
    """A command may rest on a post made earlier in its batch; only the bad one is refused."""
    log = await seeded(redis, tenant)
    commands = [
        command_from_message(message)
        for message in (
            {
                "type": "CreatePost",
                "post_id": "p2",
                "title": "Head",
                "grade": "Dir 60%",
                "fte": "1",
                "org_unit_id": "cf",
                "effective_date": "2018-04-01",
            },
            {
                "type": "ChangeReportingLine",
                "post_id": "p2",
                "reports_to": "p1",
                "effective_date": "2018-04-01",
            },
            {
                "type": "ChangePostFTE",
                "post_id": "ghost",
                "fte": "0.5",
                "effective_date": "2018-04-01",
            },
        )
    ]
    outcomes = await log.execute([Submitted(command) for command in commands])
    assert [type(outcome) for outcome in outcomes] == [Accepted, Accepted, Refused]
    found = find_post(await log.current(), "p2", "2018-04-01")
    assert found is not None
    assert found["reports_to"] == "p1"


async def test_projection_equals_a_fresh_replay(redis: Redis, tenant: str) -> None:
    """The live projection lists the same posts on each day as a fresh replay of the store."""
    log = await seeded(redis, tenant)
    await accepted(
        log,
        {
            "type": "RedesignatePost",
            "post_id": "p1",
            "grade": "Dir 70%",
            "effective_date": "2018-04-01",
        },
    )
    live = await log.current()
    rebuilt = await replay(log.store)
    for day in ("2017-06-01", "2018-04-01"):
        assert posts_on(live, day) == posts_on(rebuilt, day)


async def test_tampered_entry_is_named_by_verify(redis: Redis, tenant: str, tamper: Any) -> None:
    """Verify fails on an edited entry, naming its entry id and event id, and says it was edited."""
    await seeded(redis, tenant)
    key = StoreKeys.for_stream(tenant, ESTABLISHMENT_EVENTS).stream

    def edit(body: dict[str, Any]) -> None:
        body["payload"]["fte"] = "0.5"

    entry_id, event_id = await tamper(key, 1, edit)
    report = await verify_stream(redis, tenant, ESTABLISHMENT_EVENTS)
    assert not report.ok
    assert report.first_break is not None
    assert report.first_break.entry_id == entry_id
    assert report.first_break.event_id == event_id
    assert "edited" in report.first_break.reason
