"""`GET /structure` answered from an index of each post's rows by effective date (pure).

A structure lists every post in force on a date, so at 50,000 posts all the cost is per post:
building a dict, formatting three FTEs, counting who is in post and serialising it again for every
post on every request took a second. A post's row (its JSON with who is in post, and its share
of the totals) can only change on a date when the post or one of its holdings changes, so the
index keeps, per post, those dates and the row from each, rendered once. A request is then one
bisect per post and a join of ready bytes. Both read models keep a journal of the posts each
folded event was about; the index re-renders only the posts named since it last looked, so a
new event costs the rows of its own post, nothing else.

Whole answers are kept too, keyed by the date, the unit and how far both logs had been read:
a repeated question is a dictionary lookup, and a new event (which moves a log position) leaves
every earlier answer unreachable.
"""

from __future__ import annotations

import gc
from bisect import bisect_right
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from operator import attrgetter
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

import orjson

from contracts.money import fte_text
from services.establishment.views import post_view, unit_scope

if TYPE_CHECKING:
    from collections.abc import Callable

    from readmodels.establishment import Establishment
    from readmodels.workforce import Contract, Workforce

ANSWERS = 64
"""Whole structure answers kept per pair of read models."""

BULK = 1_000
"""Posts to re-render above which the cyclic GC is paused: the rows are many small long-lived
objects it would otherwise rescan over and over (as `eventlog.command_log` does for catch-up)."""

ZERO = Decimal(0)

_PLACE = attrgetter("place")
_FTE = attrgetter("fte")
_HELD = attrgetter("held")
_VACANT = attrgetter("vacant")
_JSON = attrgetter("json")


UNITS = 10**10
"""FTE totals are summed as whole ten-billionths (the finest FTE recorded): exact, and integer
sums over 50,000 posts cost a tenth of Decimal ones."""


def _units(fte: Decimal) -> int:
    scaled = fte.scaleb(10)
    if scaled != scaled.to_integral_value():
        message = f"FTE {fte} is finer than ten decimal places"
        raise ValueError(message)
    return int(scaled)


def _fte(units: int) -> str:
    return fte_text(Decimal(units).scaleb(-10))


@dataclass(frozen=True, slots=True)
class Row:
    """One post as the structure shows it from one date: its JSON and its part of the totals.

    FTEs are in ten-billionths (`UNITS`); `place` is where it is listed: (its unit, its id).
    """

    org_unit_id: str
    place: tuple[str, str]
    json: bytes
    fte: int
    held: int
    vacant: int
    people: frozenset[str]


@dataclass(slots=True)
class PostRows:
    """The dates on which one post's row may change, and its row from each (None: no post)."""

    post_id: str
    dates: list[str]
    rows: list[Row | None]


def _day_after(day: str) -> str:
    return (date.fromisoformat(day) + timedelta(days=1)).isoformat()


def _held(holdings: list[Contract], day: str) -> tuple[Decimal, frozenset[str]]:
    """The FTE held on a post on `day` and who holds it (several people in a job share)."""
    fte, people = ZERO, set()
    for holding in holdings:
        if holding.start <= day and (holding.end is None or day <= holding.end):
            fte += Decimal(holding.fte)
            people.add(holding.person_ref)
    return fte, frozenset(people)


_TAILS: dict[tuple[Decimal, int, Decimal], bytes] = {}
"""The closing part of a post's JSON (who is in post), by its figures: there are few."""
TAILS = 10_000
"""At most this many kept (FTEs given as hours fractions could make many)."""


def _tail(held: Decimal, headcount: int, vacant: Decimal) -> bytes:
    key = (held, headcount, vacant)
    found = _TAILS.get(key)
    if found is None:
        shown = {"fte_in_post": fte_text(held), "headcount": headcount}
        shown["vacant_fte"] = fte_text(vacant)
        if len(_TAILS) >= TAILS:
            _TAILS.clear()
        found = _TAILS[key] = b"," + orjson.dumps(shown)[1:]
    return found


def _post_rows(projection: Establishment, staffing: Workforce, post_id: str) -> PostRows:
    """Every row one post has, from each date on which it or its holdings change."""
    dates = set(projection.posts[post_id].dates())
    for holding in staffing.contracts_of_post(post_id):
        dates.add(holding.start)
        if holding.end is not None:
            dates.add(_day_after(holding.end))
    ordered = sorted(dates)
    return PostRows(post_id, ordered, [_row(projection, staffing, post_id, day) for day in ordered])


def _row(projection: Establishment, staffing: Workforce, post_id: str, day: str) -> Row | None:
    """One post's row from `day` (None: the post does not exist then)."""
    timeline = projection.posts[post_id]
    state = timeline.at(day)
    if state is None:
        return None
    holdings = staffing.contracts_of_post(post_id)
    held, people = _held(holdings, day) if holdings else (ZERO, frozenset[str]())
    vacant = max(ZERO, state.fte - held)
    json = orjson.dumps(post_view(timeline, state))[:-1] + _tail(held, len(people), vacant)
    place = (state.org_unit_id, post_id)
    fte = _units(state.fte)
    return Row(state.org_unit_id, place, json, fte, _units(held), _units(vacant), people)


