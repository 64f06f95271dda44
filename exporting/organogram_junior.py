"""The junior staff rows of an exported organogram: counts of like posts under a senior post.

The importer makes `Number of Posts in FTE` N into floor(N) posts of 1 FTE and one of the
remainder, numbering the posts of like rows (same unit, line, grade and title) on from one row
to the next. So like posts are counted in the order of their numbers, and a row ends after a
part-time post: 1, 1, 0.25 and then 1, 0.5 are the rows 2.25 and 1.5, which the importer splits
into exactly those posts, with exactly those numbers. A row also ends where the next post spells
its title, grade, unit or line differently (alike is compared ignoring case and spacing).
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from contracts.identifiers import grade_key
from exporting.organogram_posts import junior_row, occurrence, plain
from importing.headings import JUNIOR_HEADINGS

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from exporting.organogram_posts import OrganogramPost

Counted = tuple[str, "OrganogramPost"]
"""A junior post and the reference of the senior post it reports to."""


def _spelling(item: Counted) -> tuple[str, ...]:
    manager, post = item
    return (post.organisation, post.unit, manager, post.grade, post.title)


def _row(run: list[Counted], band: tuple[str, str]) -> list[str]:
    manager, post = run[0]
    cells = {
        "Organisation": post.organisation,
        "Unit": post.unit,
        "Reporting Senior Post": manager,
        "Grade": post.grade,
        "Payscale Minimum (£)": band[0],
        "Payscale Maximum (£)": band[1],
        "Generic Job Title": post.title,
        "Number of Posts in FTE": plain(sum((item.fte for _, item in run), Decimal(0))),
    }
    return [cells.get(heading, "") for heading in JUNIOR_HEADINGS]


def runs(alike: list[Counted]) -> list[list[Counted]]:
    """Like posts in number order, cut after each part-time one and where the spelling changes."""
    found: list[list[Counted]] = []
    for item in sorted(alike, key=lambda each: occurrence(each[1].post_id) or 0):
        last = found[-1][-1] if found else None
        if last is None or last[1].fte < 1 or _spelling(last) != _spelling(item):
            found.append([])
        found[-1].append(item)
    return found


def junior_rows(
    posts: Iterable[OrganogramPost],
    references: Mapping[str, str],
    bands: Mapping[str, tuple[str, str]],
) -> list[list[str]]:
    """The rows counting the junior posts, in the columns of `JUNIOR_HEADINGS`.

    Every post given reports to a senior post: `references` gives its reference by id.
    """
    alike: dict[str, list[Counted]] = {}
    for post in posts:
        assert post.reports_to is not None  # junior posts are chosen among posts with a line
        manager = references.get(post.reports_to, post.reports_to)
        alike.setdefault(junior_row(post, manager).content(), []).append((manager, post))
    return [
        _row(run, bands.get(grade_key(run[0][1].grade), ("", "")))
        for group in alike.values()
        for run in runs(group)
    ]
