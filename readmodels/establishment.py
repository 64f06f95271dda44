"""`establishment.events` folded: every post and org unit as a timeline of typed states (pure).

This is the one reading of establishment's stream. Establishment decides against it; finance and
recruitment follow the stream with it; `estab replay` and `known_at` views fold it over a prefix
of the log. Folding works on the decoded JSON of stored events, not on pydantic models: events
were validated once, when they were written, and a replay of a million events cannot afford to
validate each again (DESIGN §10, REDIS_STREAMS.md item 14). Each event type has one fold
function, listed in `POST_FOLDS` / `UNIT_FOLDS`; old schema versions are upcast by
`readmodels.reading.payload_of` before any fold sees them.
"""

from __future__ import annotations

from bisect import insort
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from readmodels.reading import payload_of
from readmodels.timeline import Change, Fold, LogEntry, Timeline

if TYPE_CHECKING:
    from collections.abc import Mapping

POST = "post"
ORG_UNIT = "org_unit"

PENDING = "pending"
"""A post's grade is proposed and awaits job evaluation (from creation or a re-grading)."""
EVALUATED = "evaluated"
"""Grading evaluated the post and establishment confirmed the grade."""


@dataclass(frozen=True, slots=True)
class Funding:
    """The share of a post's cost one funding source meets."""

    source_id: str
    share: Decimal


@dataclass(frozen=True, slots=True)
class PostState:
    """A post as it stands between two of its changes."""

    post_id: str
    title: str
    grade: str
    fte: Decimal
    org_unit_id: str
    reports_to: str | None
    funding: tuple[Funding, ...]
    budgeted_annual_cost: Decimal | None
    job_evaluation: str


@dataclass(frozen=True, slots=True)
class OrgUnitState:
    """An org unit and the unit it sits under (None: the top of the tree)."""

    org_unit_id: str
    name: str
    parent_id: str | None


def _funding(items: list[dict[str, Any]] | None) -> tuple[Funding, ...]:
    return tuple(Funding(item["source_id"], Decimal(item["share"])) for item in items or ())


