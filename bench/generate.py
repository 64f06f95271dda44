"""A deterministic history of one council over ten financial years, for the scale benchmarks.

    uv run python bench/generate.py --posts 50000 --events 1000000 [--seed 1] [--out FILE]

writes one JSON line per command (`{"service", "day", "command", "target"?}`); other benchmarks
import `history(posts, events, seed)` (or `History` for the posts' lives as well). The same
arguments always give the same commands, command ids included.

The council: an org tree (one unit per ~25 posts, six sub-units under each), a head post per
unit (reporting to the parent unit's head, never deleted, so every reporting line stays sound),
60% of the other posts established on 1 April 2017 and the rest created over the years. The
grade catalogue is the bundled `catalogue_njc_leeds_style` scenario: what it makes effective in
2017/18 is recorded first; each later year's steps are that year's pay award, recorded on 1
September and back-dated to 1 April (a 3% award on the last spine for years the scenario has
not reached). Between them: redesignations (each with a new title, half re-grading one step),
FTE changes, transfers, reporting-line moves, deletions, appointments and leavers, and ~1%
retractions of earlier redesignations.

Every command is valid when generated (checked with the contract models) and is meant to be
accepted in history order, with these rules the feed (`bench/feed.py`) relies on: commands are
in recorded-day order; no post has an FTE change and a recruitment command in the same month,
nor two recruitment commands in one month; only vacant posts change FTE or are deleted, and only
once vacant since an earlier month; a retraction names a redesignation recorded in an earlier
month. So within a month, the catalogue's changes may be recorded first, then all of
establishment's commands, then recruitment's, and nothing is refused.
"""

from __future__ import annotations

import argparse
import random
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from uuid import uuid5

from council import (
    AFTER_DAY,
    AWARD_RECORDED,
    END,
    IDS,
    START,
    UNRESOLVED,
    Item,
    Pool,
    Post,
    catalogue_years,
    fiscal_year,
    generated_award,
    iso,
)

from contracts.registry import any_command_from_message
from scenarios.loader import service_of

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = ["END", "START", "History", "Item", "history", "new_posts"]

LADDER = (
    "A1", "A2", "A3", "A4", "B1", "B2", "B3", "C1", "C2", "C3",
    "SO1", "SO2", "PO1", "PO2", "PO3", "PO4", "PO5", "PO6",
)  # fmt: skip
HEAD_GRADES = ("Dir 100%", "Dir 70%", "Dir 52.5%")
"""Heads of the root unit, of its sub-units and of theirs; deeper heads are PO6."""
FTES = ("1", "0.8", "0.6", "0.5")
FANOUT = 6
POSTS_PER_UNIT = 25
INITIAL_SHARE = 0.6
FILLED_SHARE = 0.6
TENURE_DAYS = 90
BACKDATE_DAYS = 14
RETRACT_SHARE = 0.01
WEIGHTS = {
    "redesignate": 24,
    "fte": 12,
    "transfer": 10,
    "reporting": 10,
    "appoint": 20,
    "leave": 16,
}
"""How often each kind of change is drawn between the creations, deletions and retractions."""
DELETE_SHARE = 0.2
"""Of the posts other than heads, the share deleted over the years (vacant ones only)."""
TRIES = 8


