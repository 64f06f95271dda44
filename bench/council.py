"""What a generated history is made of: items, posts, pools, and the catalogue by year (pure).

Items are the commands with their service and recorded day; a post is what the generator knows of
it; a pool is what posts are drawn from.

The catalogue is the `catalogue_njc_leeds_style` scenario, read with the scenario loader (never
copied): what it makes effective in 2017/18 starts the history, and each later year's steps are
that year's pay award; a year it has not reached gets a generated 3% award on the last spine.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from uuid import NAMESPACE_URL, uuid5

import orjson

from scenarios.loader import bundled_scenario, load_scenario

if TYPE_CHECKING:
    import random

START = date(2017, 4, 1)
END = date(2026, 9, 30)
"""The recorded days the history spans: 2017/18 to the middle of 2026/27."""
AFTER_DAY = "2026-10-01"
"""When the posts of the HR feeds after the history take effect."""
CATALOGUE = "catalogue_njc_leeds_style"
AWARD_RECORDED = (9, 1)
"""Each year's pay award is agreed and recorded on 1 September, back-dated to 1 April."""
GENERATED_AWARD = Decimal("1.03")
IDS = uuid5(NAMESPACE_URL, "urn:estab:bench-history")
UNRESOLVED = "unresolved"
"""A retraction's event id until the feed looks up the event its target command recorded."""


@dataclass(frozen=True, slots=True)
class Item:
    """One command of the history: the service recording it and the day it is recorded on.

    A RetractEvent's `target` is (post id, command id) of the redesignation it cancels; its
    `event_id` is `UNRESOLVED` until the feed finds the event that command recorded.
    """

    service: str
    day: str
    command: dict[str, Any]
    target: tuple[str, str] | None = None

    @property
    def month(self) -> str:
        """The recorded month (`2019-06`): the feed's unit of ordering between services."""
        return self.day[:7]

    def line(self) -> bytes:
        """The item as one JSON line."""
        body: dict[str, Any] = {"service": self.service, "day": self.day, "command": self.command}
        if self.target is not None:
            body["target"] = list(self.target)
        return orjson.dumps(body, option=orjson.OPT_NON_STR_KEYS) + b"\n"


@dataclass(slots=True)
class Post:
    """What the generator knows of one post, enough to make only acceptable changes to it."""

    post_id: str
    unit: str
    reports_to: str | None
    grade: str
    fte: str
    head: bool
    created: date
    last_effective: date
    vacant_since: date
    holder: tuple[str, date] | None = None
    fte_month: str = ""
    staff_month: str = ""
    revisions: int = 0


class Pool:
    """Keys drawn at random and removed in constant time."""

    def __init__(self) -> None:
        self.keys: list[str] = []
        self.index: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self.keys)

    def add(self, key: str) -> None:
        """Put `key` in the pool (once)."""
        if key not in self.index:
            self.index[key] = len(self.keys)
            self.keys.append(key)

    def discard(self, key: str) -> None:
        """Take `key` out, if it is in."""
        at = self.index.pop(key, None)
        if at is None:
            return
        last = self.keys.pop()
        if at < len(self.keys):
            self.keys[at] = last
            self.index[last] = at

    def draw(self, rng: random.Random) -> str | None:
        """A key at random (None if empty)."""
        return self.keys[rng.randrange(len(self.keys))] if self.keys else None


def iso(day: date) -> str:
    """A day as `YYYY-MM-DD`."""
    return day.isoformat()


def fiscal_year(day: str) -> int:
    """The financial year (its April's year) a `YYYY-MM-DD` day falls in."""
    year, month = int(day[:4]), int(day[5:7])
    return year if month >= 4 else year - 1


def catalogue_years() -> tuple[list[dict[str, Any]], dict[int, list[dict[str, Any]]]]:
    """The bundled catalogue: its 2017/18 steps, and each later year's steps (its pay award)."""
    first = fiscal_year(iso(START))
    base: list[dict[str, Any]] = []
    awards: dict[int, list[dict[str, Any]]] = {}
    for step in load_scenario(bundled_scenario(CATALOGUE)).steps:
        year = fiscal_year(str(step.command["effective_date"]))
        (base if year <= first else awards.setdefault(year, [])).append(step.command)
    return base, awards


def generated_award(year: int, previous: dict[str, Any], seed: int) -> dict[str, Any]:
    """A 3% award on `previous` spine, for a year the bundled catalogue has not reached."""
    points = {
        str(point): str((Decimal(str(value)) * GENERATED_AWARD).quantize(Decimal("0.01")))
        for point, value in previous["points"].items()
    }
    return {
        "type": "PublishPaySpine",
        "scheme": previous["scheme"],
        "effective_date": f"{year}-04-01",
        "points": points,
        "source": f"bench: 3% on the {fiscal_year(previous['effective_date'])} spine [E]",
        "estimate": True,
        "command_id": str(uuid5(IDS, f"{seed}:award:{year}")),
    }
