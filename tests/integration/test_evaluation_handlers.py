"""The two consumers of the job evaluation workflow against real Redis, under redelivery.

Delivery is at least once: each handler is given the same entries twice (as after a crash before
the ack) and must record each effect once, and reject a bad entry once.
"""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from redis.asyncio import Redis

from contracts import establishment as est
from contracts.streams import (
    ESTABLISHMENT_REJECTIONS,
    GRADING_REJECTIONS,
    stream_key,
)
from eventlog.audit import stream_bodies
from eventlog.command_log import Submitted
from eventlog.subscribers import Delivery
from services.establishment.application import TenantEstablishment
from services.establishment.evaluations import grading_events_handler
from services.grading.application import TenantGrading
from services.grading.handlers import establishment_events_handler

pytestmark = [pytest.mark.redis, pytest.mark.usefixtures("with_catalogue")]


async def establishment_with_post(redis: Redis, tenant: str) -> TenantEstablishment:
    log = TenantEstablishment(redis, tenant)
    commands: list[est.EstablishmentCommand] = [
        est.CreateOrgUnit.model_validate(
            {"org_unit_id": "cf", "name": "C and F", "effective_date": "2018-04-01"}
        ),
        est.CreatePost.model_validate(
            {
                "post_id": "p1",
                "title": "Officer",
                "grade": "PO5",
                "fte": "1",
                "org_unit_id": "cf",
                "effective_date": "2018-04-01",
            }
        ),
        est.DeletePost.model_validate({"post_id": "p1", "effective_date": "2019-04-01"}),
    ]
    await log.execute([Submitted(command) for command in commands])
    return log


def delivered(entries: list[tuple[str, dict[str, Any]]]) -> list[Delivery]:
    return [Delivery(entry_id, orjson.dumps(body), 1) for entry_id, body in entries]


async def test_grading_records_each_establishment_event_once(redis: Redis, tenant: str) -> None:
    """A batch given twice yields one evaluation request, one closure, one malformed rejection."""
    log = await establishment_with_post(redis, tenant)
    events = await stream_bodies(redis, log.keys.stream)
    grading = TenantGrading(redis, tenant)
    handler = establishment_events_handler(grading, redis)
    caused = dict(events[1][1], event_id="by-grading", causation_id="grading:some-event")
    caused["type"] = "PostRedesignated"
    batch = [*delivered(events), *delivered([("9-1", caused)]), Delivery("9-2", b"{nope", 1)]
    await handler(batch)
    await handler(batch)
    recorded = [
        entry
        for entry in await stream_bodies(redis, grading.keys.stream)
        if entry[1]["aggregate_type"] == "post"
    ]
    assert [body["type"] for _, body in recorded] == ["EvaluationRequested", "PostClosed"]
    assert recorded[0][1]["payload"]["source_event_id"] == events[1][1]["event_id"]
    assert recorded[1][1]["effective_date"] == "2019-04-01"
    rejections = await stream_bodies(redis, stream_key(tenant, GRADING_REJECTIONS))
    assert [(body["source_entry_id"], body["reason"]) for _, body in rejections] == [
        ("9-2", "malformed")
    ]


def job_evaluated(event_id: str, grade: str, effective: str) -> dict[str, Any]:
    return {
        "event_id": event_id,
        "type": "JobEvaluated",
        "effective_date": effective,
        "actor": "evaluator",
        "payload": {
            "post_id": "p1",
            "scheme": "NJC-JES",
            "factor_levels": {"knowledge": 8},
            "total_points": 731,
            "grade": grade,
            "proposed_grade": "PO5",
        },
    }


async def test_establishment_applies_each_evaluation_once(redis: Redis, tenant: str) -> None:
    """An evaluation delivered twice regrades once; one dated past the deletion is rejected once."""
    log = await establishment_with_post(redis, tenant)
    handler = grading_events_handler(log, redis)
    batch = delivered(
        [
            ("1-1", job_evaluated("ev-1", "PO6", "2018-07-01")),
            ("1-2", job_evaluated("ev-2", "PO6", "2019-06-01")),
            ("1-3", {"event_id": "x", "type": "PayScalePublished", "payload": {}}),
        ]
    )
    await handler(batch)
    await handler(batch)
    recorded = [body for _, body in await stream_bodies(redis, log.keys.stream)]
    assert [body["type"] for body in recorded[3:]] == ["PostRedesignated", "PostGradeConfirmed"]
    assert {body["causation_id"] for body in recorded[3:]} == {"grading:ev-1"}
    rejections = await stream_bodies(redis, stream_key(tenant, ESTABLISHMENT_REJECTIONS))
    assert [(body["source_entry_id"], body["reason"]) for _, body in rejections] == [
        ("1-2", "timeline-conflict")
    ]
