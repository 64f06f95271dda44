"""Which row of a table is its header, what kind of file it heads, and where each column is.

Headings are compared loosely: case, spaces and punctuation are ignored (`Post Number`,
`post_number` and `POST NO.` differ only in the last word). Organogram headings are those of
the `datagovuk/schemas` organogram CSV schemas; a posts report's are the usual HR-system names
of each field, or the headings a `--mapping` file names. Columns with no heading (a leading
index column) and headings nobody asked for are ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping

    from importing.tables import Table

HEADER_SEARCH = 20
"""How many rows from the top may come before the header (titles, export banners)."""


class Layout(StrEnum):
    """What a table holds."""

    POSTS_REPORT = "posts report"
    SENIOR = "organogram senior staff"
    JUNIOR = "organogram junior staff"


SENIOR_HEADINGS = (
    "Post Unique Reference",
    "Name",
    "Grade (or equivalent)",
    "Job Title",
    "Job/Team Function",
    "Parent Department",
    "Organisation",
    "Unit",
    "Contact Phone",
    "Contact E-mail",
    "Reports to Senior Post",
    "Salary Cost of Reports (£)",
    "FTE",
    "Actual Pay Floor (£)",
    "Actual Pay Ceiling (£)",
    "Professional/Occupational Group",
    "Notes",
    "Valid?",
)
"""The senior staff file's columns (organogram-senior-staff-csv-schema.json)."""

JUNIOR_HEADINGS = (
    "Parent Department",
    "Organisation",
    "Unit",
    "Reporting Senior Post",
    "Grade",
    "Payscale Minimum (£)",
    "Payscale Maximum (£)",
    "Generic Job Title",
    "Number of Posts in FTE",
    "Professional/Occupational Group",
)
"""The junior staff file's columns (organogram-junior-staff-csv-schema.json)."""

SENIOR_NEEDED = (
    "Post Unique Reference",
    "Name",
    "Grade (or equivalent)",
    "Job Title",
    "Organisation",
    "Reports to Senior Post",
    "FTE",
    "Actual Pay Floor (£)",
    "Actual Pay Ceiling (£)",
)
JUNIOR_NEEDED = (
    "Organisation",
    "Reporting Senior Post",
    "Grade",
    "Payscale Minimum (£)",
    "Payscale Maximum (£)",
    "Generic Job Title",
    "Number of Posts in FTE",
)

POSTS_REPORT_FIELDS: dict[str, tuple[str, ...]] = {
    "post_id": (
        "Post Number",
        "Post ID",
        "Post No",
        "Post Ref",
        "Post Reference",
        "Position Number",
        "Position ID",
        "Position No",
    ),
    "title": ("Job Title", "Title", "Post Title", "Position Title", "Role Title"),
    "grade": ("Grade", "Pay Grade", "Post Grade"),
    "fte": ("FTE", "Post FTE", "Budgeted FTE", "Full Time Equivalent"),
    "weekly_hours": ("Weekly Hours", "Hours per Week", "Contracted Hours", "Hours"),
    "full_time_hours": (
        "Full Time Hours",
        "Full Time Weekly Hours",
        "Standard Hours",
        "Standard Weekly Hours",
        "FT Hours",
    ),
    "org_unit_path": (
        "Org Unit Path",
        "Structure",
        "Org Unit",
        "Organisation Unit",
        "Organisational Unit",
        "Hierarchy",
        "Unit Path",
    ),
    "reports_to": (
        "Line Manager Post Number",
        "Reports To",
        "Line Manager Post",
        "Manager Post Number",
        "Reports To Post",
        "Reports To Post Number",
    ),
    "funding_source": ("Funding Source", "Funding Sources", "Funding"),
    "funding_share": ("Funding Share", "Funding Split", "Funding Shares"),
    "person_ref": (
        "Postholder Reference",
        "Postholder Ref",
        "Employee Reference",
        "Employee Ref",
        "Employee Number",
        "Employee ID",
        "Person Reference",
        "Staff Number",
    ),
    "budgeted_annual_cost": ("Budgeted Annual Cost", "Budgeted Cost", "Annual Budget", "Budget"),
}
"""Each field of a posts report and the headings HR systems give it."""

POSTS_REPORT_NEEDED = ("post_id", "title", "grade", "org_unit_path")

NAME_HEADINGS = ("Employee Name", "Name", "Postholder Name", "Full Name", "Employee Full Name")
"""Columns of a posts report that hold people's names: never imported, only kept out."""

_NOT_KEY = re.compile(r"[^a-z0-9]+")


class HeaderError(ValueError):
    """A table with no header this importer understands, or one missing a column it needs."""


