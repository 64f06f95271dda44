"""Where a service's own projection has read to, and each aggregate's version (pure).

Decisions name the version they expect, so every projection of a service's own stream keeps them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(slots=True)
class Folded:
    """A folded event, told its stream id once the store has appended it."""

    entry_id: str


class FoldPosition:
    """The read position and aggregate versions of a projection of one service's own stream."""

    def __init__(self) -> None:
        self.versions: dict[tuple[str, str], int] = {}
        self.entry_id = "0-0"
        self.recorded_at = ""

    def version(self, aggregate_type: str, aggregate_id: str) -> int:
        """How many events an aggregate has (0: none)."""
        return self.versions.get((aggregate_type, aggregate_id), 0)

    def advance(self, event: dict[str, Any], entry_id: str) -> Folded:
        """Note one event as read (before folding its facts)."""
        self.entry_id = entry_id or self.entry_id
        self.recorded_at = event.get("recorded_at", self.recorded_at)
        self.versions[event["aggregate_type"], event["aggregate_id"]] = event["aggregate_version"]
        return Folded(entry_id)
