"""Which reader each import file needs, and everything the files say, read together.

`--format auto` reads a workbook by its name and tells an organogram's senior and junior staff
files from a posts report by their headings; `csv` and `xlsx` insist on a posts report read as
that kind of file; `organogram` insists on organogram files. Organogram files are read
together, so a junior row can report to a senior post of another file.
"""

from __future__ import annotations

from dataclasses import replace
from enum import StrEnum
from typing import TYPE_CHECKING

from importing.headings import Header, HeaderError, Layout, find_header
from importing.model import Reading
from importing.organogram import read_organogram
from importing.organogram_junior import read_junior
from importing.organogram_senior import read_senior
from importing.posts_report import read_posts_report
from importing.tables import TableError, read_tables

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from importing.mapping import ColumnMapping
    from importing.tables import Table


class ImportFormat(StrEnum):
    """The `--format` of the files."""

    AUTO = "auto"
    CSV = "csv"
    XLSX = "xlsx"
    ORGANOGRAM = "organogram"


ALLOWED: dict[ImportFormat, frozenset[Layout]] = {
    ImportFormat.AUTO: frozenset(Layout),
    ImportFormat.CSV: frozenset({Layout.POSTS_REPORT}),
    ImportFormat.XLSX: frozenset({Layout.POSTS_REPORT}),
    ImportFormat.ORGANOGRAM: frozenset({Layout.SENIOR, Layout.JUNIOR}),
}
WORKBOOK: dict[ImportFormat, bool | None] = {
    ImportFormat.AUTO: None,
    ImportFormat.CSV: False,
    ImportFormat.XLSX: True,
    ImportFormat.ORGANOGRAM: None,
}


class ImportFileError(ValueError):
    """A file that cannot be imported at all (unreadable, or no header it understands)."""


def _headed(
    path: Path, tables: list[Table], file_format: ImportFormat, mapping: ColumnMapping
) -> tuple[Table, Header]:
    if mapping.sheet is not None and any(table.sheet is not None for table in tables):
        tables = [table for table in tables if table.sheet == mapping.sheet]
        if not tables:
            raise ImportFileError(f"{path}: there is no sheet {mapping.sheet!r}")
    problems: list[str] = []
    for table in tables:
        try:
            return table, find_header(table, allowed=ALLOWED[file_format], mapped=mapping.columns)
        except HeaderError as error:
            problems.append(str(error))
    raise ImportFileError("; ".join(problems) or f"{path}: the file holds no table")


def read_import(
    paths: Sequence[Path], file_format: ImportFormat, mapping: ColumnMapping
) -> Reading:
    """Everything the files say, as one reading.

    Raises:
        ImportFileError: a file cannot be read, or has no header of a layout it may have.
    """
    seniors, juniors, reports = [], [], []
    for path in paths:
        try:
            tables = read_tables(path, workbook=WORKBOOK[file_format])
        except TableError as error:
            raise ImportFileError(str(error)) from None
        table, header = _headed(path, tables, file_format, mapping)
        if header.layout is Layout.SENIOR:
            seniors.append(read_senior(table, header))
        elif header.layout is Layout.JUNIOR:
            juniors.append(read_junior(table, header))
        else:
            reports.append(read_posts_report(table, header, mapping))
    reading = read_organogram(seniors, juniors) if seniors or juniors else Reading()
    for report in reports:
        reading = reading.joined(report)
    return replace(reading, files=tuple(dict.fromkeys(path.name for path in paths)))
