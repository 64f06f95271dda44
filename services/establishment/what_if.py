"""The establishment as it would be with a proposal's commands recorded now (pure).

An overlay of the live projection (`EstablishmentOverlay`, copied on write) has each command
decided by the live rules and its events folded in, in order, so a command sees the live log
plus the commands before it — exactly what the live path would see if they were recorded in one
batch. Nothing is written anywhere. A command the rules refuse is reported with its number, and
the ones after it are still tried, so one answer names every conflict.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from contracts.decisions import DomainError
from contracts.registry import UnknownTypeError, command_from_message
from contracts.rejections import Reason
from contracts.upcasting import current_version
from readmodels.establishment_overlay import EstablishmentOverlay
from services.establishment.domain import decide

if TYPE_CHECKING:
    from collections.abc import Sequence

    from contracts.decisions import EventDraft
    from contracts.pay_catalogue import PayCatalogue
    from readmodels.establishment import Establishment


@dataclass(frozen=True, slots=True)
class Conflict:
    """A proposal's command the live rules refuse: its number, type, post and why."""

    number: int
    type: str
    post_id: str | None
    reason: Reason
    detail: str

    def view(self) -> dict[str, Any]:
        """As an answer lists it."""
        return {
            "number": self.number,
            "type": self.type,
            "post_id": self.post_id,
            "reason": self.reason.value,
            "detail": self.detail,
        }


@dataclass(frozen=True, slots=True)
class WhatIf:
    """The establishment with the commands applied, each command's events, and the refusals.

    `decided` has one entry per command, in order: the events it decided (none if refused).
    """

    establishment: Establishment
    conflicts: tuple[Conflict, ...]
    decided: tuple[tuple[EventDraft, ...], ...] = ()


def applied(
    live: Establishment,
    catalogue: PayCatalogue,
    commands: Sequence[dict[str, Any]],
    label: str,
    first_number: int = 1,
) -> WhatIf:
    """`live` with `commands` (establishment command messages) decided and folded in order.

    `label` names the provisional events (`{label}:{number}:{index}`); `first_number` is the
    number of the first command, so conflicts are numbered as the proposal lists them.
    """
    view = EstablishmentOverlay(live)
    conflicts: list[Conflict] = []
    decided: list[tuple[EventDraft, ...]] = []
    for number, message in enumerate(commands, start=first_number):
        try:
            command = command_from_message(message)
            drafts = decide(command, view, catalogue)
        except (UnknownTypeError, ValidationError) as error:
            conflicts.append(_conflict(number, message, Reason.INVALID, str(error)))
            decided.append(())
            continue
        except DomainError as error:
            conflicts.append(_conflict(number, message, error.reason, error.detail))
            decided.append(())
            continue
        decided.append(tuple(drafts))
        for index, draft in enumerate(drafts):
            view.apply(
                draft.folded(
                    event_id=f"{label}:{number}:{index}",
                    schema_version=current_version(draft.type),
                    sequence=view.sequence + 1,
                    recorded_at=view.recorded_at,
                )
            )
    return WhatIf(view, tuple(conflicts), tuple(decided))


def _conflict(number: int, message: dict[str, Any], reason: Reason, detail: str) -> Conflict:
    post = message.get("post_id")
    return Conflict(
        number, str(message.get("type")), post if isinstance(post, str) else None, reason, detail
    )
