"""The junior staff file of a UK government organogram: counts of posts by grade and title.

`Number of Posts in FTE` N becomes floor(N) posts of 1.0 FTE and one post of the remainder, so
the posts' FTE adds up to N exactly; each reports to the row's `Reporting Senior Post`, is
titled by its `Generic Job Title`, and is vacant (junior files name nobody). A post's id comes
from the row's content and how many posts identical rows before it have made, never from the
row number, so the same file always yields the same ids.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING

from contracts.identifiers import grade_key
from importing import cells
from importing.cells import CellError
from importing.identities import bounded, digest, key_text, organisation_prefix, slug
from importing.model import Manager, PostLine, Refusal, Source
from importing.organogram_senior import grade_of, pay, unit_path

if TYPE_CHECKING:
    from collections.abc import Iterator
    from decimal import Decimal

    from importing.headings import Header
    from importing.tables import Table

TITLE_IN_ID = 24
"""How much of the job title a junior post's id shows."""


@dataclass(frozen=True, slots=True)
class JuniorRow:
    """A junior row: some FTE of one kind of post under one senior post."""

    source: Source
    organisation: str
    unit_path: tuple[str, ...]
    reporting_to: str
    grade: str
    title: str
    posts_fte: Fraction
    floor: Decimal | None
    ceiling: Decimal | None

    def content(self) -> str:
        """What identifies the kind of post (not the row number, not the count)."""
        return "\n".join(
            (
                *(key_text(part) for part in self.unit_path),
                self.reporting_to.casefold(),
                grade_key(self.grade),
                key_text(self.title),
            )
        )


@dataclass
class JuniorFile:
    """What one junior staff file says."""

    rows: list[JuniorRow] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def split_fte(total: Fraction) -> list[Fraction]:
    """floor(N) posts of 1 FTE and one of the remainder: 3.5 -> 1, 1, 1, 0.5."""
    whole = math.floor(total)
    rest = total - whole
    return [Fraction(1)] * whole + ([rest] if rest else [])


def _row(header: Header, row: tuple[str, ...], source: Source, notes: list[str]) -> JuniorRow:
    cell = header.cell
    organisation = cells.text(cell(row, "Organisation"))
    if cells.is_missing(organisation) or cells.is_undisclosed(organisation):
        raise CellError("no Organisation")
    reporting = cells.text(cell(row, "Reporting Senior Post"))
    if cells.is_missing(reporting) or cells.is_undisclosed(reporting):
        raise CellError("no Reporting Senior Post")
    title = cells.text(cell(row, "Generic Job Title"))
    if cells.is_missing(title) or cells.is_undisclosed(title):
        raise CellError("no Generic Job Title")
    count = cell(row, "Number of Posts in FTE")
    if cells.is_undisclosed(count):
        raise CellError("Number of Posts in FTE is not disclosed (N/D): no posts can be created")
    if cells.is_missing(count):
        raise CellError("Number of Posts in FTE is not given")
    posts_fte = cells.fraction(count, "Number of Posts in FTE")
    if posts_fte <= 0:
        raise CellError(f"Number of Posts in FTE is {cells.text(count)}: no posts to create")
    return JuniorRow(
        source=source,
        organisation=organisation,
        unit_path=unit_path(organisation, cell(row, "Unit")),
        reporting_to=reporting,
        grade=grade_of(cell(row, "Grade")),
        title=title,
        posts_fte=posts_fte,
        floor=pay(header, row, source, "Payscale Minimum (£)", notes),
        ceiling=pay(header, row, source, "Payscale Maximum (£)", notes),
    )


def read_junior(table: Table, header: Header) -> JuniorFile:
    """Every row of a junior staff file, as rows of posts or refusals (blank rows skipped)."""
    found = JuniorFile(notes=list(table.notes))
    for number, row in table.rows[header.index + 1 :]:
        if all(cells.is_missing(cell) for cell in row):
            continue
        source = Source(table.file, number)
        try:
            found.rows.append(_row(header, row, source, found.notes))
        except CellError as error:
            found.refused.append(Refusal(source, str(error)))
    return found


def junior_post_id(row: JuniorRow, occurrence: int) -> str:
    """The id of the `occurrence`-th post (from 1) of rows with `row`'s content."""
    content = row.content()
    title = slug(row.title)[:TITLE_IN_ID].rstrip("-")
    prefix = organisation_prefix(row.organisation)
    return bounded(
        f"{prefix}.{title}-{digest(content, 6)}-{occurrence}", f"{content}\n{occurrence}"
    )


def junior_posts(rows: list[JuniorRow]) -> Iterator[tuple[JuniorRow, PostLine]]:
    """Each row's posts, their managers unresolved until the senior posts are known."""
    made: dict[str, int] = {}
    for row in rows:
        content = row.content()
        for fte in split_fte(row.posts_fte):
            made[content] = made.get(content, 0) + 1
            post = junior_post_id(row, made[content])
            yield (
                row,
                PostLine(
                    post_id=post,
                    reference=post,
                    sources=(row.source,),
                    title=row.title,
                    grade=row.grade,
                    fte=fte,
                    unit_path=row.unit_path,
                    manager=Manager(row.reporting_to, None),
                    banded=True,
                ),
            )
