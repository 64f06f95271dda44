"""The senior staff file of a UK government organogram: one post per `Post Unique Reference`.

`Name` says what the row is: `Vacant` a vacant post, `Eliminated` a post that no longer exists
(refused, so not created), anything else (`N/D` included) a filled post, whose holder gets an
opaque reference derived from the post reference; the name itself is only ever kept to keep it
out. Reference `0` is someone not in a post (refused). Rows repeating a reference with the same
post details are a job share: one post, FTE the rows' sum (at most 1), one holder per row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import TYPE_CHECKING

from contracts.identifiers import grade_key, normalise_grade
from importing import cells
from importing.cells import CellError, fte_wire
from importing.identities import bounded, key_text, organisation_prefix, post_id
from importing.model import Holder, Manager, PostLine, Refusal, Source

if TYPE_CHECKING:
    from decimal import Decimal
    from fractions import Fraction

    from importing.headings import Header
    from importing.tables import Table

TOP = frozenset({"", "xx", "0"})
"""`Reports to Senior Post` values meaning "the most senior post"."""

NOT_IN_POST = "0"
_VACANT = re.compile(r"^vacant\b", re.IGNORECASE)
_ELIMINATED = re.compile(r"^eliminated\b", re.IGNORECASE)


class Status(StrEnum):
    """What a senior row's `Name` says about the post."""

    VACANT = "vacant"
    ELIMINATED = "eliminated"
    FILLED = "filled"


def name_status(name: str) -> Status:
    """`Vacant`, `Eliminated`, or filled (by someone named, or not disclosed: `N/D`)."""
    written = cells.text(name)
    if _VACANT.match(written):
        return Status.VACANT
    if _ELIMINATED.match(written):
        return Status.ELIMINATED
    return Status.FILLED


def personal_name(name: str) -> str | None:
    """The cell if it names a person (not `Vacant`, `Eliminated`, `N/D` or blank)."""
    written = cells.text(name)
    if name_status(written) is not Status.FILLED or cells.is_missing(written):
        return None
    return None if cells.is_undisclosed(written) else written


@dataclass(frozen=True, slots=True)
class SeniorRow:
    """A senior row that stands for a post (or one holder's part of a job share)."""

    source: Source
    reference: str
    organisation: str
    unit_path: tuple[str, ...]
    grade: str
    title: str
    fte: Fraction
    reports_to: str | None
    filled: bool
    floor: Decimal | None
    ceiling: Decimal | None

    @property
    def post_id(self) -> str:
        """The post's id: the organisation's prefix and the post reference."""
        return post_id(organisation_prefix(self.organisation), self.reference)

    def details(self) -> tuple[object, ...]:
        """What the rows of one job share must agree on."""
        return (
            grade_key(self.grade),
            key_text(self.title),
            tuple(key_text(part) for part in self.unit_path),
            (self.reports_to or "").casefold(),
        )


@dataclass
class SeniorFile:
    """What one senior staff file says."""

    rows: list[SeniorRow] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)
    refused_refs: list[tuple[str, str, Source]] = field(default_factory=list)
    """(organisation, reference, row) of refused rows that name a post."""
    names: set[str] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)


def unit_path(organisation: str, unit: str) -> tuple[str, ...]:
    """`Organisation / Unit` (the organisation alone where the unit is blank or repeats it)."""
    written = cells.text(unit)
    if cells.is_missing(written) or cells.is_undisclosed(written):
        return (organisation,)
    if key_text(written) == key_text(organisation):
        return (organisation,)
    return (organisation, written)


def grade_of(written: str) -> str:
    """A grade code as written (`Grade 7 - Administration`, `SCS1A`), spelt one way.

    Raises:
        CellError: blank, not disclosed, or not a grade code.
    """
    text = cells.text(written)
    if cells.is_missing(text) or cells.is_undisclosed(text):
        raise CellError("no grade is given")
    try:
        return normalise_grade(text)
    except ValueError as error:
        raise CellError(str(error)) from None


def pay(
    header: Header, row: tuple[str, ...], source: Source, heading: str, notes: list[str]
) -> Decimal | None:
    """A pay figure, or None where the cell gives none (a bad figure is noted and not used)."""
    try:
        return cells.amount(header.cell(row, heading), heading)
    except CellError as error:
        notes.append(f"{source}: {error}: not used for the grade's pay band")
        return None


