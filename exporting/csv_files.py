"""The same sheets as CSV files, one per sheet, in a folder (`structure.csv`, `ledger.csv`, …).

Money and FTE are written as plain decimals (`1234.50`, no thousands separators) and dates as
ISO dates, so a CSV reads back to exactly the figures in the workbook.
"""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from exporting.sheets import Cell, Sheet


def _text(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, Decimal):
        return format(cell, "f")
    if isinstance(cell, date):
        return cell.isoformat()
    return str(cell)


def write_csv(sheets: list[Sheet], folder: Path) -> list[Path]:
    """Write each sheet to `folder/<name>.csv`; the files written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for sheet in sheets:
        path = folder / f"{sheet.name.lower()}.csv"
        with path.open("w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            writer.writerow([column.heading for column in sheet.columns])
            writer.writerows([_text(cell) for cell in row] for row in sheet.rows)
        written.append(path)
    return written
