"""Recruitment's two streams in: its own command stream, and establishment's events.

`recruitment.commands` carries HR's appointments, leavers, approvals and the rest as an HR
system publishes them (`{"type": "AppointPostholder", …}`), each decided exactly as over HTTP;
a message that is not valid JSON, not a recruitment command or not valid is a rejection on
`recruitment.rejections`. Accepted commands are recognised on redelivery by their command id,
or else by their stream entry.

On establishment's events a deleted post puts its holder at risk: each `PostDeleted` becomes a
`PlaceAtRisk` command keyed by the establishment event's id, so a redelivery finds the earlier
result instead of placing anyone at risk twice. A deletion of a post nobody holds records nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from contracts import recruitment as rc
from contracts.registry import recruitment_command_from_message
from contracts.streams import (
    ESTABLISHMENT_EVENTS,
    RECRUITMENT_COMMANDS,
    RECRUITMENT_REJECTIONS,
)
from eventlog.command_log import Submitted
from eventlog.translating import TranslatingHandler
from eventlog.translating import command_stream_handler as command_stream

if TYPE_CHECKING:
    from redis.asyncio import Redis

    from services.recruitment.application import TenantRecruitment

GROUP = "recruitment"
"""Recruitment's consumer group on every stream it reads."""


def deletion(body: dict[str, Any], _entry_id: str) -> Submitted[rc.RecruitmentCommand] | None:
    """The command a `PostDeleted` event asks of recruitment (None for other events).

    Raises:
        pydantic.ValidationError: the event lacks what the command needs.
    """
    if body.get("type") != "PostDeleted":
        return None
    command = rc.PlaceAtRisk.model_validate(
        {
            "post_id": (body.get("payload") or {}).get("post_id"),
            "effective_date": body.get("effective_date"),
            "source_event_id": body.get("event_id"),
            "actor": f"establishment:{body.get('actor', 'unknown')}",
            "correlation_id": body.get("correlation_id"),
        }
    )
    return Submitted(command, f"establishment:{command.source_event_id}")


def establishment_events_handler(
    recruitment: TenantRecruitment, redis: Redis
) -> TranslatingHandler[rc.RecruitmentCommand]:
    """The consumer of one tenant's `establishment.events`."""
    return TranslatingHandler(
        recruitment,
        redis,
        source=ESTABLISHMENT_EVENTS,
        rejections=RECRUITMENT_REJECTIONS,
        translate=deletion,
    )


def command_stream_handler(
    recruitment: TenantRecruitment, redis: Redis
) -> TranslatingHandler[rc.RecruitmentCommand]:
    """The consumer of one tenant's `recruitment.commands`."""
    return command_stream(
        recruitment,
        redis,
        source=RECRUITMENT_COMMANDS,
        rejections=RECRUITMENT_REJECTIONS,
        parse=recruitment_command_from_message,
    )