def _row(header: Header, row: tuple[str, ...], source: Source, notes: list[str]) -> SeniorRow:
    cell = header.cell
    reference = cells.text(cell(row, "Post Unique Reference"))
    if cells.is_missing(reference) or cells.is_undisclosed(reference):
        raise CellError("no Post Unique Reference")
    if reference == NOT_IN_POST:
        raise CellError("Post Unique Reference 0: an individual not in a post is not imported")
    if name_status(cell(row, "Name")) is Status.ELIMINATED:
        raise CellError(
            f"post {reference!r} is Eliminated: it no longer exists, so it is not created"
        )
    organisation = cells.text(cell(row, "Organisation"))
    if cells.is_missing(organisation) or cells.is_undisclosed(organisation):
        raise CellError(f"post {reference!r} has no Organisation")
    title = cells.text(cell(row, "Job Title"))
    if cells.is_missing(title) or cells.is_undisclosed(title):
        raise CellError(f"post {reference!r} has no Job Title")
    reports_to = cells.text(cell(row, "Reports to Senior Post"))
    return SeniorRow(
        source=source,
        reference=reference,
        organisation=organisation,
        unit_path=unit_path(organisation, cell(row, "Unit")),
        grade=grade_of(cell(row, "Grade (or equivalent)")),
        title=title,
        fte=cells.fte(cell(row, "FTE")),
        reports_to=None if reports_to.casefold() in TOP else reports_to,
        filled=name_status(cell(row, "Name")) is Status.FILLED,
        floor=pay(header, row, source, "Actual Pay Floor (£)", notes),
        ceiling=pay(header, row, source, "Actual Pay Ceiling (£)", notes),
    )


def read_senior(table: Table, header: Header) -> SeniorFile:
    """Every row of a senior staff file, as post rows or refusals (blank rows skipped)."""
    found = SeniorFile(notes=list(table.notes))
    for number, row in table.rows[header.index + 1 :]:
        if all(cells.is_missing(cell) for cell in row):
            continue
        source = Source(table.file, number)
        name = personal_name(header.cell(row, "Name"))
        if name:
            found.names.add(name)
        try:
            found.rows.append(_row(header, row, source, found.notes))
        except CellError as error:
            found.refused.append(Refusal(source, str(error)))
            reference = cells.text(header.cell(row, "Post Unique Reference"))
            organisation = cells.text(header.cell(row, "Organisation"))
            if reference not in {"", NOT_IN_POST} and not cells.is_missing(organisation):
                found.refused_refs.append((organisation, reference, source))
    return found


def holder_ref(post: str, index: int) -> str:
    """The opaque reference of a post's `index`-th holder (1 for a post with one holder).

    The post id's dots become colons: a person reference may not hold `.` (contracts.people).
    """
    return bounded(f"{post.replace('.', ':')}:h{index}", f"{post}\nholder {index}")


def _post(row: SeniorRow) -> PostLine:
    holders = (Holder(holder_ref(row.post_id, 1), row.fte, row.source),) if row.filled else ()
    return PostLine(
        post_id=row.post_id,
        reference=row.reference,
        sources=(row.source,),
        title=row.title,
        grade=row.grade,
        fte=row.fte,
        unit_path=row.unit_path,
        manager=None if row.reports_to is None else Manager(row.reports_to, None),
        holders=holders,
        banded=True,
    )


def _join(line: PostLine, first: SeniorRow, row: SeniorRow) -> PostLine:
    if row.details() != first.details():
        raise CellError(
            f"post {row.reference!r} is already on {first.source} with a different grade, job "
            "title, unit or line: not a job share"
        )
    total = line.fte + row.fte
    if total > 1:
        raise CellError(
            f"job share of post {row.reference!r}: with this row its FTE would be "
            f"{fte_wire(total)}, above 1"
        )
    holders = line.holders
    if row.filled:
        holders = (
            *holders,
            Holder(holder_ref(line.post_id, len(holders) + 1), row.fte, row.source),
        )
    return replace(line, fte=total, sources=(*line.sources, row.source), holders=holders)


def senior_posts(rows: list[SeniorRow]) -> tuple[list[PostLine], list[Refusal]]:
    """One post per reference (job shares joined), and the rows that cannot be joined."""
    lines: dict[str, PostLine] = {}
    firsts: dict[str, SeniorRow] = {}
    refused: list[Refusal] = []
    for row in rows:
        key = row.post_id
        if key not in lines:
            lines[key], firsts[key] = _post(row), row
            continue
        try:
            lines[key] = _join(lines[key], firsts[key], row)
        except CellError as error:
            refused.append(Refusal(row.source, str(error)))
    return list(lines.values()), refused
