"""A spreadsheet as plain data: sheets of typed columns and rows, some of them totals (pure).

Built from the services' answers (exporting.structure_sheet, exporting.finance_sheets) and
written by exporting.xlsx_file or exporting.csv_files, so what a workbook says is decided in one
place and tested without a file. Money and FTE stay `Decimal` to the last step, so a totals row
is exactly the API's figure.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Literal

Kind = Literal["text", "int", "fte", "money", "date"]
Cell = str | int | Decimal | date | None


@dataclass(frozen=True, slots=True)
class Column:
    """A column's heading and the kind of value it holds."""

    heading: str
    kind: Kind = "text"


@dataclass(slots=True)
class Sheet:
    """One sheet: its columns, its rows in order, and which rows are totals."""

    name: str
    columns: tuple[Column, ...]
    rows: list[list[Cell]] = field(default_factory=list)
    totals: set[int] = field(default_factory=set)
    """Indices (in `rows`) of totals rows, shown in bold."""

    def add(self, *cells: Cell, total: bool = False) -> None:
        """Append a row (a totals row if `total`)."""
        if len(cells) != len(self.columns):
            message = f"{self.name}: {len(cells)} cells for {len(self.columns)} columns"
            raise ValueError(message)
        if total:
            self.totals.add(len(self.rows))
        self.rows.append(list(cells))


def money(text: str | None) -> Decimal | None:
    """A money figure as the API writes it (`"1234.50"`), as a Decimal."""
    return None if text is None else Decimal(text)


def day(text: str | None) -> date | None:
    """An ISO date as the API writes it, as a date."""
    return None if text is None else date.fromisoformat(text)
