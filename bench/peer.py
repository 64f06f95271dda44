"""The peer: establishment's history written and replayed with the `eventsourcing` library.

The events establishment recorded (read from its Redis stream) become the library's aggregates,
one per post or org unit, each event a `Changed` carrying the event's id, type, effective date
and payload, saved 1,000 events per transaction, on SQLite (a file) and in memory (the library's
POPO recorder). Then, timed: every aggregate reconstructed through the repository, and a full
projection rebuild (every notification read in order, mapped back to its domain event and
folded into per-aggregate timelines, a retraction removing the change it cancels), which is the
work establishment does when it replays. The rebuild is checked against the same fold over the
raw events, so the peer cannot look fast by skipping work.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event

if TYPE_CHECKING:
    from pathlib import Path

IDS = uuid5(NAMESPACE_URL, "urn:estab:bench-peer")
PAGE = 1000


def fold(changes: list[dict[str, Any]], change: dict[str, Any]) -> None:
    """Add `change` to a timeline; a retraction removes the change it names instead."""
    if change["type"] == "EventRetracted":
        cancelled = change["fields"]["retracted_event_id"]
        changes[:] = [item for item in changes if item["ref"] != cancelled]
    else:
        changes.append(change)


class Timeline(Aggregate):
    """One post's or org unit's changes, as the library's aggregate."""

    def __init__(self, key: str, change: dict[str, Any]) -> None:
        self.key = key
        self.changes: list[dict[str, Any]] = []
        fold(self.changes, change)

    @staticmethod
    def create_id(key: str) -> UUID:
        """The aggregate id of `post:p1` or `org_unit:u1`, the same on every run."""
        return uuid5(IDS, key)

    @event("Changed")
    def change(self, change: dict[str, Any]) -> None:
        """Record one more of the aggregate's events."""
        fold(self.changes, change)


def as_change(body: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """(aggregate key, change) of one stored establishment event."""
    key = f"{body['aggregate_type']}:{body['aggregate_id']}"
    change = {
        "ref": body["event_id"],
        "type": body["type"],
        "effective": body["effective_date"],
        "fields": body["payload"],
    }
    return key, change


def write(app: Application[UUID], bodies: list[dict[str, Any]]) -> list[UUID]:
    """Save the events as aggregates, `PAGE` events per transaction; the aggregate ids."""
    opened: dict[str, Timeline] = {}
    touched: dict[str, Timeline] = {}
    for number, body in enumerate(bodies, start=1):
        key, change = as_change(body)
        timeline = opened.get(key)
        if timeline is None:
            timeline = opened[key] = Timeline(key, change)
        else:
            timeline.change(change)
        touched[key] = timeline
        if number % PAGE == 0:
            app.save(*touched.values())
            touched.clear()
    app.save(*touched.values())
    return [timeline.id for timeline in opened.values()]


def rebuild(app: Application[UUID]) -> dict[UUID, list[dict[str, Any]]]:
    """Every aggregate's timeline, folded from the notification log in order."""
    timelines: dict[UUID, list[dict[str, Any]]] = defaultdict(list)
    start = 1
    while True:
        page = app.recorder.select_notifications(start=start, limit=PAGE)
        if not page:
            return timelines
        for notification in page:
            domain_event = app.mapper.to_domain_event(notification)
            fold(timelines[domain_event.originator_id], domain_event.change)  # type: ignore[attr-defined] # both event classes carry `change`
        start = page[-1].id + 1


def expected(bodies: list[dict[str, Any]]) -> dict[str, int]:
    """Changes per aggregate, folded straight from the events (what a rebuild must give)."""
    timelines: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for body in bodies:
        key, change = as_change(body)
        fold(timelines[key], change)
    return {key: len(changes) for key, changes in timelines.items()}


@dataclass(frozen=True, slots=True)
class PeerTimes:
    """Seconds the library took, on one recorder."""

    write: float
    reconstruct: float
    rebuild: float
    aggregates: int
    events: int


def measure(bodies: list[dict[str, Any]], sqlite: Path | None) -> PeerTimes:
    """Write, reconstruct and rebuild on SQLite at `sqlite`, or in memory if None."""
    env = {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(sqlite)}
    app: Application[UUID] = Application(env=env if sqlite is not None else {})
    try:
        began = time.perf_counter()
        ids = write(app, bodies)
        written = time.perf_counter()
        for aggregate_id in ids:
            app.repository.get(aggregate_id)
        reconstructed = time.perf_counter()
        timelines = rebuild(app)
        rebuilt = time.perf_counter()
    finally:
        app.close()
    wanted = expected(bodies)
    got = sorted(len(changes) for changes in timelines.values())
    if got != sorted(wanted.values()):
        raise RuntimeError("the eventsourcing rebuild does not match the events it was given")
    return PeerTimes(
        write=written - began,
        reconstruct=reconstructed - written,
        rebuild=rebuilt - reconstructed,
        aggregates=len(ids),
        events=len(bodies),
    )
