"""The `establishment.commands` stream: each batch of messages becomes one command batch.

Nothing here decides anything: a message is read as a command (unknown types and invalid fields
are refused), the valid ones go through the same command path as HTTP, and every refusal is
written to `establishment.rejections` with the original message and the reason. Accepted commands
are recognised on redelivery by their idempotency keys: the command id, or else the stream entry.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from contracts.registry import UnknownTypeError, command_from_message
from contracts.rejections import Reason
from contracts.streams import ESTABLISHMENT_COMMANDS, ESTABLISHMENT_REJECTIONS, stream_key
from eventlog.command_log import Refused, Submitted
from eventlog.translating import TranslatingHandler
from services.establishment.application import TenantEstablishment, with_post_id

if TYPE_CHECKING:
    from redis.asyncio import Redis

    from contracts import establishment as est

GROUP = "establishment"
"""Establishment's consumer group on every stream it reads."""


def unknown_type(error: Exception) -> Refused | None:
    """An unknown message type is refused with its own reason."""
    if isinstance(error, UnknownTypeError):
        return Refused(Reason.UNKNOWN_TYPE, str(error))
    return None


def command_stream_handler(
    establishment: TenantEstablishment, redis: Redis
) -> TranslatingHandler[est.EstablishmentCommand]:
    """The consumer of one tenant's `establishment.commands`."""
    stream = stream_key(establishment.tenant, ESTABLISHMENT_COMMANDS)

    def translate(message: dict[str, Any], entry_id: str) -> Submitted[est.EstablishmentCommand]:
        command = with_post_id(command_from_message(message))
        key = command.command_id and f"command:{command.command_id}"
        return Submitted(command, key or f"entry:{stream}:{entry_id}")

    return TranslatingHandler(
        establishment,
        redis,
        source=ESTABLISHMENT_COMMANDS,
        rejections=ESTABLISHMENT_REJECTIONS,
        translate=translate,
        refuse=unknown_type,
    )
