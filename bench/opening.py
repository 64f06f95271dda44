"""The council a generated history opens with on 1 April 2017, and how big the history is.

Sized from the posts and events asked for: an org tree of one unit per `POSTS_PER_UNIT` posts,
`FANOUT` sub-units under each; a head post per unit, reporting to the parent unit's head and
never deleted, so every reporting line stays sound; `INITIAL_SHARE` of the other posts
established on the first day (the rest are created over the years, bench/post_changes.py) and
`FILLED_SHARE` of the posts then standing filled by existing staff. The grade catalogue's
2017/18 steps are recorded first; its later years' pay awards are kept for the years, with a
generated award for each year the bundled scenario has not reached.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from council import END, START, Post, catalogue_years, fiscal_year, generated_award, iso
from roster import Roster

if TYPE_CHECKING:
    from collections.abc import Iterator
    from datetime import date

    from council import Item

LADDER = (
    "A1", "A2", "A3", "A4", "B1", "B2", "B3", "C1", "C2", "C3",
    "SO1", "SO2", "PO1", "PO2", "PO3", "PO4", "PO5", "PO6",
)  # fmt: skip
HEAD_GRADES = ("Dir 100%", "Dir 70%", "Dir 52.5%")
"""Heads of the root unit, of its sub-units and of theirs; deeper heads are PO6."""
FANOUT = 6
POSTS_PER_UNIT = 25
INITIAL_SHARE = 0.6
FILLED_SHARE = 0.6


class Opening(Roster):
    """A history's size and catalogue, and the commands that set the council up on `START`."""

    def __init__(self, posts: int, events: int, seed: int = 1) -> None:
        super().__init__(seed)
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

    def _add_generated_awards(self) -> None:
        last = max(self.award_steps)
        spines = [step for step in self.award_steps[last] if step["type"] == "PublishPaySpine"]
        for year in range(last + 1, fiscal_year(iso(END)) + 1):
            award = generated_award(year, spines[-1], self.seed)
            self.award_steps[year] = [award]
            spines = [award]

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