class History:
    """The history, read once as an iterator of items.

    `lives` (each post's created and deleted days) fills in as it is read.
    """

    def __init__(self, posts: int, events: int, seed: int = 1) -> None:
        self.rng = random.Random(seed)
        self.seed = seed
        self.units = max(3, posts // POSTS_PER_UNIT)
        self.posts = posts
        self.events = events
        others = posts - self.units
        self.initial = int(others * INITIAL_SHARE)
        self.late = others - self.initial
        self.filled = int((self.initial + self.units) * FILLED_SHARE)
        self.base, self.award_steps = catalogue_years()
        self._add_generated_awards()
        awards = sum(len(steps) for steps in self.award_steps.values())
        self.setup = len(self.base) + 2 * self.units + self.initial + self.filled
        self.slots = events - self.setup - awards
        if self.slots < self.late:
            raise ValueError(
                f"{events:,} events are too few for {posts:,} posts: give at least "
                f"{self.setup + awards + self.late:,}"
            )
        self.lives: dict[str, tuple[str, str | None]] = {}
        self.state: dict[str, Post] = {}
        self.live, self.movable, self.vacant, self.held = Pool(), Pool(), Pool(), Pool()
        self.redesignations: dict[str, tuple[str, str]] = {}
        self.candidates = Pool()
        self.count = 0
        self.people = 0

    def _add_generated_awards(self) -> None:
        last = max(self.award_steps)
        spines = [step for step in self.award_steps[last] if step["type"] == "PublishPaySpine"]
        for year in range(last + 1, fiscal_year(iso(END)) + 1):
            award = generated_award(year, spines[-1], self.seed)
            self.award_steps[year] = [award]
            spines = [award]

    def __iter__(self) -> Iterator[Item]:
        if self.count:
            raise RuntimeError("a History is read once: make another for the same commands")
        yield from self._setup()
        yield from self._years()

    def _item(
        self, day: date, command: dict[str, Any], target: tuple[str, str] | None = None
    ) -> Item:
        """An item for `command`, validated as the contract models validate it."""
        command.setdefault("command_id", str(uuid5(IDS, f"{self.seed}:{self.count}")))
        any_command_from_message(command)
        self.count += 1
        return Item(service_of(command), iso(day), command, target)

    def _setup(self) -> Iterator[Item]:
        for step in self.base:
            yield self._item(START, dict(step))
        for number in range(self.units):
            parent = f"u{(number - 1) // FANOUT:05d}" if number else None
            command = {
                "type": "CreateOrgUnit",
                "org_unit_id": f"u{number:05d}",
                "name": f"Unit {number}",
                "parent_id": parent,
                "effective_date": iso(START),
            }
            yield self._item(START, command)
        for number in range(self.units):
            yield self._create(START, f"h{number:05d}", number, head=True)
        for number in range(self.initial):
            yield self._create(START, f"p{number:07d}", self.rng.randrange(self.units))
        for post_id in self.rng.sample(sorted(self.state), self.filled):
            yield self._appoint(START, self.state[post_id], existing=True)

    def _create(self, day: date, post_id: str, unit: int, *, head: bool = False) -> Item:
        depth, above = 0, unit
        while above:
            above, depth = (above - 1) // FANOUT, depth + 1
        if head:
            manager = f"h{(unit - 1) // FANOUT:05d}" if unit else None
            grade = HEAD_GRADES[depth] if depth < len(HEAD_GRADES) else "PO6"
            fte = "1"
        else:
            manager = f"h{unit:05d}"
            grade = self.rng.choice(LADDER)
            fte = "1" if self.rng.random() < 0.8 else "0.5"
        post = Post(post_id, f"u{unit:05d}", manager, grade, fte, head, day, day, day)
        self.state[post_id] = post
        self.lives[post_id] = (iso(day), None)
        self.live.add(post_id)
        self.vacant.add(post_id)
        if not head:
            self.movable.add(post_id)
        command = {
            "type": "CreatePost",
            "post_id": post_id,
            "title": f"{'Head of unit' if head else 'Officer'} {post_id}",
            "grade": grade,
            "fte": fte,
            "org_unit_id": post.unit,
            "reports_to": manager,
            "effective_date": iso(day),
        }
        return self._item(day, command)

    def _years(self) -> Iterator[Item]:
        span = (END - START).days
        awards = sorted(
            (date(year, *AWARD_RECORDED), steps) for year, steps in self.award_steps.items()
        )
        quotas = {
            "create": self.late,
            "retract": int(self.events * RETRACT_SHARE),
            "delete": int((self.posts - self.units) * DELETE_SHARE),
        }
        for slot in range(self.slots):
            day = START + timedelta(days=1 + (slot * (span - 1)) // self.slots)
            while awards and awards[0][0] <= day:
                recorded, steps = awards.pop(0)
                for step in steps:
                    yield self._item(recorded, dict(step))
            yield self._slot(day, self.slots - slot, quotas)
        for recorded, steps in awards:
            for step in steps:
                yield self._item(recorded, dict(step))

    def _slot(self, day: date, left: int, quotas: dict[str, int]) -> Item:
        """One change on `day`, or a redesignation if no post suits the change drawn.

        Creations, retractions and deletions have quotas, spread evenly over the `left` slots;
        otherwise the kind is drawn by `WEIGHTS`.
        """
        for kind, quota in quotas.items():
            if self.rng.random() * left >= quota:
                continue
            made = self._quota(kind, day)
            if made is not None:
                quotas[kind] -= 1
                return made
        drawn = self._change(self.rng.choices(list(WEIGHTS), list(WEIGHTS.values()))[0], day)
        return drawn or self._redesignate(day, self.state[str(self.live.draw(self.rng))])

    def _quota(self, kind: str, day: date) -> Item | None:
        if kind == "create":
            number = len(self.state) - self.units
            return self._create(day, f"p{number:07d}", self.rng.randrange(self.units))
        if kind == "retract":
            return self._retract(day)
        return self._change("delete", day)

    def _change(self, op: str, day: date) -> Item | None:
        """A change of kind `op` to a post drawn from those it may apply to (None: none suits)."""
        pool, make = {
            "redesignate": (self.live, self._redesignate),
            "fte": (self.vacant, self._fte),
            "transfer": (self.movable, self._transfer),
            "reporting": (self.movable, self._reporting),
            "appoint": (self.vacant, self._appoint_later),
            "leave": (self.held, self._leave),
            "delete": (self.vacant, self._delete),
        }[op]
        for _ in range(TRIES):
            post_id = pool.draw(self.rng)
            if post_id is None:
                return None
            made = make(day, self.state[post_id])
            if made is not None:
                return made
        return None

    def _effective(self, day: date, post: Post, *, after: date | None = None) -> date:
        """A day up to two weeks back, never before the post's latest change (or `after`)."""
        effective = max(
            day - timedelta(days=self.rng.randrange(BACKDATE_DAYS + 1)), post.last_effective
        )
        if after is not None:
            effective = max(effective, after + timedelta(days=1))
        post.last_effective = effective
        return effective

    def _redesignate(self, day: date, post: Post) -> Item:
        post.revisions += 1
        command: dict[str, Any] = {
            "type": "RedesignatePost",
            "post_id": post.post_id,
            "title": f"Officer {post.post_id} revision {post.revisions}",
        }
        if not post.head and self.rng.random() < 0.5:
            at = LADDER.index(post.grade) if post.grade in LADDER else 0
            step = min(max(at + self.rng.choice((-1, 1)), 0), len(LADDER) - 1)
            if LADDER[step] != post.grade:
                post.grade = command["grade"] = LADDER[step]
        command["effective_date"] = iso(self._effective(day, post))
        item = self._item(day, command)
        key = str(command["command_id"])
        self.redesignations[key] = (post.post_id, item.month)
        self.candidates.add(key)
        return item

    def _retract(self, day: date) -> Item | None:
        month = iso(day)[:7]
        for _ in range(TRIES):
            key = self.candidates.draw(self.rng)
            if key is None:
                return None
            post_id, recorded = self.redesignations[key]
            if post_id not in self.live.index:
                self.candidates.discard(key)
                continue
            if recorded < month:
                self.candidates.discard(key)
                command = {
                    "type": "RetractEvent",
                    "event_id": UNRESOLVED,
                    "reason": "redesignation entered in error",
                }
                return self._item(day, command, (post_id, key))
        return None

    def _fte(self, day: date, post: Post) -> Item | None:
        if not _settled(day, post):
            return None
        post.fte = self.rng.choice([fte for fte in FTES if fte != post.fte])
        post.fte_month = iso(day)[:7]
        effective = self._effective(day, post, after=post.vacant_since)
        command = {
            "type": "ChangePostFTE",
            "post_id": post.post_id,
            "fte": post.fte,
            "effective_date": iso(effective),
        }
        return self._item(day, command)

    def _transfer(self, day: date, post: Post) -> Item:
        unit = post.unit
        while unit == post.unit:
            unit = f"u{self.rng.randrange(self.units):05d}"
        post.unit = unit
        command = {
            "type": "TransferPost",
            "post_id": post.post_id,
            "org_unit_id": unit,
            "effective_date": iso(self._effective(day, post)),
        }
        return self._item(day, command)

    def _reporting(self, day: date, post: Post) -> Item:
        manager = post.reports_to
        while manager == post.reports_to:
            manager = f"h{self.rng.randrange(self.units):05d}"
        post.reports_to = manager
        command = {
            "type": "ChangeReportingLine",
            "post_id": post.post_id,
            "reports_to": manager,
            "effective_date": iso(self._effective(day, post)),
        }
        return self._item(day, command)

    def _delete(self, day: date, post: Post) -> Item | None:
        if post.head or not _settled(day, post):
            return None
        effective = self._effective(day, post, after=post.vacant_since)
        for pool in (self.live, self.movable, self.vacant):
            pool.discard(post.post_id)
        self.lives[post.post_id] = (self.lives[post.post_id][0], iso(effective))
        command = {
            "type": "DeletePost",
            "post_id": post.post_id,
            "effective_date": iso(effective),
            "reason": "restructure",
        }
        return self._item(day, command)

    def _appoint_later(self, day: date, post: Post) -> Item | None:
        month = iso(day)[:7]
        if month in {post.staff_month, post.fte_month}:
            return None
        return self._appoint(day, post)

    def _appoint(self, day: date, post: Post, *, existing: bool = False) -> Item:
        self.people += 1
        person = f"e{self.people:07d}"
        post.holder = (person, day)
        post.staff_month = iso(day)[:7]
        self.vacant.discard(post.post_id)
        self.held.add(post.post_id)
        command: dict[str, Any] = {
            "type": "AppointPostholder",
            "post_id": post.post_id,
            "person_ref": person,
            "start_date": iso(day),
        }
        if existing:
            command["existing"] = True
        return self._item(day, command)

    def _leave(self, day: date, post: Post) -> Item | None:
        if post.holder is None or post.staff_month == iso(day)[:7]:
            return None
        if (day - post.holder[1]).days < TENURE_DAYS:
            return None
        person = post.holder[0]
        post.holder = None
        post.vacant_since = day
        post.staff_month = iso(day)[:7]
        self.held.discard(post.post_id)
        self.vacant.add(post.post_id)
        command = {
            "type": "RecordLeaver",
            "post_id": post.post_id,
            "person_ref": person,
            "end_date": iso(day),
            "reason": "resignation",
        }
        return self._item(day, command)


def _settled(day: date, post: Post) -> bool:
    """Vacant since an earlier month, and no recruitment command this month."""
    month = iso(day)[:7]
    return post.staff_month != month and iso(post.vacant_since)[:7] < month


def history(posts: int, events: int, seed: int = 1) -> Iterator[Item]:
    """The history of `events` commands over `posts` posts, in recorded order."""
    return iter(History(posts, events, seed))


def new_posts(count: int, prefix: str, seed: int = 1) -> list[dict[str, Any]]:
    """`count` new posts in the root unit from `AFTER_DAY`: an HR feed after the history.

    Their ids are `{prefix}0000000`, `{prefix}0000001`...; the history's own are `h...`, `p...`.
    """
    commands = []
    for number in range(count):
        command = {
            "type": "CreatePost",
            "post_id": f"{prefix}{number:07d}",
            "title": f"New post {prefix}{number}",
            "grade": LADDER[number % len(LADDER)],
            "fte": "1",
            "org_unit_id": "u00000",
            "reports_to": "h00000",
            "effective_date": AFTER_DAY,
            "command_id": str(uuid5(IDS, f"{seed}:{prefix}:{number}")),
        }
        any_command_from_message(command)
        commands.append(command)
    return commands


def main() -> None:
    """Write the history as JSON lines."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--posts", type=int, default=50_000)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=None, help="default: standard output")
    args = parser.parse_args()
    try:
        items = History(args.posts, args.events, args.seed)
    except ValueError as error:
        parser.error(str(error))
    out = args.out.open("wb") if args.out else sys.stdout.buffer
    try:
        for item in items:
            out.write(item.line())
    finally:
        if args.out:
            out.close()


if __name__ == "__main__":
    main()
