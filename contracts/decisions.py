"""What every service's `decide` hands back: events to record, or a refusal with its reason.

Pure values shared by each domain (which produces them) and the command log (which seals and
appends them), so no domain knows about envelopes, hashes or Redis.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from contracts.rejections import Reason


class DomainError(Exception):
    """A command refused by a rule; `reason` picks the HTTP status and rejection code."""

    def __init__(self, reason: Reason, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True, slots=True)
class EventDraft:
    """An event decided on: what the shell wraps in an envelope and appends."""

    type: str
    aggregate_type: str
    aggregate_id: str
    effective_date: str
    payload: dict[str, Any]
    expected_version: int

    def fact(self) -> dict[str, Any]:
        """What it says, as a fold reads it: type, aggregate, effective date and payload."""
        return {
            "type": self.type,
            "aggregate_type": self.aggregate_type,
            "aggregate_id": self.aggregate_id,
            "effective_date": self.effective_date,
            "payload": self.payload,
        }

    def folded(self, **envelope: Any) -> dict[str, Any]:
        """As a fold reads it once recorded at the next version, with `envelope`'s fields.

        For views that apply decided events to a copy without recording them.
        """
        return {**self.fact(), "aggregate_version": self.expected_version + 1, **envelope}
