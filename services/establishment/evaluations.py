"""Grading's `JobEvaluated` events, taken up by establishment: confirm or change the post's grade.

Each evaluation becomes an `ApplyJobEvaluation` command keyed by the grading event's id, so a
redelivered event finds its earlier result instead of recording twice. An evaluation establishment
cannot apply (the post was deleted before the evaluation's date, say) is written to
`establishment.rejections` with the grading event and the reason. Other grading events are not
establishment's business and are acknowledged untouched.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from contracts import establishment as est
from contracts.streams import ESTABLISHMENT_REJECTIONS, GRADING_EVENTS
from eventlog.command_log import Submitted
from eventlog.translating import TranslatingHandler

if TYPE_CHECKING:
    from redis.asyncio import Redis

    from services.establishment.application import TenantEstablishment

GRADING_KEY_PREFIX = "grading:"
"""Idempotency keys (and so causation ids) of commands taken from grading's events."""


def evaluation(body: dict[str, Any], _entry_id: str) -> Submitted[est.EstablishmentCommand] | None:
    """The command a `JobEvaluated` event asks of establishment (None for other events).

    Raises:
        pydantic.ValidationError: the event lacks what the command needs.
    """
    if body.get("type") != "JobEvaluated":
        return None
    payload = body.get("payload") or {}
    command = est.ApplyJobEvaluation.model_validate(
        {
            "post_id": payload.get("post_id"),
            "grade": payload.get("grade"),
            "total_points": payload.get("total_points"),
            "evaluation_event_id": body.get("event_id"),
            "effective_date": body.get("effective_date"),
            "actor": f"grading:{body.get('actor', 'unknown')}",
            "correlation_id": body.get("correlation_id"),
        }
    )
    return Submitted(command, f"{GRADING_KEY_PREFIX}{command.evaluation_event_id}")


def grading_events_handler(
    establishment: TenantEstablishment, redis: Redis
) -> TranslatingHandler[est.EstablishmentCommand]:
    """The consumer of one tenant's `grading.events`."""
    return TranslatingHandler(
        establishment,
        redis,
        source=GRADING_EVENTS,
        rejections=ESTABLISHMENT_REJECTIONS,
        translate=evaluation,
    )
