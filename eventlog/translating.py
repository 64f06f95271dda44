"""A stream consumer that turns each message into a command for its service's log, in batches.

Every consumer in the system has the same shape: read each message (malformed JSON is refused
here), translate it into a command, a refusal, or nothing (a message that is not this service's
business), run the batch's commands through the command log in one atomic append, and write each
refusal to the service's rejections stream with the original message and the reason. It returns
only once all of that is durable, so the subscriber acknowledges after the effect (at least once);
idempotency keys and processed-id marks make a redelivered batch change nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import orjson
import structlog
from pydantic import BaseModel, ValidationError

from contracts.registry import UnknownTypeError
from contracts.rejections import Reason, field_errors
from contracts.streams import stream_key
from eventlog.command_log import Accepted, CommandLog, Refused, Submitted
from eventlog.rejections import Rejection, RejectionWriter

if TYPE_CHECKING:
    from redis.asyncio import Redis

    from eventlog.subscribers import Delivery

CommandT = TypeVar("CommandT", bound=BaseModel)

log = structlog.get_logger()

MAX_ENTRY_BYTES = 1024 * 1024
"""The largest message a consumer reads, as for an HTTP body; a larger one is rejected."""
PREVIEW_BYTES = 1000
"""How much of a rejected oversized message its rejection keeps."""

Translate = Callable[[dict[str, Any], str], "Submitted[CommandT] | Refused | None"]
"""(decoded message, stream entry id) -> a command to run, a refusal, or nothing to do.

May raise pydantic's ValidationError or an UnknownTypeError-like ValueError subclass; the
handler turns those into refusals.
"""


def invalid(error: ValidationError) -> Refused:
    """A refusal naming the first few field errors."""
    errors = field_errors(error.errors())
    detail = "; ".join(f"{'.'.join(item['loc'])}: {item['msg']}" for item in errors[:5])
    return Refused(Reason.INVALID, detail, errors)


def unknown_type(error: Exception) -> Refused | None:
    """A command stream's message of a type no command has is refused with its own reason."""
    if isinstance(error, UnknownTypeError):
        return Refused(Reason.UNKNOWN_TYPE, str(error))
    return None


@dataclass(frozen=True, slots=True)
class Read:
    """One delivery, read: the message as decoded (or as text) and what it asks."""

    delivery: Delivery
    message: Any
    outcome: Submitted[Any] | Refused | None


def _unreadable(delivery: Delivery) -> Read | None:
    """The refusal of an entry with no readable message, or of one over MAX_ENTRY_BYTES."""
    if delivery.unreadable is not None:
        refused = Refused(Reason.MALFORMED, delivery.unreadable)
        return Read(delivery, orjson.loads(delivery.body), refused)
    if len(delivery.body) > MAX_ENTRY_BYTES:
        start = delivery.body[:PREVIEW_BYTES].decode("utf-8", errors="replace")
        detail = f"the message is {len(delivery.body):,} bytes; at most {MAX_ENTRY_BYTES:,}"
        return Read(delivery, {"starts": start}, Refused(Reason.TOO_LARGE, detail))
    return None


class TranslatingHandler(Generic[CommandT]):
    """Handles batches from one tenant's `source` stream for one service's command log."""

    def __init__(
        self,
        log_: CommandLog[CommandT, Any],
        redis: Redis,
        *,
        source: str,
        rejections: str,
        translate: Translate[CommandT],
        refuse: Callable[[Exception], Refused | None] = lambda _error: None,
    ) -> None:
        self.log = log_
        self.stream = stream_key(log_.tenant, source)
        self.translate = translate
        self.refuse = refuse
        self.rejections = RejectionWriter(
            redis, log_.tenant, self.stream, stream_key(log_.tenant, rejections), log_.clock
        )

    def read(self, delivery: Delivery) -> Read:
        """Decode and translate one delivery; a message that cannot be read is refused."""
        unreadable = _unreadable(delivery)
        if unreadable is not None:
            return unreadable
        try:
            message = orjson.loads(delivery.body)
        except orjson.JSONDecodeError as error:
            text = delivery.body.decode("utf-8", errors="replace")
            return Read(delivery, text, Refused(Reason.MALFORMED, f"not valid JSON: {error}"))
        if not isinstance(message, dict):
            refusal = Refused(Reason.MALFORMED, "a message is a JSON object")
            return Read(delivery, message, refusal)
        try:
            return Read(delivery, message, self.translate(message, delivery.entry_id))
        except ValidationError as error:
            return Read(delivery, message, invalid(error))
        except ValueError as error:
            refused = self.refuse(error)
            if refused is None:
                raise
            return Read(delivery, message, refused)

    async def __call__(self, deliveries: list[Delivery]) -> None:
        """Record what can be recorded and reject the rest; return once both are durable."""
        read = [self.read(delivery) for delivery in deliveries]
        runnable = [item for item in read if isinstance(item.outcome, Submitted)]
        outcomes = await self.log.execute(
            [item.outcome for item in runnable if isinstance(item.outcome, Submitted)]
        )
        decided = dict(zip((id(item) for item in runnable), outcomes, strict=True))
        refusals: list[Rejection] = []
        for item in read:
            outcome = decided.get(id(item), item.outcome)
            if isinstance(outcome, Refused):
                refusals.append(Rejection(item.delivery.entry_id, item.message, outcome))
        await self.rejections.write(refusals)
        log.info(
            "messages handled",
            tenant=self.log.tenant,
            stream=self.stream,
            received=len(deliveries),
            recorded=sum(isinstance(outcome, Accepted) for outcome in outcomes),
            rejected=len(refusals),
            correlation_ids=_correlations(read),
        )


CORRELATIONS_LOGGED = 20
"""At most this many of a batch's correlation ids on its log line."""


def _correlations(read: list[Read]) -> list[str]:
    """The distinct correlation ids of a batch's messages, in order (the first few)."""
    found: dict[str, None] = {}
    for item in read:
        if isinstance(item.message, dict) and isinstance(item.message.get("correlation_id"), str):
            found.setdefault(item.message["correlation_id"], None)
    return list(found)[:CORRELATIONS_LOGGED]


def command_stream_handler(
    log_: CommandLog[CommandT, Any],
    redis: Redis,
    *,
    source: str,
    rejections: str,
    parse: Callable[[dict[str, Any]], CommandT],
) -> TranslatingHandler[CommandT]:
    """The consumer of a tenant's command stream: each message `parse`d as one of its commands.

    A command is recognised on redelivery by its `command_id`, or else by its stream entry; a
    message of a type the stream does not carry is refused as `unknown-type`.
    """
    stream = stream_key(log_.tenant, source)

    def translate(message: dict[str, Any], entry_id: str) -> Submitted[CommandT]:
        command = parse(message)
        command_id = getattr(command, "command_id", None)
        key = f"command:{command_id}" if command_id else f"entry:{stream}:{entry_id}"
        return Submitted(command, key)

    return TranslatingHandler(
        log_, redis, source=source, rejections=rejections, translate=translate, refuse=unknown_type
    )
