"""Establishment's events, taken up by recruitment: a deleted post puts its holder at risk.

Each `PostDeleted` becomes a `PlaceAtRisk` command keyed by the establishment event's id, so a
redelivery finds the earlier result instead of placing anyone at risk twice. A deletion of a post
nobody holds records nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from contracts import recruitment as rc
from contracts.streams import ESTABLISHMENT_EVENTS, RECRUITMENT_REJECTIONS
from eventlog.command_log import Submitted
from eventlog.translating import TranslatingHandler

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
