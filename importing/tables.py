"""Files as tables of text cells, with each row's number as a spreadsheet shows it.

CSV: a byte-order mark is dropped; a file that is not UTF-8 is read as Windows-1252 (what
Excel writes on a UK machine) and that is noted; the delimiter is the one the first line uses
most (`,`, `;`, tab). A quoted field with line breaks is one row, as a spreadsheet shows it.
XLSX: every sheet, every row from the first (blank ones included), values as text.
"""

from __future__ import annotations

import csv
import io
import warnings
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

import openpyxl

if TYPE_CHECKING:
    from pathlib import Path

DELIMITERS = (",", ";", "\t")
XLSX_SUFFIXES = (".xlsx", ".xlsm")


class TableError(ValueError):
    """A file that cannot be read as a table."""


@dataclass(frozen=True, slots=True)
class Table:
    """One CSV file or one sheet of a workbook."""

    file: str
    sheet: str | None
    rows: tuple[tuple[int, tuple[str, ...]], ...]
    """(row number as a spreadsheet shows it, its cells)."""
    notes: tuple[str, ...] = ()


def is_workbook(path: Path) -> bool:
    """Whether `path` is named like an Excel workbook."""
    return path.suffix.lower() in XLSX_SUFFIXES


def _decoded(path: Path) -> tuple[str, tuple[str, ...]]:
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig"), ()
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace"), (
            f"{path.name} is not UTF-8: read as Windows-1252",
        )


def _delimiter(content: str) -> str:
    first = next((line for line in content.splitlines() if line.strip()), "")
    return max(DELIMITERS, key=first.count)


def read_csv(path: Path) -> Table:
    """A CSV file as a table.

    Raises:
        TableError: the file cannot be read or parsed.
    """
    try:
        content, notes = _decoded(path)
        reader = csv.reader(io.StringIO(content, newline=""), delimiter=_delimiter(content))
        rows = tuple((number, tuple(cells)) for number, cells in enumerate(reader, start=1))
    except (OSError, csv.Error) as error:
        raise TableError(f"{path}: cannot read it as CSV: {error}") from None
    return Table(path.name, None, rows, notes)


def cell_text(value: object) -> str:
    """A workbook cell's value as the text a person sees (numbers without float noise)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else format(Decimal(repr(value)), "f")
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def read_workbook(path: Path) -> list[Table]:
    """Every sheet of an XLSX workbook as a table.

    Raises:
        TableError: the file is not a readable workbook.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            workbook = openpyxl.load_workbook(path, data_only=True)
    except (OSError, zipfile.BadZipFile, KeyError, ValueError) as error:
        raise TableError(f"{path}: cannot read it as an XLSX workbook: {error}") from None
    tables = []
    for sheet in workbook.worksheets:
        rows = tuple(
            (number, tuple(cell_text(value) for value in values))
            for number, values in enumerate(
                sheet.iter_rows(min_row=1, max_row=sheet.max_row, values_only=True), start=1
            )
        )
        tables.append(Table(path.name, sheet.title, rows))
    workbook.close()
    return tables


def read_tables(path: Path, *, workbook: bool | None = None) -> list[Table]:
    """The tables in `path`: a workbook's sheets, or a CSV file (by its name unless told).

    Raises:
        TableError: the file cannot be read.
    """
    if workbook if workbook is not None else is_workbook(path):
        return read_workbook(path)
    return [read_csv(path)]
