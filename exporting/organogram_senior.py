"""The senior staff rows of an exported organogram: one row per holder, one for the vacant rest.

The importer makes a post from the rows of its reference (their FTE summed, a job share) and one
holder per filled row, `holder_ref(post, n)` for the n-th, with that row's FTE. So a post's rows
are its holders' in that order (`N/D`: the system keeps no names, and data.gov.uk marks a name
not disclosed so), then a `Vacant` row with the FTE nobody holds, if any. Pay floor and ceiling
are the grade's band on the date, on every row, so the importer reads back the same band.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from contracts.identifiers import grade_key
from exporting.organogram_posts import NOT_DISCLOSED, TOP, VACANT, plain
from importing.headings import SENIOR_HEADINGS
from importing.organogram_senior import holder_ref

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from exporting.organogram_posts import OrganogramPost


def held_ftes(post_id: str, contracts: Iterable[dict[str, Any]]) -> list[Decimal]:
    """The FTE of each holder of a post: the import's holders by number, then anyone else's."""
    found = {str(item["person_ref"]): Decimal(item["fte"]) for item in contracts}
    ordered = []
    number = 1
    while holder_ref(post_id, number) in found:
        ordered.append(found.pop(holder_ref(post_id, number)))
        number += 1
    return ordered + [found[ref] for ref in sorted(found)]


def _row(
    post: OrganogramPost, name: str, fte: Decimal, reports_to: str, band: tuple[str, str]
) -> list[str]:
    cells = {
        "Post Unique Reference": post.reference,
        "Name": name,
        "Grade (or equivalent)": post.grade,
        "Job Title": post.title,
        "Organisation": post.organisation,
        "Unit": post.unit,
        "Reports to Senior Post": reports_to,
        "FTE": plain(fte),
        "Actual Pay Floor (£)": band[0],
        "Actual Pay Ceiling (£)": band[1],
    }
    return [cells.get(heading, "") for heading in SENIOR_HEADINGS]


def senior_rows(
    posts: Iterable[OrganogramPost],
    references: Mapping[str, str],
    bands: Mapping[str, tuple[str, str]],
    contracts: Iterable[dict[str, Any]],
) -> list[list[str]]:
    """The rows of the senior posts, in the columns of `SENIOR_HEADINGS`.

    `references` gives every post's reference by id (for `Reports to Senior Post`), `bands` each
    grade's (floor, ceiling) by grade key, `contracts` the postholders on the date.
    """
    by_post: dict[str, list[dict[str, Any]]] = {}
    for contract in contracts:
        by_post.setdefault(str(contract["post_id"]), []).append(contract)
    rows: list[list[str]] = []
    for post in posts:
        boss = post.reports_to
        reports_to = TOP if boss is None else references.get(boss, boss)
        band = bands.get(grade_key(post.grade), ("", ""))
        held = held_ftes(post.post_id, by_post.get(post.post_id, []))
        rows.extend(_row(post, NOT_DISCLOSED, fte, reports_to, band) for fte in held)
        rest = post.fte - sum(held, Decimal(0))
        if rest > 0 or not held:
            rows.append(_row(post, VACANT, rest if held else post.fte, reports_to, band))
    return rows
