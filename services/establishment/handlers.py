"""The `establishment.commands` stream: each batch of messages becomes one command batch.

Nothing here decides anything: a message is parsed (malformed JSON, unknown types and invalid
fields are refused here), the valid ones go through the same command path as HTTP, and every
refusal is written to `establishment.rejections` with the original message and the reason. The
batch is acknowledged by the subscriber only after this returns, so a crash re-delivers it;
accepted commands are then recognised by their idempotency keys and refusals by the processed-id
record written in the same transaction as the rejection.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import orjson
import structlog
from pydantic import ValidationError

from contracts.registry import UnknownTypeError, command_from_message
from contracts.rejections import STATUS, Reason, field_errors, problem_type
from contracts.streams import ESTABLISHMENT_COMMANDS, ESTABLISHMENT_REJECTIONS, stream_key
from eventlog.clock import format_timestamp
from eventlog.command_log import Accepted, Refused, Submitted
from eventlog.store import DATA_FIELD
from eventlog.tracking import ProcessedIds
from services.establishment.application import TenantEstablishment, with_post_id

if TYPE_CHECKING:
    from redis.asyncio import Redis

    from contracts import establishment as est
    from eventlog.subscribers import Delivery

GROUP = "establishment"
"""The consumer group reading the command stream; one consumer per tenant stream keeps order."""

log = structlog.get_logger()


@dataclass(frozen=True, slots=True)
class Parsed:
    """One delivery, read: either a command to run or a refusal already."""

    delivery: Delivery
    message: Any
    outcome: Submitted[est.EstablishmentCommand] | Refused


def parse(delivery: Delivery, stream: str) -> Parsed:
    """Read one stream message as a command, or refuse it with the reason."""
    try:
        message = orjson.loads(delivery.body)
    except orjson.JSONDecodeError as error:
        text = delivery.body.decode("utf-8", errors="replace")
        return Parsed(delivery, text, Refused(Reason.MALFORMED, f"not valid JSON: {error}"))
    if not isinstance(message, dict):
        return Parsed(delivery, message, Refused(Reason.MALFORMED, "a message is a JSON object"))
    try:
        command = with_post_id(command_from_message(message))
    except UnknownTypeError as error:
        return Parsed(delivery, message, Refused(Reason.UNKNOWN_TYPE, str(error)))
    except ValidationError as error:
        errors = field_errors(error.errors())
        detail = "; ".join(f"{'.'.join(item['loc'])}: {item['msg']}" for item in errors[:5])
        return Parsed(delivery, message, Refused(Reason.INVALID, detail, errors))
    key = (
        f"command:{command.command_id}"
        if command.command_id
        else f"entry:{stream}:{delivery.entry_id}"
    )
    return Parsed(delivery, message, Submitted(command, key))


class CommandStreamHandler:
    """Handles batches from one tenant's command stream."""

    def __init__(self, establishment: TenantEstablishment, redis: Redis) -> None:
        tenant = establishment.tenant
        self.establishment = establishment
        self.redis = redis
        self.stream = stream_key(tenant, ESTABLISHMENT_COMMANDS)
        self.rejections = stream_key(tenant, ESTABLISHMENT_REJECTIONS)
        self.processed = ProcessedIds(redis, f"{self.rejections}:processed")

    async def __call__(self, deliveries: list[Delivery]) -> None:
        """Record what can be recorded and reject the rest; return once both are durable."""
        parsed = [parse(delivery, self.stream) for delivery in deliveries]
        runnable = [item for item in parsed if isinstance(item.outcome, Submitted)]
        outcomes = await self.establishment.execute(
            [item.outcome for item in runnable if isinstance(item.outcome, Submitted)]
        )
        decided = dict(zip((id(item) for item in runnable), outcomes, strict=True))
        refusals: list[tuple[Parsed, Refused]] = []
        accepted = 0
        for item in parsed:
            outcome = decided.get(id(item), item.outcome)
            if isinstance(outcome, Refused):
                refusals.append((item, outcome))
            elif isinstance(outcome, Accepted):
                accepted += 1
        await self._reject(refusals)
        log.info(
            "commands handled",
            tenant=self.establishment.tenant,
            received=len(deliveries),
            accepted=accepted,
            rejected=len(refusals),
        )

    async def _reject(self, refusals: list[tuple[Parsed, Refused]]) -> None:
        """Write each refusal once, with the mark that recognises a redelivery, atomically."""
        if not refusals:
            return
        ids = [item.delivery.entry_id for item, _ in refusals]
        seen = await self.processed.seen(ids)
        fresh = [
            (item, refusal) for item, refusal in refusals if item.delivery.entry_id not in seen
        ]
        if not fresh:
            return
        now = format_timestamp(self.establishment.clock())
        async with self.redis.pipeline(transaction=True) as pipe:
            for item, refusal in fresh:
                entry = {
                    "type": "CommandRejected",
                    "tenant": self.establishment.tenant,
                    "source_stream": self.stream,
                    "source_entry_id": item.delivery.entry_id,
                    "reason": refusal.reason.value,
                    "problem_type": problem_type(refusal.reason),
                    "status": STATUS[refusal.reason],
                    "detail": refusal.detail,
                    "errors": refusal.errors,
                    "message": item.message,
                    "rejected_at": now,
                }
                pipe.xadd(self.rejections, {DATA_FIELD: orjson.dumps(entry)})
                log.warning(
                    "command rejected",
                    tenant=self.establishment.tenant,
                    entry_id=item.delivery.entry_id,
                    reason=refusal.reason.value,
                    detail=refusal.detail,
                )
            self.processed.mark(pipe, [item.delivery.entry_id for item, _ in fresh])
            await pipe.execute()
