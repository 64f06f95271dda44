"""Establishment's events, taken up by grading: which posts exist and which grades await evaluation.

A post created, or re-graded by HR, is "subject to job evaluation": grading records
`EvaluationRequested` for it; a deleted post is closed to evaluation from its deletion date. A
re-grading that establishment made because of one of grading's own evaluations (its causation id
names a grading event) asks for nothing. Each event becomes a command keyed by the establishment
event's id, so a redelivery finds the earlier result instead of recording twice.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from contracts import grading as gr
from contracts.streams import ESTABLISHMENT_EVENTS, GRADING_REJECTIONS
from eventlog.command_log import Submitted
from eventlog.translating import TranslatingHandler

if TYPE_CHECKING:
    from redis.asyncio import Redis

    from services.grading.application import TenantGrading

GROUP = "grading"
"""Grading's consumer group on every stream it reads."""

EVALUATION_CAUSE = "grading:"
"""How establishment names the cause of a change it made for one of grading's evaluations."""


def command_for(body: dict[str, Any], _entry_id: str) -> Submitted[gr.GradingCommand] | None:
    """What an establishment event asks of grading (None: nothing).

    Raises:
        pydantic.ValidationError: the event lacks what the command needs.
    """
    kind = body.get("type")
    payload = body.get("payload") or {}
    common = {
        "post_id": payload.get("post_id"),
        "effective_date": body.get("effective_date"),
        "source_event_id": body.get("event_id"),
        "actor": f"establishment:{body.get('actor', 'unknown')}",
        "correlation_id": body.get("correlation_id"),
    }
    caused_by_grading = str(body.get("causation_id") or "").startswith(EVALUATION_CAUSE)
    command: gr.GradingCommand
    if kind == "PostCreated" or (
        kind == "PostRedesignated" and payload.get("grade") and not caused_by_grading
    ):
        command = gr.RequestEvaluation.model_validate(
            {**common, "proposed_grade": payload.get("grade")}
        )
    elif kind == "PostDeleted":
        command = gr.ClosePost.model_validate(common)
    else:
        return None
    return Submitted(command, f"establishment:{body.get('event_id')}")


def establishment_events_handler(
    grading: TenantGrading, redis: Redis
) -> TranslatingHandler[gr.GradingCommand]:
    """The consumer of one tenant's `establishment.events`."""
    return TranslatingHandler(
        grading,
        redis,
        source=ESTABLISHMENT_EVENTS,
        rejections=GRADING_REJECTIONS,
        translate=command_for,
    )
