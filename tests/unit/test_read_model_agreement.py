"""Every reader of establishment's stream answers as establishment does, over generated histories.

Establishment folds each event it decides into its own read model before the event is stored;
finance and recruitment fold the stored bodies (sealed, canonical JSON, decoded again) page by
page, from the start after a restart, or up to a `known_at`. One read model serves them all
(`readmodels.establishment`), so on every date a history mentions, and the day before each, every
question a reader asks must get the owner's answer: each post, the units, posts on a date, diffs,
and the structure with and without postholders, whether its index was built in one go or kept up
to date as the log grew.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import orjson
import pytest
from establishment_histories import (
    DAYS,
    FTES,
    GHOST_POST,
    GHOST_UNIT,
    SOURCES,
    Owner,
    Step,
    batch_times,
    choose,
    day_before,
    histories,
)
from grade_catalogue import njc_catalogue
from hypothesis import given, note, settings
from hypothesis import strategies as st

from readmodels.establishment import Establishment
from readmodels.workforce import CONTRACT, Workforce
from services.establishment.structure import structure
from services.establishment.views import UnknownOrgUnitError, diff, find_post, org_units, posts_on

CATALOGUE = njc_catalogue()
BEFORE_ANY = "2026-01-01T00:00:00.000000Z"
"""A `known_at` before the first event of every history."""

Answers = dict[tuple[Any, ...], Any]

Holding = tuple[int, int, int, int, int]
"""(post, person, start day, fte, end day): one contract; `end` before `start` means none."""


def holdings_of(drawn: bytes) -> list[Holding]:
    """A few postholders read from bytes, three a holding."""
    return [
        (post % 8, post // 8 % 4, start % len(DAYS), fte % 4, start // len(DAYS) % len(DAYS))
        for post, start, fte in zip(*[iter(drawn)] * 3, strict=False)
    ]


holdings = st.binary(max_size=3 * 5).map(holdings_of)
"""Up to five postholders, some sharing a post or holding two, some leaving."""


def staffing_events(drawn: list[Holding]) -> list[dict[str, Any]]:
    """Recruitment's events for the drawn holdings, in recorded order (leavers last)."""
    appointed: list[dict[str, Any]] = []
    left: list[dict[str, Any]] = []
    for number, (post, person, start, fte, end) in enumerate(drawn):
        contract = {"contract_id": f"c{number}", "post_id": f"p{post}", "person_ref": f"x{person}"}
        envelope = {"aggregate_type": CONTRACT, "aggregate_id": contract["contract_id"]}
        appointed.append(
            {
                **envelope,
                "type": "PostholderAppointed",
                "aggregate_version": 1,
                "effective_date": DAYS[start],
                "payload": {**contract, "fte": choose(FTES, fte), "scp": 20 + fte},
            }
        )
        if end >= start:
            left.append(
                {
                    **envelope,
                    "type": "PostholderLeft",
                    "aggregate_version": 2,
                    "effective_date": DAYS[end],
                    "payload": contract,
                }
            )
    return appointed + left


def staffed(events: list[dict[str, Any]]) -> Workforce:
    """Recruitment's read model folded from `events`."""
    view = Workforce()
    for event in events:
        view.apply(event)
    return view


def follow(
    stored: list[tuple[str, bytes]],
    cuts: list[int] | None = None,
    until: str | None = None,
    between: Callable[[Establishment, int], None] | None = None,
) -> Establishment:
    """A follower's model: stored bodies decoded and folded, in pages split at `cuts`.

    Stops at the first event recorded after `until`, as a `known_at` replay does; `between(model,
    page)` is called after each page, as queries arrive while a follower catches up.
    """
    model = Establishment()
    bounds = sorted({0, len(stored), *(cut % (len(stored) + 1) for cut in cuts or ())})
    for page, (start, end) in enumerate(pairwise(bounds)):
        for entry_id, raw in stored[start:end]:
            body = orjson.loads(raw)
            if until is not None and body["recorded_at"] > until:
                return model
            model.apply(body, entry_id)
        if between is not None:
            between(model, page)
    return model


def scoped_structure(
    model: Establishment, day: str, unit_id: str | None, staffing: Workforce
) -> Any:
    """`structure(...)`, or the refusal of a unit that does not exist on `day`."""
    try:
        return structure(model, day, unit_id, staffing)
    except UnknownOrgUnitError as error:
        return ("unknown org unit", str(error))


def scoped_diff(model: Establishment, start: str, end: str, unit_id: str | None) -> Any:
    """`diff(...)`, or the refusal of a unit that does not exist on either date."""
    try:
        return diff(model, start, end, unit_id)
    except UnknownOrgUnitError as error:
        return ("unknown org unit", str(error))


def model_facts(model: Establishment) -> Answers:
    """What the model holds beyond dated views: timelines, indexes and log position (copied)."""
    found: Answers = {
        ("position",): (model.sequence, model.entry_id, model.recorded_at),
        ("located",): dict(model.located),
        ("reporting dates",): list(model.reporting_dates),
        ("reports to",): {manager: set(posts) for manager, posts in model.reports_to_refs.items()},
        ("journal",): list(model.journal),
        ("grades used",): model.grades_used(),
    }
    for kind, table in (("post", model.posts), ("unit", model.units)):
        for aggregate_id, timeline in table.items():
            changes = [
                (change.effective, change.sequence, change.event_id, change.type, change.payload)
                for change in timeline.changes
            ]
            log = [(entry.sequence, entry.event_id, entry.entry_id) for entry in timeline.log]
            found[kind, aggregate_id] = (timeline.version, changes, list(timeline.states), log)
    for source in SOURCES:
        found["funded by", source] = model.ever_funded_by(source)
    return found


