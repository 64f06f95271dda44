"""A CSV file's rows read without the importer: what the import tests check the importer against."""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path


def csv_rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    """A CSV's data rows by spreadsheet row number (header = row 1), blank rows left out."""
    records = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))
    header = records[0]
    return [
        (number, dict(zip(header, record, strict=True)))
        for number, record in enumerate(records[1:], start=2)
        if any(cell.strip() for cell in record)
    ]
