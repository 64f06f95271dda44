"""Values that hold from an effective date until the next one (pure).

Catalogue facts (a scheme's point values, a grade's range, the on-cost rates) are recorded in any
order: a pay award agreed in November is recorded after later-dated facts but takes effect from
1 April. A series keeps its entries sorted by (effective date, recorded sequence), so the value on
a date is one bisect and a later-recorded fact for the same date wins.
"""

from __future__ import annotations

from bisect import bisect_right, insort
from dataclasses import dataclass, field
from typing import Generic, TypeVar

ValueT = TypeVar("ValueT")

LAST = 2**62


@dataclass(order=True, slots=True)
class Dated(Generic[ValueT]):
    """One value from `effective` on; `sequence` orders facts recorded for the same date."""

    effective: str
    sequence: int
    value: ValueT = field(compare=False)
    event_id: str = field(compare=False, default="")


@dataclass(slots=True)
class Series(Generic[ValueT]):
    """Every value of one thing, in effective order."""

    entries: list[Dated[ValueT]] = field(default_factory=list)

    def add(self, entry: Dated[ValueT]) -> None:
        """Record a value (in any order)."""
        insort(self.entries, entry)

    def at(self, as_of: str) -> Dated[ValueT] | None:
        """The value in force on `as_of` (an ISO date), or None before the first."""
        index = bisect_right(
            self.entries, (as_of, LAST), key=lambda item: (item.effective, item.sequence)
        )
        return self.entries[index - 1] if index else None
