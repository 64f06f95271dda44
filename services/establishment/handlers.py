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
from contracts.rejections import Reason, field_errors
from contracts.streams import ESTABLISHMENT_COMMANDS, ESTABLISHMENT_REJECTIONS, stream_key
from eventlog.command_log import Accepted, Refused, Submitted
from eventlog.rejections import Rejection, RejectionWriter
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
        self.stream = stream_key(tenant, ESTABLISHMENT_COMMANDS)
        self.rejections = RejectionWriter(
            redis,
            tenant,
            self.stream,
            stream_key(tenant, ESTABLISHMENT_REJECTIONS),
            establishment.clock,
        )

    async def __call__(self, deliveries: list[Delivery]) -> None:
        """Record what can be recorded and reject the rest; return once both are durable."""
        parsed = [parse(delivery, self.stream) for delivery in deliveries]
        runnable = [item for item in parsed if isinstance(item.outcome, Submitted)]
        outcomes = await self.establishment.execute(
            [item.outcome for item in runnable if isinstance(item.outcome, Submitted)]
        )
        decided = dict(zip((id(item) for item in runnable), outcomes, strict=True))
        refusals: list[Rejection] = []
        accepted = 0
        for item in parsed:
            outcome = decided.get(id(item), item.outcome)
            if isinstance(outcome, Refused):
                refusals.append(Rejection(item.delivery.entry_id, item.message, outcome))
            elif isinstance(outcome, Accepted):
                accepted += 1
        await self.rejections.write(refusals)
        log.info(
            "commands handled",
            tenant=self.establishment.tenant,
            received=len(deliveries),
            accepted=accepted,
            rejected=len(refusals),
        )
