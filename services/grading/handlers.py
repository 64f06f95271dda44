"""Establishment's events, taken up by grading: which posts exist and which grades await evaluation.

A post created, or re-graded by HR, is "subject to job evaluation": grading records
`EvaluationRequested` for it; a deleted post is closed to evaluation from its deletion date. A
re-grading that establishment made because of one of grading's own evaluations (its causation id
names a grading event) asks for nothing. Each event becomes a command keyed by the establishment
event's id, so a redelivery finds the earlier result instead of recording twice.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import orjson
import structlog
from pydantic import ValidationError

from contracts import grading as gr
from contracts.rejections import Reason, field_errors
from contracts.streams import ESTABLISHMENT_EVENTS, GRADING_REJECTIONS, stream_key
from eventlog.command_log import Accepted, Refused, Submitted
from eventlog.rejections import Rejection, RejectionWriter

if TYPE_CHECKING:
    from redis.asyncio import Redis

    from eventlog.subscribers import Delivery
    from services.grading.application import TenantGrading

GROUP = "grading"
"""Grading's consumer group on every stream it reads."""

EVALUATION_CAUSE = "grading:"
"""How establishment names the cause of a change it made for one of grading's evaluations."""

log = structlog.get_logger()


def command_for(body: dict[str, Any]) -> gr.GradingCommand | None:
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
    if kind == "PostCreated" or (
        kind == "PostRedesignated" and payload.get("grade") and not caused_by_grading
    ):
        return gr.RequestEvaluation.model_validate(
            {**common, "proposed_grade": payload.get("grade")}
        )
    if kind == "PostDeleted":
        return gr.ClosePost.model_validate(common)
    return None


class EstablishmentEventsHandler:
    """Handles batches from one tenant's `establishment.events` stream."""

    def __init__(self, grading: TenantGrading, redis: Redis) -> None:
        tenant = grading.tenant
        self.grading = grading
        self.stream = stream_key(tenant, ESTABLISHMENT_EVENTS)
        self.rejections = RejectionWriter(
            redis, tenant, self.stream, stream_key(tenant, GRADING_REJECTIONS), grading.clock
        )

    async def __call__(self, deliveries: list[Delivery]) -> None:
        """Record what each event asks of grading; return once recorded or rejected."""
        submitted: list[Submitted[gr.GradingCommand]] = []
        sources: list[tuple[str, Any]] = []
        refusals: list[Rejection] = []
        for delivery in deliveries:
            try:
                body = orjson.loads(delivery.body)
                command = command_for(body) if isinstance(body, dict) else None
            except orjson.JSONDecodeError as error:
                text = delivery.body.decode("utf-8", errors="replace")
                refusal = Refused(Reason.MALFORMED, str(error))
                refusals.append(Rejection(delivery.entry_id, text, refusal))
                continue
            except ValidationError as error:
                refusal = Refused(Reason.INVALID, str(error), field_errors(error.errors()))
                refusals.append(Rejection(delivery.entry_id, body, refusal))
                continue
            if command is None:
                continue
            submitted.append(Submitted(command, f"establishment:{body['event_id']}"))
            sources.append((delivery.entry_id, body))
        outcomes = await self.grading.execute(submitted)
        for (entry_id, body), outcome in zip(sources, outcomes, strict=True):
            if isinstance(outcome, Refused):
                refusals.append(Rejection(entry_id, body, outcome))
        await self.rejections.write(refusals)
        log.info(
            "establishment events handled",
            tenant=self.grading.tenant,
            received=len(deliveries),
            recorded=sum(isinstance(outcome, Accepted) for outcome in outcomes),
            rejected=len(refusals),
        )
