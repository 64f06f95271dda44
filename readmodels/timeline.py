"""One aggregate's history ordered by effective date, with the state after every change kept.

Events arrive in recorded order but take effect in effective-date order, so a back-dated change
lands in the middle of a timeline. Each timeline keeps its changes sorted by (effective date,
sequence) and the typed state after each one, so "the aggregate as of D" is one bisect, not a
refold (DESIGN §10). Dates are ISO strings here: they sort as dates and cost nothing to compare.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Generic, TypeVar

S = TypeVar("S")

Fold = Callable[[S | None, Mapping[str, Any]], S | None]
"""How one event type changes an aggregate's state (None: the aggregate does not exist)."""

LAST = 2**62
"""A sequence later than any real one, to bisect past every change of a day."""


@dataclass(frozen=True, slots=True)
class Change:
    """One effective change to an aggregate: which event, when, and its (upcast) payload."""

    effective: str
    sequence: int
    event_id: str
    type: str
    payload: Mapping[str, Any]


@dataclass(slots=True)
class LogEntry:
    """An event recorded on the aggregate, retractions included, in recorded order.

    `entry_id` is filled in once the store has appended the event.
    """

    sequence: int
    event_id: str
    entry_id: str


@dataclass(slots=True)
class Timeline(Generic[S]):
    """The changes of one aggregate in effective order, and the state after each."""

    aggregate_id: str
    folds: Mapping[str, Fold[S]]
    version: int = 0
    changes: list[Change] = field(default_factory=list)
    keys: list[tuple[str, int]] = field(default_factory=list)
    states: list[S | None] = field(default_factory=list)
    log: list[LogEntry] = field(default_factory=list)
    retracted: list[tuple[int, Change]] = field(default_factory=list)
    """Changes taken out by a retraction, with the retraction's sequence: what a view of the
    timeline as it stood before that retraction still shows."""

    def copy(self) -> Timeline[S]:
        """A copy with lists of its own: folding into it leaves this one as it was."""
        return replace(
            self,
            changes=list(self.changes),
            keys=list(self.keys),
            states=list(self.states),
            log=list(self.log),
            retracted=list(self.retracted),
        )

    def add(self, change: Change) -> int:
        """Insert a change at its effective position, refresh the states after it; its index."""
        key = (change.effective, change.sequence)
        index = bisect_right(self.keys, key)
        self.keys.insert(index, key)
        self.changes.insert(index, change)
        self.states.insert(index, None)
        self._refold(index)
        return index

    def remove(self, event_id: str, sequence: int = LAST) -> Change | None:
        """Take a retracted event's change out of every view of this timeline.

        `sequence` is the retraction's own, so that `upto` can put the change back.
        """
        for index, change in enumerate(self.changes):
            if change.event_id == event_id:
                del self.changes[index], self.keys[index], self.states[index]
                self._refold(index)
                self.retracted.append((sequence, change))
                return change
        return None

    def upto(self, sequence: int) -> Timeline[S]:
        """This timeline as it stood once the event at `sequence` was folded.

        Itself if no later event touched it. What a consumer handling that event must see,
        however far its follower has read since.
        """
        if not self.log or self.log[-1].sequence <= sequence:
            return self
        view: Timeline[S] = Timeline(self.aggregate_id, self.folds)
        earlier = [change for change in self.changes if change.sequence <= sequence]
        earlier += [
            change
            for retracted_at, change in self.retracted
            if change.sequence <= sequence < retracted_at
        ]
        for change in sorted(earlier, key=lambda change: (change.effective, change.sequence)):
            view.keys.append((change.effective, change.sequence))
            view.changes.append(change)
            view.states.append(None)
        if view.changes:
            view._refold(0)
        view.log = [entry for entry in self.log if entry.sequence <= sequence]
        view.version = len(view.log)
        return view

    def _refold(self, start: int) -> None:
        state = self.states[start - 1] if start > 0 else None
        for index in range(start, len(self.changes)):
            change = self.changes[index]
            state = self.folds[change.type](state, change.payload)
            self.states[index] = state

    def at(self, as_of: str) -> S | None:
        """The state in effect on `as_of` (None: not yet created, or deleted)."""
        index = bisect_right(self.keys, (as_of, LAST)) - 1
        return self.states[index] if index >= 0 else None

    def first(self, event_type: str) -> Change | None:
        """The earliest-effective change of `event_type`, if any."""
        return next((change for change in self.changes if change.type == event_type), None)

    def change_of(self, event_id: str) -> Change | None:
        """The live change recorded by `event_id`, if it has not been retracted."""
        return next((change for change in self.changes if change.event_id == event_id), None)

    def dates(self) -> list[str]:
        """Every effective date on which this aggregate changed, in order."""
        return [change.effective for change in self.changes]
