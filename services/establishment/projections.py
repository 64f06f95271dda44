"""The establishment folded from its event stream: a timeline per post and per org unit (pure).

Folding works on the decoded JSON of stored events, not on pydantic models: events were fully
validated once, when they were written, and a replay of a million events cannot afford to
validate each again (DESIGN §10, REDIS_STREAMS.md item 14). Old schema versions are upcast as
they are read. The same fold serves the live service, `known_at` views and `estab replay`.
"""

from __future__ import annotations

from bisect import insort
from typing import Any

from contracts.upcasting import current_version, upcast
from services.establishment.timeline import Change, LogEntry, State, Timeline

POST = "post"
ORG_UNIT = "org_unit"

PENDING = "pending"
"""A post's grade is proposed and awaits job evaluation (from creation or a re-grading)."""
EVALUATED = "evaluated"
"""Grading evaluated the post and establishment confirmed the grade."""


def fold_post(state: State | None, change: Change) -> State | None:
    """A post's fields after `change` (None once deleted)."""
    if change.type == "PostCreated":
        return dict(change.fields)
    if change.type == "PostDeleted" or state is None:
        return None
    return {**state, **change.fields}


def fold_org_unit(state: State | None, change: Change) -> State | None:
    """An org unit's fields after `change`."""
    if change.type == "OrgUnitCreated":
        return dict(change.fields)
    return state


def post_fields(event_type: str, payload: dict[str, Any]) -> dict[str, Any]:
    """The fields of a post that an event sets."""
    if event_type == "PostCreated":
        return {
            "post_id": payload["post_id"],
            "title": payload["title"],
            "grade": payload["grade"],
            "fte": payload["fte"],
            "org_unit_id": payload["org_unit_id"],
            "reports_to": payload.get("reports_to"),
            "funding": payload.get("funding") or [],
            "budgeted_annual_cost": payload.get("budgeted_annual_cost"),
            "job_evaluation": PENDING,
        }
    if event_type == "PostGradeConfirmed":
        return {"grade": payload["grade"], "job_evaluation": EVALUATED}
    if event_type == "PostRedesignated":
        fields = {
            name: payload[name]
            for name in ("title", "grade", "budgeted_annual_cost")
            if payload.get(name) is not None
        }
        if "grade" in fields:
            fields["job_evaluation"] = PENDING
        if payload.get("budgeted_annual_cost_cleared"):
            fields["budgeted_annual_cost"] = None
        return fields
    if event_type == "PostDeleted":
        return {}
    return {name: value for name, value in payload.items() if name != "post_id"}


class Projection:
    """Every post and org unit of one tenant, as far as the events folded so far tell."""

    def __init__(self) -> None:
        self.posts: dict[str, Timeline] = {}
        self.units: dict[str, Timeline] = {}
        self.located: dict[str, tuple[str, str]] = {}
        """event id -> (aggregate type, aggregate id), for retractions and lookups."""
        self.reporting_dates: list[str] = []
        """Distinct effective dates on which some reporting line began or ended, sorted."""
        self._reporting_date_set: set[str] = set()
        self.reports_to_refs: dict[str, set[str]] = {}
        """manager post id -> posts that report, or once reported, to it."""
        self.sequence = 0
        self.entry_id = "0-0"
        self.recorded_at = ""

    def timeline(self, aggregate_type: str, aggregate_id: str) -> Timeline | None:
        """The timeline of one aggregate, if it has any events."""
        table = self.posts if aggregate_type == POST else self.units
        return table.get(aggregate_id)

    def apply(self, event: dict[str, Any], entry_id: str = "") -> LogEntry:
        """Fold one stored event (decoded JSON) in recorded order; return its log entry."""
        event_type: str = event["type"]
        payload: dict[str, Any] = event["payload"]
        if event.get("schema_version", 1) != current_version(event_type):
            payload = upcast(event_type, int(event.get("schema_version", 1)), dict(payload))
        aggregate_type: str = event["aggregate_type"]
        aggregate_id: str = event["aggregate_id"]
        table = self.posts if aggregate_type == POST else self.units
        timeline = table.get(aggregate_id)
        if timeline is None:
            fold = fold_post if aggregate_type == POST else fold_org_unit
            timeline = table[aggregate_id] = Timeline(aggregate_id, fold)
        sequence: int = event["sequence"]
        event_id: str = event["event_id"]
        entry = LogEntry(sequence, event_id, entry_id)
        timeline.version = event["aggregate_version"]
        timeline.log.append(entry)
        self.located[event_id] = (aggregate_type, aggregate_id)
        self.sequence = sequence
        self.entry_id = entry_id or self.entry_id
        self.recorded_at = event.get("recorded_at", self.recorded_at)
        if event_type == "EventRetracted":
            timeline.remove(payload["retracted_event_id"])
            return entry
        fields = (
            post_fields(event_type, payload)
            if aggregate_type == POST
            else {name: payload.get(name) for name in ("org_unit_id", "name", "parent_id")}
        )
        change = Change(event["effective_date"], sequence, event_id, event_type, fields)
        timeline.add(change)
        if aggregate_type == POST:
            self._index_reporting(aggregate_id, change)
        return entry

    def _index_reporting(self, post_id: str, change: Change) -> None:
        touches_reporting = "reports_to" in change.fields or change.type == "PostDeleted"
        if not touches_reporting:
            return
        manager = change.fields.get("reports_to")
        if manager is not None:
            self.reports_to_refs.setdefault(manager, set()).add(post_id)
        if change.effective not in self._reporting_date_set:
            self._reporting_date_set.add(change.effective)
            insort(self.reporting_dates, change.effective)