@dataclass(frozen=True, slots=True)
class Questions:
    """What every reader is asked: on which dates, of which posts and units, with whom in post."""

    dates: list[str]
    post_ids: list[str]
    unit_ids: list[str]
    staffed: Workforce
    empty: Workforce


def views(model: Establishment, asked: Questions) -> Answers:
    """Every dated view establishment answers from `model` (not the structure), with its answer."""
    found = model_facts(model)
    for post_id in asked.post_ids:
        found["life", post_id] = (
            model.created_on(post_id),
            model.deleted_on(post_id),
            model.post_dates(post_id),
        )
    for day in asked.dates:
        found["posts on", day] = posts_on(model, day)
        found["org units", day] = org_units(model, day)
        for post_id in asked.post_ids:
            found["post", post_id, day] = find_post(model, post_id, day)
        for unit_id in asked.unit_ids:
            found["unit", unit_id, day] = (
                model.unit(unit_id, day),
                model.units_under(unit_id, day),
                model.ancestors(unit_id, day),
            )
    scopes = [None, *asked.unit_ids]
    for number, (start, end) in enumerate(pairwise(asked.dates)):
        scope = scopes[number % len(scopes)]
        found["diff", start, end, scope] = scoped_diff(model, start, end, scope)
    return found


def structures(model: Establishment, asked: Questions, staffed: Workforce) -> Answers:
    """The structure on every date, with nobody and with `staffed` in post, and under a unit.

    Each date asks under one unit, in turn, so every unit is asked on some dates.
    """
    found: Answers = {}
    for number, day in enumerate(asked.dates):
        unit_id = asked.unit_ids[number % len(asked.unit_ids)]
        found["structure", day] = scoped_structure(model, day, None, asked.empty)
        found["staffed structure", day] = scoped_structure(model, day, None, staffed)
        found["staffed structure", day, unit_id] = scoped_structure(model, day, unit_id, staffed)
    return found


def questions(owner: Owner, staffed: Workforce, empty: Workforce) -> Questions:
    """What to ask every reader, as far as the owner has recorded.

    On each date the owner's log and the holdings name, and the day before each; of every post
    and unit the owner has seen, and of one it has never heard of.
    """
    days = owner.dates | {holding.start for holding in staffed.contracts.values()}
    days |= {holding.end for holding in staffed.contracts.values() if holding.end}
    return Questions(
        sorted(days | {day_before(day) for day in days}),
        [*sorted(owner.projection.posts), GHOST_POST],
        [*sorted(owner.projection.units), GHOST_UNIT],
        staffed,
        empty,
    )


def answers(model: Establishment, asked: Questions) -> Answers:
    """Every question a reader asks of `model`, with its answer."""
    return views(model, asked) | structures(model, asked, asked.staffed)


def assert_same(owner: Answers, reader: Answers, who: str) -> None:
    """The reader answered as the owner did; else name the first question they differ on."""
    assert reader.keys() <= owner.keys(), f"{who} was asked what the owner was not"
    for question, answer in reader.items():
        assert answer == owner[question], f"{who} answers {question} otherwise"


@pytest.mark.timeout(600)  # passing takes under a minute; shrinking a failure can take minutes
@settings(max_examples=1000, deadline=None, derandomize=True, database=None)
@given(
    history=histories,
    drawn=holdings,
    cuts=st.lists(st.integers(0, 64), max_size=4),
    moment=st.integers(0, 64),
)
def test_every_reader_answers_as_the_owner(
    history: list[Step], drawn: list[Holding], cuts: list[int], moment: int
) -> None:
    """Followers in one go, in pages, and up to a known_at answer every question as the owner."""
    recruitment = staffing_events(drawn)
    full = staffed(recruitment)
    empty = Workforce()
    looks = random.Random(moment)

    def look(model: Establishment, staffing: Workforce) -> None:
        """A query between folds, so the structure index is kept up to date, not rebuilt."""
        scoped_structure(model, looks.choice(DAYS), looks.choice([None, *model.units]), staffing)

    def owner_looks(owner: Owner) -> None:
        look(owner.projection, full)
        look(owner.projection, empty)

    known_at = choose([BEFORE_ANY, *batch_times(history)], moment)
    owner = Owner(CATALOGUE).run(history, until=known_at, looked=owner_looks)
    asked_then = questions(owner, full, empty)
    then = answers(owner.projection, asked_then)
    owner.run(history, looked=owner_looks)
    note(owner.transcript)
    stored = owner.stored
    asked = questions(owner, full, empty)
    expected = answers(owner.projection, asked)
    assert_same(expected, answers(follow(stored), asked), "a follower folding the log in one go")

    growing = staffed(recruitment[: len(recruitment) // 2])

    def page_looks(model: Establishment, page: int) -> None:
        look(model, growing)
        look(model, empty)
        if page == 0:
            for event in recruitment[len(recruitment) // 2 :]:
                growing.apply(event)

    paged = follow(stored, cuts, between=page_looks)
    in_pages = model_facts(paged) | structures(paged, asked, growing)
    assert_same(expected, in_pages, "a follower folding the log in pages")

    known_then = answers(follow(stored, until=known_at), asked_then)
    assert_same(then, known_then, f"a follower known at {known_at}")