def heading_key(heading: str) -> str:
    """How headings are compared: ASCII letters and digits only, lower case.

    `£` and a mis-decoded `Â£` alike are dropped.
    """
    return _NOT_KEY.sub("", heading.encode("ascii", "ignore").decode().lower())


@dataclass(frozen=True, slots=True)
class Header:
    """A table's header: the layout, where the data starts, and each column's position."""

    layout: Layout
    index: int
    """Position of the header row in the table's rows; data rows follow it."""
    columns: dict[str, int]
    """Organogram heading (or posts-report field) -> column position."""
    names: tuple[int, ...] = ()
    """Positions of columns that hold people's names (posts reports)."""

    def cell(self, cells: tuple[str, ...], name: str) -> str:
        """The cell of column `name` in a data row ('' if the row is short or the column absent)."""
        position = self.columns.get(name)
        if position is None or position >= len(cells):
            return ""
        return cells[position]


def _positions(cells: tuple[str, ...]) -> dict[str, int]:
    found: dict[str, int] = {}
    for position, heading in enumerate(cells):
        key = heading_key(heading)
        if key and not key.startswith("unnamed"):
            found.setdefault(key, position)
    return found


def _organogram(layout: Layout, index: int, found: dict[str, int], table: Table) -> Header:
    headings, needed = (
        (SENIOR_HEADINGS, SENIOR_NEEDED)
        if layout is Layout.SENIOR
        else (JUNIOR_HEADINGS, JUNIOR_NEEDED)
    )
    missing = [name for name in needed if heading_key(name) not in found]
    if missing:
        raise HeaderError(f"{table.file}: an {layout} file needs the columns {', '.join(missing)}")
    columns = {name: found[heading_key(name)] for name in headings if heading_key(name) in found}
    return Header(layout, index, columns)


def _posts_report(found: dict[str, int], mapped: Mapping[str, str]) -> dict[str, int] | None:
    columns: dict[str, int] = {}
    for field, aliases in POSTS_REPORT_FIELDS.items():
        named = mapped.get(field)
        candidates = (named,) if named else aliases
        for heading in candidates:
            if heading_key(heading) in found:
                columns[field] = found[heading_key(heading)]
                break
    return columns if {"post_id", "grade"} <= columns.keys() else None


def find_header(
    table: Table, *, allowed: frozenset[Layout], mapped: Mapping[str, str] | None = None
) -> Header:
    """The first row near the top that heads a table of one of the `allowed` layouts.

    Raises:
        HeaderError: no such row, or it lacks a column that layout needs.
    """
    mapped = mapped or {}
    for index, (_, cells) in enumerate(table.rows[:HEADER_SEARCH]):
        found = _positions(cells)
        senior = {heading_key("Post Unique Reference"), heading_key("Reports to Senior Post")}
        junior = {heading_key("Reporting Senior Post"), heading_key("Number of Posts in FTE")}
        if Layout.SENIOR in allowed and senior <= found.keys():
            return _organogram(Layout.SENIOR, index, found, table)
        if Layout.JUNIOR in allowed and junior <= found.keys():
            return _organogram(Layout.JUNIOR, index, found, table)
        if Layout.POSTS_REPORT in allowed:
            columns = _posts_report(found, mapped)
            if columns is not None:
                names = tuple(
                    found[heading_key(heading)]
                    for heading in NAME_HEADINGS
                    if heading_key(heading) in found
                )
                header = Header(Layout.POSTS_REPORT, index, columns, names)
                return _checked_report(table, header, mapped)
    where = f"{table.file}" + (f" sheet {table.sheet!r}" if table.sheet else "")
    seen = {key for _, cells in table.rows[:HEADER_SEARCH] for key in _positions(cells)}
    unseen = [heading for heading in mapped.values() if heading_key(heading) not in seen]
    if unseen and Layout.POSTS_REPORT in allowed:
        raise HeaderError(f"{where}: no row has the mapping's headings {', '.join(unseen)}")
    kinds = " or ".join(sorted(allowed))
    raise HeaderError(f"{where}: no header row of a {kinds} in its first {HEADER_SEARCH} rows")


def _checked_report(table: Table, header: Header, mapped: Mapping[str, str]) -> Header:
    unknown = [heading for field, heading in mapped.items() if field not in header.columns]
    if unknown:
        raise HeaderError(
            f"{table.file}: the mapping names headings not found: {', '.join(unknown)}"
        )
    missing = [field for field in POSTS_REPORT_NEEDED if field not in header.columns]
    if "fte" not in header.columns and "weekly_hours" not in header.columns:
        missing.append("fte or weekly_hours")
    if missing:
        raise HeaderError(
            f"{table.file}: a posts report needs a column for {', '.join(missing)} "
            "(name it with --mapping if its heading is unusual)"
        )
    return header
