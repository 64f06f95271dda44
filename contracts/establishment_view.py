"""Establishment's posts and org units as other services read them, folded from its stream (pure).

Recruitment and finance do not own posts; they follow `establishment.events` read-only with this
one reading of it, keeping per post its changes in effective order, so "the post on D" is a short
fold. A retraction removes the retracted change. (Establishment's own projection is richer: it
also keeps the versions and reporting-line indexes its rules need.)
"""

from __future__ import annotations

from bisect import insort
from dataclasses import dataclass, field
from typing import Any

from contracts.upcasting import current_version, upcast

DELETED = "__deleted__"

POST_FIELDS = ("title", "grade", "fte", "org_unit_id", "funding", "budgeted_annual_cost")


@dataclass(order=True, slots=True)
class Change:
    """One change to a post or unit, in effective order."""

    effective: str
    sequence: int
    event_id: str = field(compare=False)
    fields: dict[str, Any] = field(compare=False)


@dataclass(slots=True)
class Line:
    """The changes of one post or unit, in effective order."""

    changes: list[Change] = field(default_factory=list)

    def at(self, day: str) -> dict[str, Any] | None:
        """The fields in force on `day`, or None before creation or from deletion."""
        state: dict[str, Any] | None = None
        for change in self.changes:
            if change.effective > day:
                break
            if change.fields.get(DELETED):
                state = None
            elif "created" in change.fields:
                state = {key: value for key, value in change.fields.items() if key != "created"}
            elif state is not None:
                state = {**state, **change.fields}
        return state

    def created_on(self) -> str | None:
        """The first date the post or unit exists."""
        return next((c.effective for c in self.changes if "created" in c.fields), None)

    def deleted_on(self) -> str | None:
        """The date from which the post no longer exists (None: never deleted)."""
        return next((c.effective for c in self.changes if c.fields.get(DELETED)), None)


def _fields(kind: str, payload: dict[str, Any]) -> dict[str, Any] | None:
    if kind == "PostCreated":
        fields = {name: payload.get(name) for name in POST_FIELDS}
        return {"created": True, **fields, "funding": fields["funding"] or []}
    if kind in {"PostRedesignated", "PostGradeConfirmed", "PostFTEChanged", "PostTransferred"}:
        fields = {name: payload[name] for name in POST_FIELDS if payload.get(name) is not None}
        if payload.get("budgeted_annual_cost_cleared"):
            fields["budgeted_annual_cost"] = None
        return fields
    if kind == "PostFundingChanged":
        return {"funding": payload.get("funding") or []}
    if kind == "PostDeleted":
        return {DELETED: True}
    if kind == "OrgUnitCreated":
        return {"created": True, "parent_id": payload.get("parent_id")}
    return None


class EstablishmentView:
    """Posts and org units, as far as `establishment.events` has been read."""

    def __init__(self) -> None:
        self.posts: dict[str, Line] = {}
        self.units: dict[str, Line] = {}
        self.located: dict[str, tuple[Line, Change]] = {}
        self.entry_id = "0-0"
        self.recorded_at = ""

    def apply(self, event: dict[str, Any], entry_id: str = "") -> None:
        """Fold one establishment event in recorded order."""
        self.entry_id = entry_id or self.entry_id
        self.recorded_at = event.get("recorded_at", self.recorded_at)
        kind: str = event["type"]
        payload: dict[str, Any] = event["payload"]
        version = int(event.get("schema_version", 1))
        if version != current_version(kind):
            payload = upcast(kind, version, dict(payload))
        if kind == "EventRetracted":
            found = self.located.pop(payload["retracted_event_id"], None)
            if found is not None:
                line, change = found
                line.changes.remove(change)
            return
        fields = _fields(kind, payload)
        if fields is None:
            return
        table = self.units if kind == "OrgUnitCreated" else self.posts
        line = table.setdefault(event["aggregate_id"], Line())
        change = Change(event["effective_date"], event["sequence"], event["event_id"], fields)
        insort(line.changes, change)
        self.located[change.event_id] = (line, change)

    def post(self, post_id: str, day: str) -> dict[str, Any] | None:
        """The post on `day` (None if it does not exist then)."""
        line = self.posts.get(post_id)
        return line.at(day) if line else None

    def units_under(self, org_unit_id: str, day: str) -> set[str]:
        """`org_unit_id` and every unit below it on `day`."""
        children: dict[str, list[str]] = {}
        for unit_id, line in self.units.items():
            state = line.at(day)
            if state is not None and state.get("parent_id"):
                children.setdefault(state["parent_id"], []).append(unit_id)
        found, stack = set(), [org_unit_id]
        while stack:
            unit = stack.pop()
            if unit not in found:
                found.add(unit)
                stack.extend(children.get(unit, ()))
        return found

    def ancestors(self, org_unit_id: str, day: str) -> list[str]:
        """`org_unit_id` and the units above it on `day`, nearest first."""
        chain: list[str] = []
        unit: str | None = org_unit_id
        while unit is not None and unit not in chain:
            chain.append(unit)
            line = self.units.get(unit)
            state = line.at(day) if line else None
            unit = state.get("parent_id") if state else None
        return chain
