"""Rebuild the establishment straight from its stream, up to a recorded time.

The auditors' independent path (`estab replay`) and the service's `known_at` views use this same
fold (`eventlog.command_log.replay`) over an empty establishment projection.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from eventlog import command_log
from services.establishment.projections import Projection

if TYPE_CHECKING:
    from eventlog.store import EventStore


async def replay(store: EventStore, known_at: str | None = None) -> Projection:
    """The establishment of every event recorded at or before `known_at` (all if None)."""
    return await command_log.replay(store, Projection(), known_at)