def _money(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _created(_: PostState | None, payload: Mapping[str, Any]) -> PostState:
    return PostState(
        post_id=payload["post_id"],
        title=payload["title"],
        grade=payload["grade"],
        fte=Decimal(payload["fte"]),
        org_unit_id=payload["org_unit_id"],
        reports_to=payload.get("reports_to"),
        funding=_funding(payload.get("funding")),
        budgeted_annual_cost=_money(payload.get("budgeted_annual_cost")),
        job_evaluation=PENDING,
    )


def _redesignated(state: PostState | None, payload: Mapping[str, Any]) -> PostState | None:
    if state is None:
        return None
    grade = payload.get("grade")
    cost = _money(payload.get("budgeted_annual_cost"))
    if payload.get("budgeted_annual_cost_cleared"):
        cost = None
    elif cost is None:
        cost = state.budgeted_annual_cost
    return replace(
        state,
        title=payload.get("title") or state.title,
        grade=grade or state.grade,
        budgeted_annual_cost=cost,
        job_evaluation=PENDING if grade else state.job_evaluation,
    )


def _grade_confirmed(state: PostState | None, payload: Mapping[str, Any]) -> PostState | None:
    return state and replace(state, grade=payload["grade"], job_evaluation=EVALUATED)


def _fte_changed(state: PostState | None, payload: Mapping[str, Any]) -> PostState | None:
    return state and replace(state, fte=Decimal(payload["fte"]))


def _transferred(state: PostState | None, payload: Mapping[str, Any]) -> PostState | None:
    return state and replace(state, org_unit_id=payload["org_unit_id"])


def _reporting_changed(state: PostState | None, payload: Mapping[str, Any]) -> PostState | None:
    return state and replace(state, reports_to=payload.get("reports_to"))


def _funding_changed(state: PostState | None, payload: Mapping[str, Any]) -> PostState | None:
    return state and replace(state, funding=_funding(payload.get("funding")))


def _deleted(_: PostState | None, __: Mapping[str, Any]) -> None:
    return None


def _unit_created(_: OrgUnitState | None, payload: Mapping[str, Any]) -> OrgUnitState:
    return OrgUnitState(payload["org_unit_id"], payload["name"], payload.get("parent_id"))


POST_FOLDS: dict[str, Fold[PostState]] = {
    "PostCreated": _created,
    "PostRedesignated": _redesignated,
    "PostGradeConfirmed": _grade_confirmed,
    "PostFTEChanged": _fte_changed,
    "PostTransferred": _transferred,
    "ReportingLineChanged": _reporting_changed,
    "PostFundingChanged": _funding_changed,
    "PostDeleted": _deleted,
}
"""Every event type that changes a post, and how."""

UNIT_FOLDS: dict[str, Fold[OrgUnitState]] = {"OrgUnitCreated": _unit_created}
"""Every event type that changes an org unit, and how."""

RETRACTED = "EventRetracted"
"""A correction: the retracted event's change leaves every view (the event stays in the log)."""


class Establishment:
    """Every post and org unit of one tenant, as far as the events folded so far tell."""

    def __init__(self) -> None:
        self.posts: dict[str, Timeline[PostState]] = {}
        self.units: dict[str, Timeline[OrgUnitState]] = {}
        self.located: dict[str, tuple[str, str]] = {}
        """event id -> (aggregate type, aggregate id), for retractions and lookups."""
        self.reporting_dates: list[str] = []
        """Distinct effective dates on which some reporting line began or ended, sorted."""
        self._reporting_date_set: set[str] = set()
        self.reports_to_refs: dict[str, set[str]] = {}
        """manager post id -> posts that report, or once reported, to it."""
        self.journal: list[str] = []
        """The post or unit each event (retractions included) was about, in the order folded:
        what a cache of answers must forget since it last looked."""
        self.sequence = 0
        self.entry_id = "0-0"
        self.recorded_at = ""

    def timeline(self, aggregate_type: str, aggregate_id: str) -> Timeline[Any] | None:
        """The timeline of one aggregate, if it has any events."""
        table: Mapping[str, Timeline[Any]] = self.posts if aggregate_type == POST else self.units
        return table.get(aggregate_id)

    def apply(self, event: dict[str, Any], entry_id: str = "") -> LogEntry:
        """Fold one stored event (decoded JSON) in recorded order; return its log entry."""
        event_type: str = event["type"]
        payload = payload_of(event)
        aggregate_id: str = event["aggregate_id"]
        timeline: Timeline[Any]
        if event["aggregate_type"] == POST:
            timeline = self._writable(self.posts, aggregate_id, POST_FOLDS)
        else:
            timeline = self._writable(self.units, aggregate_id, UNIT_FOLDS)
        sequence: int = event["sequence"]
        event_id: str = event["event_id"]
        entry = LogEntry(sequence, event_id, entry_id)
        timeline.version = event["aggregate_version"]
        timeline.log.append(entry)
        self.located[event_id] = (event["aggregate_type"], aggregate_id)
        self.sequence = sequence
        self.entry_id = entry_id or self.entry_id
        self.recorded_at = event.get("recorded_at", self.recorded_at)
        self.journal.append(aggregate_id)
        if event_type == RETRACTED:
            timeline.remove(payload["retracted_event_id"], sequence)
            return entry
        change = Change(event["effective_date"], sequence, event_id, event_type, payload)
        timeline.add(change)
        if event["aggregate_type"] == POST:
            self._index_reporting(aggregate_id, change)
        return entry

    def _writable(
        self, table: dict[str, Timeline[Any]], aggregate_id: str, folds: Mapping[str, Any]
    ) -> Timeline[Any]:
        """The aggregate's timeline, to fold an event into (made if it has none)."""
        return table.get(aggregate_id) or table.setdefault(
            aggregate_id, Timeline(aggregate_id, folds)
        )

    def _reports(self, manager: str) -> set[str]:
        """The posts that report (or once reported) to `manager`, to add one to."""
        return self.reports_to_refs.setdefault(manager, set())

    def _index_reporting(self, post_id: str, change: Change) -> None:
        if change.type not in {"PostCreated", "ReportingLineChanged", "PostDeleted"}:
            return
        manager = change.payload.get("reports_to")
        if manager is not None:
            self._reports(manager).add(post_id)
        if change.effective not in self._reporting_date_set:
            self._reporting_date_set.add(change.effective)
            insort(self.reporting_dates, change.effective)

    # --- questions every reader asks -------------------------------------------------------

    def post(self, post_id: str, day: str) -> PostState | None:
        """The post on `day` (None if it does not exist then)."""
        timeline = self.posts.get(post_id)
        return timeline.at(day) if timeline else None

    def unit(self, org_unit_id: str, day: str) -> OrgUnitState | None:
        """The org unit on `day` (None if it does not exist then)."""
        timeline = self.units.get(org_unit_id)
        return timeline.at(day) if timeline else None

    def units_on(self, day: str) -> list[OrgUnitState]:
        """Org units in existence on `day`, in id order."""
        found = [state for unit in self.units.values() if (state := unit.at(day))]
        return sorted(found, key=lambda unit: unit.org_unit_id)

    def units_under(self, org_unit_id: str, day: str) -> set[str]:
        """`org_unit_id` and every unit below it on `day`."""
        children: dict[str, list[str]] = {}
        for unit in self.units_on(day):
            if unit.parent_id is not None:
                children.setdefault(unit.parent_id, []).append(unit.org_unit_id)
        found, stack = set(), [org_unit_id]
        while stack:
            unit_id = stack.pop()
            if unit_id not in found:
                found.add(unit_id)
                stack.extend(children.get(unit_id, ()))
        return found

    def ancestors(self, org_unit_id: str, day: str) -> list[str]:
        """`org_unit_id` and the units above it on `day`, nearest first."""
        chain: list[str] = []
        unit_id: str | None = org_unit_id
        while unit_id is not None and unit_id not in chain:
            chain.append(unit_id)
            state = self.unit(unit_id, day)
            unit_id = state.parent_id if state else None
        return chain

    def created_on(self, post_id: str) -> str | None:
        """The first date the post exists (None: never created, or its creation retracted)."""
        timeline = self.posts.get(post_id)
        created = timeline.first("PostCreated") if timeline else None
        return created.effective if created else None

    def deleted_on(self, post_id: str) -> str | None:
        """The date from which the post no longer exists (None: never deleted)."""
        return deletion_day(self.posts.get(post_id))

    def post_dates(self, post_id: str) -> list[str]:
        """Every effective date on which the post changed, in order."""
        timeline = self.posts.get(post_id)
        return timeline.dates() if timeline else []

    def ever_funded_by(self, source_id: str) -> list[str]:
        """The posts some version of which a funding source meets part of, in id order."""
        return sorted(
            post_id
            for post_id, timeline in self.posts.items()
            if any(
                item.source_id == source_id
                for state in timeline.states
                if state is not None
                for item in state.funding
            )
        )

    def grades_used(self) -> set[str]:
        """Every grade some post has held at some point."""
        return {
            state.grade
            for timeline in self.posts.values()
            for state in timeline.states
            if state is not None
        }


def deletion_day(timeline: Timeline[PostState] | None) -> str | None:
    """The date from which a post's timeline says it no longer exists (None: never deleted)."""
    deletion = timeline.first("PostDeleted") if timeline else None
    return deletion.effective if deletion else None


def funding_view(funding: tuple[Funding, ...]) -> list[dict[str, str]]:
    """A post's funding as API.md shows it: each source and its share, as recorded."""
    return [{"source_id": item.source_id, "share": format(item.share, "f")} for item in funding]
