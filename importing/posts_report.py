"""A council HR system's posts report (CSV or one sheet of a workbook): one row per post.

Columns holding people's names (`Employee Name`) are never imported; their values are kept only
so that planning refuses any title that contains one and redacts any message that would.

Each row gives a post number, title, grade, FTE (or weekly hours of a full-time week), the org
unit path (`Children and Families / Early Help / North`), the line manager's post number, the
funding split, the postholder's opaque reference and a budgeted cost. Rows that repeat a post
number with the same details are a job share: one post whose FTE is their sum, one holder each.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import TYPE_CHECKING

from contracts.establishment import BASE_BUDGET
from contracts.identifiers import grade_key, normalise_grade
from importing import cells
from importing.cells import CellError, fte_wire
from importing.identities import key_text, post_id, slug
from importing.model import (
    FundingPart,
    Holder,
    Manager,
    PostLine,
    PrivateNames,
    Reading,
    Refusal,
    Source,
)

if TYPE_CHECKING:
    from fractions import Fraction

    from importing.headings import Header
    from importing.mapping import ColumnMapping
    from importing.tables import Table

IDENTIFIER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$")
BASE_NAMES = frozenset({"base", "base-budget", "core", "core-budget", "revenue", "general-fund"})
TOP = frozenset({"", "xx", "0", "n/a", "none", "-"})
"""A line manager cell that means "at the top of the structure"."""


@dataclass(slots=True)
class _Row:
    source: Source
    reference: str
    title: str
    grade: str
    fte: Fraction
    unit_path: tuple[str, ...]
    manager: Manager | None
    funding: tuple[FundingPart, ...]
    cost: Decimal | None
    person_ref: str | None

    def details(self) -> tuple[object, ...]:
        """What rows of one job share must agree on."""
        manager = self.manager.reference.casefold() if self.manager else None
        return (
            key_text(self.title),
            grade_key(self.grade),
            tuple(key_text(part) for part in self.unit_path),
            manager,
            self.funding,
            self.cost,
        )


@dataclass(slots=True)
class _Reader:
    table: Table
    header: Header
    mapping: ColumnMapping
    notes: dict[str, None] = field(default_factory=dict)

    def cell(self, cells_: tuple[str, ...], name: str) -> str:
        return self.header.cell(cells_, name)

    def fte(self, row: tuple[str, ...]) -> Fraction:
        written = self.cell(row, "fte")
        if "fte" in self.header.columns and not cells.is_missing(written):
            return cells.fte(written)
        if cells.is_missing(self.cell(row, "weekly_hours")):
            raise CellError("neither FTE nor weekly hours is given")
        full_time_cell = self.cell(row, "full_time_hours")
        if cells.is_missing(full_time_cell):
            full_time = self.mapping.full_time_hours
            self.notes[
                f"{self.table.file}: weekly hours are read as a share of a "
                f"{fte_wire(full_time)}-hour full-time week (full_time_hours in --mapping)"
            ] = None
        else:
            full_time = cells.fraction(full_time_cell, "full-time hours")
            if full_time <= 0:
                raise CellError("full-time hours must be positive")
        return cells.hours_fte(self.cell(row, "weekly_hours"), full_time)

    def funding(self, row: tuple[str, ...]) -> tuple[FundingPart, ...]:
        written = cells.text(self.cell(row, "funding_source"))
        if cells.is_missing(written):
            return ()
        items = [item.strip() for item in re.split(r"[;|]", written) if item.strip()]
        shares_cell = cells.text(self.cell(row, "funding_share"))
        given = (
            [item.strip() for item in re.split(r"[;|]", shares_cell) if item.strip()]
            if not cells.is_missing(shares_cell)
            else []
        )
        parts: list[tuple[str, Decimal | None]] = []
        for item in items:
            name, colon, share_text = item.rpartition(":")
            if colon and name.strip():
                parts.append((name.strip(), cells.share(share_text)))
            else:
                parts.append((item, None))
        if given and len(given) == len(parts) and all(share is None for _, share in parts):
            parts = [
                (name, cells.share(share)) for (name, _), share in zip(parts, given, strict=True)
            ]
        elif given:
            raise CellError("the funding share column does not match the funding sources")
        return self._shares(parts)

    def _shares(self, parts: list[tuple[str, Decimal | None]]) -> tuple[FundingPart, ...]:
        if len(parts) == 1 and parts[0][1] is None:
            parts = [(parts[0][0], Decimal(1))]
        if any(share is None for _, share in parts):
            raise CellError("each of several funding sources needs its share (e.g. base:0.5)")
        split: dict[str, Decimal] = {}
        for name, share in parts:
            assert share is not None
            source = self._source_id(name)
            if source in split:
                raise CellError(f"funding source {source!r} appears twice")
            split[source] = share
        total = sum(split.values(), Decimal(0))
        if total < 1 and BASE_BUDGET not in split:
            split[BASE_BUDGET] = 1 - total
            total = Decimal(1)
        if total != 1:
            raise CellError(f"funding shares add up to {format(total, 'f')}, not 1")
        if set(split) == {BASE_BUDGET}:
            return ()
        return tuple(FundingPart(source, share) for source, share in split.items())

    def _source_id(self, name: str) -> str:
        source = name if IDENTIFIER.match(name) else slug(name)
        if slug(name) in BASE_NAMES:
            source = BASE_BUDGET
        if source != name:
            self.notes[f"funding source {name!r} is recorded as {source!r}"] = None
        return source

    def row(self, number: int, row: tuple[str, ...]) -> _Row:
        source = Source(self.table.file, number)
        reference = cells.text(self.cell(row, "post_id"))
        if cells.is_missing(reference):
            raise CellError("no post number")
        title = cells.text(self.cell(row, "title"))
        if cells.is_missing(title) or cells.is_undisclosed(title):
            raise CellError(f"post {reference!r} has no job title")
        written_grade = cells.text(self.cell(row, "grade"))
        if cells.is_missing(written_grade):
            raise CellError(f"post {reference!r} has no grade")
        try:
            grade = normalise_grade(written_grade)
        except ValueError as error:
            raise CellError(str(error)) from None
        separator = self.mapping.unit_separator
        path = tuple(
            part
            for part in (
                cells.text(piece) for piece in self.cell(row, "org_unit_path").split(separator)
            )
            if part
        )
        if not path or cells.is_missing(" ".join(path)):
            raise CellError(f"post {reference!r} has no org unit path")
        manager_text = cells.text(self.cell(row, "reports_to"))
        manager = (
            None
            if manager_text.casefold() in TOP
            else Manager(manager_text, post_id(None, manager_text))
        )
        person = cells.text(self.cell(row, "person_ref"))
        if cells.is_missing(person) or person.casefold() == "vacant":
            person_ref = None
        elif IDENTIFIER.match(person):
            person_ref = person
        else:
            raise CellError(
                "the postholder reference is not an opaque reference (letters, digits and "
                "._:-, at most 64 characters): the row is not imported"
            )
        return _Row(
            source=source,
            reference=reference,
            title=title,
            grade=grade,
            fte=self.fte(row),
            unit_path=path,
            manager=manager,
            funding=self.funding(row),
            cost=cells.amount(self.cell(row, "budgeted_annual_cost"), "budgeted annual cost"),
            person_ref=person_ref,
        )


def _line(row: _Row) -> PostLine:
    holders = (Holder(row.person_ref, row.fte, row.source),) if row.person_ref else ()
    return PostLine(
        post_id=post_id(None, row.reference),
        reference=row.reference,
        sources=(row.source,),
        title=row.title,
        grade=row.grade,
        fte=row.fte,
        unit_path=row.unit_path,
        manager=row.manager,
        funding=row.funding,
        budgeted_annual_cost=row.cost,
        holders=holders,
    )


def _shared(line: PostLine, first: _Row, row: _Row) -> PostLine:
    """`line` with `row` joined to it as a job share.

    Raises:
        CellError: the row differs from the post's first row, or the share would exceed 1 FTE.
    """
    if row.details() != first.details():
        raise CellError(
            f"post {row.reference!r} is already on {first.source} with a different title, "
            "grade, org unit, line manager, funding or cost"
        )
    total = line.fte + row.fte
    if total > 1:
        raise CellError(
            f"post {row.reference!r}: with this row its job share would be {fte_wire(total)} "
            "FTE, above 1"
        )
    if row.person_ref and any(holder.person_ref == row.person_ref for holder in line.holders):
        raise CellError(f"post {row.reference!r}: the same postholder reference is on two rows")
    holders = line.holders + (
        (Holder(row.person_ref, row.fte, row.source),) if row.person_ref else ()
    )
    return replace(line, fte=total, sources=(*line.sources, row.source), holders=holders)


def read_posts_report(table: Table, header: Header, mapping: ColumnMapping) -> Reading:
    """Posts, refused rows and notes from one posts report."""
    reader = _Reader(table, header, mapping)
    lines: dict[str, PostLine] = {}
    firsts: dict[str, _Row] = {}
    refused: list[Refusal] = []
    refused_ids: dict[str, Source] = {}
    names: set[str] = set()
    for number, row in table.rows[header.index + 1 :]:
        if all(cells.is_missing(cell) for cell in row):
            continue
        names.update(
            cells.text(row[position])
            for position in header.names
            if position < len(row) and not cells.is_missing(row[position])
        )
        source = Source(table.file, number)
        try:
            parsed = reader.row(number, row)
            key = post_id(None, parsed.reference)
            if key in lines:
                lines[key] = _shared(lines[key], firsts[key], parsed)
            else:
                lines[key], firsts[key] = _line(parsed), parsed
        except CellError as error:
            refused.append(Refusal(source, str(error)))
            reference = cells.text(header.cell(row, "post_id"))
            if reference and not cells.is_missing(reference):
                refused_ids.setdefault(post_id(None, reference), source)
    return Reading(
        posts=tuple(lines.values()),
        refused=tuple(refused),
        refused_posts={key: where for key, where in refused_ids.items() if key not in lines},
        notes=(*table.notes, *reader.notes),
        private=PrivateNames(names),
    )
