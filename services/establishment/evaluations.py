"""Grading's `JobEvaluated` events, taken up by establishment: confirm or change the post's grade.

Each evaluation becomes an `ApplyJobEvaluation` command keyed by the grading event's id, so a
redelivered event finds its earlier result instead of recording twice. An evaluation establishment
cannot apply (the post was deleted before the evaluation's date, say) is written to
`establishment.rejections` with the grading event and the reason. Other grading events are not
establishment's business and are acknowledged untouched.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import orjson
import structlog
from pydantic import ValidationError

from contracts import establishment as est
from contracts.rejections import Reason, field_errors
from contracts.streams import ESTABLISHMENT_REJECTIONS, GRADING_EVENTS, stream_key
from eventlog.command_log import Accepted, Refused, Submitted
from eventlog.rejections import Rejection, RejectionWriter

if TYPE_CHECKING:
    from redis.asyncio import Redis

    from eventlog.subscribers import Delivery
    from services.establishment.application import TenantEstablishment

GRADING_KEY_PREFIX = "grading:"
"""Idempotency keys (and so causation ids) of commands taken from grading's events."""

log = structlog.get_logger()


def evaluation_command(body: dict[str, Any]) -> est.ApplyJobEvaluation:
    """The command a `JobEvaluated` event body asks of establishment.

    Raises:
        pydantic.ValidationError: the body lacks what the command needs.
    """
    payload = body.get("payload") or {}
    return est.ApplyJobEvaluation.model_validate(
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


class GradingEventsHandler:
    """Handles batches from one tenant's `grading.events` stream."""

    def __init__(self, establishment: TenantEstablishment, redis: Redis) -> None:
        tenant = establishment.tenant
        self.establishment = establishment
        self.stream = stream_key(tenant, GRADING_EVENTS)
        self.rejections = RejectionWriter(
            redis,
            tenant,
            self.stream,
            stream_key(tenant, ESTABLISHMENT_REJECTIONS),
            establishment.clock,
        )

    async def __call__(self, deliveries: list[Delivery]) -> None:
        """Apply every evaluation in the batch; return once each is recorded or rejected."""
        submitted: list[Submitted[est.EstablishmentCommand]] = []
        sources: list[tuple[str, Any]] = []
        refusals: list[Rejection] = []
        for delivery in deliveries:
            try:
                body = orjson.loads(delivery.body)
            except orjson.JSONDecodeError as error:
                text = delivery.body.decode("utf-8", errors="replace")
                refusals.append(
                    Rejection(delivery.entry_id, text, Refused(Reason.MALFORMED, str(error)))
                )
                continue
            if not isinstance(body, dict) or body.get("type") != "JobEvaluated":
                continue
            try:
                command = evaluation_command(body)
            except ValidationError as error:
                errors = field_errors(error.errors())
                refusals.append(
                    Rejection(delivery.entry_id, body, Refused(Reason.INVALID, str(error), errors))
                )
                continue
            submitted.append(Submitted(command, f"{GRADING_KEY_PREFIX}{body['event_id']}"))
            sources.append((delivery.entry_id, body))
        outcomes = await self.establishment.execute(submitted)
        for (entry_id, body), outcome in zip(sources, outcomes, strict=True):
            if isinstance(outcome, Refused):
                refusals.append(Rejection(entry_id, body, outcome))
        await self.rejections.write(refusals)
        log.info(
            "evaluations handled",
            tenant=self.establishment.tenant,
            received=len(deliveries),
            applied=sum(isinstance(outcome, Accepted) for outcome in outcomes),
            rejected=len(refusals),
        )
