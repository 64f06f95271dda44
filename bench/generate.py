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

Made in three parts: the council on the first day and the history's size (bench/opening.py),
the changes to posts over the years (bench/post_changes.py), and the roster of posts and people
with the appointments and leavers (bench/roster.py).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any
from uuid import uuid5

from council import AFTER_DAY, END, IDS, START, Item
from opening import LADDER
from post_changes import PostChanges

from contracts.registry import any_command_from_message

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = ["END", "START", "History", "Item", "history", "new_posts"]


class History(PostChanges):
    """The history, read once as an iterator of items.

    `lives` (each post's created and deleted days) fills in as it is read.
    """

    def __iter__(self) -> Iterator[Item]:
        if self.count:
            raise RuntimeError("a History is read once: make another for the same commands")
        yield from self._setup()
        yield from self._years()


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