def _latest_unit_order(projection: Establishment) -> Callable[[PostRows], tuple[str, str]]:
    """Posts by the unit of their latest version, then id: the order most dates show them in.

    The per-request sort by (unit, id) then has almost nothing to move.
    """

    def key(post: PostRows) -> tuple[str, str]:
        latest = next(
            (state for state in reversed(projection.posts[post.post_id].states) if state), None
        )
        return (latest.org_unit_id if latest else "", post.post_id)

    return key


class StructureIndex:
    """Each post's rows by date for one establishment view and one staffing view."""

    def __init__(self) -> None:
        self.by_post: dict[str, PostRows] = {}
        self.ordered: list[PostRows] = []
        self.read = (0, 0)
        """How far into the two journals this index has looked."""
        self.answers: OrderedDict[tuple[str, str | None], bytes] = OrderedDict()

    def refresh(self, projection: Establishment, staffing: Workforce) -> None:
        """Re-render the posts either journal names since the last look; drop stale answers."""
        seen_posts, seen_holdings = self.read
        changed = set(projection.journal[seen_posts:]) | set(staffing.journal[seen_holdings:])
        if not changed:
            return
        self.read = (len(projection.journal), len(staffing.journal))
        self.answers.clear()
        added = False
        bulk = len(changed) > BULK
        if bulk:
            gc.disable()
        try:
            for post_id in changed:
                if post_id not in projection.posts:
                    continue
                rows = _post_rows(projection, staffing, post_id)
                kept = self.by_post.get(post_id)
                if kept is None:
                    self.by_post[post_id] = rows
                    added = True
                else:
                    kept.dates, kept.rows = rows.dates, rows.rows
        finally:
            if bulk:
                gc.enable()
        if added:
            self.ordered = sorted(self.by_post.values(), key=_latest_unit_order(projection))

    def render(self, projection: Establishment, as_of: str, org_unit_id: str | None) -> bytes:
        """`"posts":[...],"totals":{...}` for the posts in force on `as_of` (under a unit)."""
        scope = unit_scope(projection, as_of, org_unit_id) if org_unit_id is not None else None
        found = [
            post.rows[index]
            for post in self.ordered
            if (index := bisect_right(post.dates, as_of) - 1) >= 0
        ]
        listed = [
            row for row in found if row is not None and (scope is None or row.org_unit_id in scope)
        ]
        listed.sort(key=_PLACE)  # nearly in order already: see _latest_unit_order
        people: set[str] = set()
        people.update(*[row.people for row in listed if row.people])
        totals = {
            "posts": len(listed),
            "fte": _fte(sum(map(_FTE, listed))),
            "fte_in_post": _fte(sum(map(_HELD, listed))),
            "headcount": len(people),
            "vacant_fte": _fte(sum(map(_VACANT, listed))),
        }
        posts = b",".join(map(_JSON, listed))
        return b'"posts":[' + posts + b'],"totals":' + orjson.dumps(totals)


_INDEXES: WeakKeyDictionary[Establishment, WeakKeyDictionary[Workforce, StructureIndex]] = (
    WeakKeyDictionary()
)


def _index(projection: Establishment, staffing: Workforce) -> StructureIndex:
    per_staffing = _INDEXES.get(projection)
    if per_staffing is None:
        per_staffing = _INDEXES[projection] = WeakKeyDictionary()
    found = per_staffing.get(staffing)
    if found is None:
        found = per_staffing[staffing] = StructureIndex()
    found.refresh(projection, staffing)
    return found


def structure_json(
    projection: Establishment,
    as_of: str,
    org_unit_id: str | None,
    staffing: Workforce,
    stamps: dict[str, Any] | None = None,
) -> bytes:
    """The posts on `as_of` (under `org_unit_id` and its sub-units, if given), with totals.

    Recruitment's `staffing` says who is in post: each post and the totals carry FTE in post,
    headcount (distinct people: a job share counts each sharer, a person with two posts once)
    and vacant FTE. `stamps` (e.g. `as_of`, `known_at`) lead the object.

    Raises:
        UnknownOrgUnitError: `org_unit_id` does not exist on `as_of`.
    """
    index = _index(projection, staffing)
    key = (as_of, org_unit_id)
    body = index.answers.get(key)
    if body is None:
        body = index.answers[key] = index.render(projection, as_of, org_unit_id)
        while len(index.answers) > ANSWERS:
            index.answers.popitem(last=False)
    else:
        index.answers.move_to_end(key)
    head = orjson.dumps(stamps or {})[:-1]
    joiner = b"," if len(head) > 1 else b""
    return head + joiner + body + b"}"


def structure(
    projection: Establishment, as_of: str, org_unit_id: str | None, staffing: Workforce
) -> dict[str, Any]:
    """`structure_json` decoded, for callers that want the answer as data (replay, tests)."""
    answer: dict[str, Any] = orjson.loads(structure_json(projection, as_of, org_unit_id, staffing))
    return answer
