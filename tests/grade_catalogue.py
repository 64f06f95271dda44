"""The bundled NJC catalogue for tests whose posts need grades that grading has defined.

Establishment refuses a grade its tenant's catalogue does not define, so a test that creates
posts first records (or, for pure tests, folds) the default catalogue, exactly as grading would.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any
from uuid import uuid4

from contracts.pay_catalogue import PayCatalogueView
from contracts.registry import grading_command_from_message
from eventlog.command_log import Submitted
from scenarios.loader import bundled_scenario, load_scenario
from services.grading.application import TenantGrading
from services.grading.catalogue import Catalogue
from services.grading.domain import decide

if TYPE_CHECKING:
    from redis.asyncio import Redis

CATALOGUE = "catalogue_njc_leeds_style"


def catalogue_messages() -> list[dict[str, Any]]:
    """Every step of the bundled catalogue, as the messages grading is sent."""
    return [step.command for step in load_scenario(bundled_scenario(CATALOGUE)).steps]


def _sealed(draft: Any, sequence: int) -> dict[str, Any]:
    return {
        "event_id": str(uuid4()),
        "type": draft.type,
        "schema_version": 1,
        "aggregate_type": draft.aggregate_type,
        "aggregate_id": draft.aggregate_id,
        "aggregate_version": draft.expected_version + 1,
        "sequence": sequence,
        "effective_date": draft.effective_date,
        "recorded_at": f"2000-01-01T00:00:00.{sequence:06d}Z",
        "payload": draft.payload,
    }


@cache
def _events() -> tuple[dict[str, Any], ...]:
    grading = Catalogue()
    events: list[dict[str, Any]] = []
    for message in catalogue_messages():
        for draft in decide(grading_command_from_message(message), grading):
            event = _sealed(draft, len(events) + 1)
            grading.apply(event)
            events.append(event)
    return tuple(events)


def njc_catalogue() -> PayCatalogueView:
    """The bundled catalogue folded as every follower of grading's stream folds it."""
    view = PayCatalogueView()
    for event in _events():
        view.apply(event)
    return view


async def record_catalogue(redis: Redis, tenant: str) -> None:
    """Record the bundled catalogue in `tenant`'s grading stream, as grading itself would."""
    grading = TenantGrading(redis, tenant)
    await grading.execute(
        [
            Submitted(grading_command_from_message(message), f"command:{message['command_id']}")
            for message in catalogue_messages()
        ]
    )
