"""A workbook written with openpyxl: typed cells, money as `#,##0.00`, frozen headings, filters.

Numbers are numbers and dates are dates (a finance team sums and sorts them as they are), the
heading row stays in view and carries an auto-filter, totals rows are bold, and each column is
wide enough for its longest value (up to a limit).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

if TYPE_CHECKING:
    from pathlib import Path

    from exporting.sheets import Kind, Sheet

FORMATS: dict[Kind, str] = {
    "money": "#,##0.00",
    "fte": "0.0000",
    "int": "0",
    "date": "yyyy-mm-dd",
    "text": "@",
}
WIDEST = 60
BOLD = Font(bold=True)


def write_xlsx(sheets: list[Sheet], path: Path) -> None:
    """Write `sheets` to `path` as one workbook."""
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]  # a new workbook has its one sheet
    for sheet in sheets:
        out = book.create_sheet(sheet.name)
        out.append([column.heading for column in sheet.columns])
        for cell in out[1]:
            cell.font = BOLD
        for index, row in enumerate(sheet.rows):
            out.append(row)
            for column, cell in zip(sheet.columns, out[index + 2], strict=True):
                if column.kind != "text":
                    cell.number_format = FORMATS[column.kind]
                if index in sheet.totals:
                    cell.font = BOLD
        out.freeze_panes = "A2"
        last = get_column_letter(len(sheet.columns))
        out.auto_filter.ref = f"A1:{last}{len(sheet.rows) + 1}"
        for number, column in enumerate(sheet.columns, start=1):
            longest = max(
                [len(column.heading), *(len(str(row[number - 1] or "")) for row in sheet.rows)]
            )
            out.column_dimensions[get_column_letter(number)].width = min(longest + 2, WIDEST)
    book.save(path)
