"""Rebuild the establishment straight from its stream, up to a recorded time.

The auditors' independent path (`estab replay`) and the service's `known_at` views use this same
fold (`eventlog.folded_stream.replay`) over an empty establishment projection.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from eventlog import folded_stream
from readmodels.establishment import Establishment

if TYPE_CHECKING:
    from eventlog.event_log import PagedLog


async def replay(store: PagedLog, known_at: str | None = None) -> Establishment:
    """The establishment of every event recorded at or before `known_at` (all if None)."""
    return await folded_stream.replay(store, Establishment(), known_at)
