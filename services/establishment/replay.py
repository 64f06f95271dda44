"""Rebuild the establishment straight from its stream, up to a recorded time.

The auditors' independent path (`estab replay`) and the service's `known_at` views use this same
fold. Recorded time never runs backwards along a stream, so "known at T" is the prefix of the
log up to the first event recorded after T.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import orjson

from services.establishment.projections import Projection

if TYPE_CHECKING:
    from eventlog.store import EventStore


async def replay(store: EventStore, known_at: str | None = None) -> Projection:
    """The projection of every event recorded at or before `known_at` (all if None).

    `known_at` is a fixed-width UTC stamp (`eventlog.clock.format_timestamp`), so plain string
    comparison orders it against each event's `recorded_at`.
    """
    projection = Projection()
    async for page in store.pages():
        for entry_id, raw in page:
            body = orjson.loads(raw)
            if known_at is not None and body["recorded_at"] > known_at:
                return projection
            projection.apply(body, entry_id)
    return projection
