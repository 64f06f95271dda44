"""The `establishment.commands` stream: each batch of messages becomes one command batch.

Nothing here decides anything: a message is read as a command (unknown types and invalid fields
are refused), the valid ones go through the same command path as HTTP, and every refusal is
written to `establishment.rejections` with the original message and the reason. Accepted commands
are recognised on redelivery by their idempotency keys: the command id, or else the stream entry.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from contracts.registry import command_from_message
from contracts.streams import ESTABLISHMENT_COMMANDS, ESTABLISHMENT_REJECTIONS
from eventlog.translating import TranslatingHandler
from eventlog.translating import command_stream_handler as command_stream
from services.establishment.application import TenantEstablishment, with_post_id

if TYPE_CHECKING:
    from redis.asyncio import Redis

    from contracts import establishment as est

GROUP = "establishment"
"""Establishment's consumer group on every stream it reads."""


def command_stream_handler(
    establishment: TenantEstablishment, redis: Redis
) -> TranslatingHandler[est.EstablishmentCommand]:
    """The consumer of one tenant's `establishment.commands`."""
    return command_stream(
        establishment,
        redis,
        source=ESTABLISHMENT_COMMANDS,
        rejections=ESTABLISHMENT_REJECTIONS,
        parse=lambda message: with_post_id(command_from_message(message)),
    )
