"""The years of a generated history after its first day: the changes to posts, slot by slot.

The history's remaining commands are spread evenly over the recorded days to `END` as slots.
Each year's pay award is recorded on 1 September as its day comes. Each slot is one change:
the creations of the posts not established on the first day, ~1% retractions of redesignations
recorded in an earlier month and the deletions of vacant posts each have a quota spread evenly
over the slots; otherwise the kind is drawn by `WEIGHTS` (redesignations, each with a new title
and half re-grading one step; FTE changes; transfers; reporting-line moves; appointments and
leavers, bench/roster.py). A post's change is effective up to `BACKDATE_DAYS` back, never before
its latest change; only a post vacant since an earlier month, with no recruitment command this
month, changes FTE or is deleted.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from council import AWARD_RECORDED, END, START, UNRESOLVED, Pool, iso
from opening import LADDER, Opening

if TYPE_CHECKING:
    from collections.abc import Iterator

    from council import Item, Post

FTES = ("1", "0.8", "0.6", "0.5")
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


class PostChanges(Opening):
    """The council set up on `START`, then changed slot by slot until `END`."""

    def __init__(self, posts: int, events: int, seed: int = 1) -> None:
        super().__init__(posts, events, seed)
        self.redesignations: dict[str, tuple[str, str]] = {}
        self.candidates = Pool()

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


def _settled(day: date, post: Post) -> bool:
    """Vacant since an earlier month, and no recruitment command this month."""
    month = iso(day)[:7]
    return post.staff_month != month and iso(post.vacant_since)[:7] < month
