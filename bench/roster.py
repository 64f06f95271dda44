"""The generator's roster of the council, and the recruitment commands that change who holds a post.

The roster is what a generated history remembers as it goes: each post as the generator knows it,
the pools posts are drawn from (live, movable, vacant, held), each post's created and deleted days,
and how many commands and people there have been, so that ids are the same for the same seed.
Every command is made into an item here, validated as the contract models validate it.

Appointments and leavers keep to the feed's rules (bench/feed.py): at most one recruitment
command a post in a month, none in a month the post's FTE changed, and a leaver only after
`TENURE_DAYS` in post.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Any
from uuid import uuid5

from council import IDS, Item, Pool, Post, iso

from contracts.registry import any_command_from_message
from scenarios.loader import service_of

if TYPE_CHECKING:
    from datetime import date

TENURE_DAYS = 90


class Roster:
    """The posts, pools and people of a history so far, and the items made of its commands."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.seed = seed
        self.lives: dict[str, tuple[str, str | None]] = {}
        self.state: dict[str, Post] = {}
        self.live, self.movable, self.vacant, self.held = Pool(), Pool(), Pool(), Pool()
        self.count = 0
        self.people = 0

    def _item(
        self, day: date, command: dict[str, Any], target: tuple[str, str] | None = None
    ) -> Item:
        """An item for `command`, validated as the contract models validate it."""
        command.setdefault("command_id", str(uuid5(IDS, f"{self.seed}:{self.count}")))
        any_command_from_message(command)
        self.count += 1
        return Item(service_of(command), iso(day), command, target)

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
