"""The export's sheets as data, before any file: paths, totals rows, typed cells (no services)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

import pytest
from openpyxl import load_workbook

from exporting.csv_files import write_csv
from exporting.finance_sheets import ledger_sheet
from exporting.sheets import Column, Sheet
from exporting.structure_sheet import funding_text, structure_sheet, unit_paths
from exporting.xlsx_file import write_xlsx

if TYPE_CHECKING:
    from pathlib import Path

UNITS: dict[str, list[dict[str, object]]] = {
    "org_units": [
        {"org_unit_id": "council", "name": "Council", "parent_id": None},
        {"org_unit_id": "cf", "name": "Children", "parent_id": "council"},
        {"org_unit_id": "eh", "name": "Early help", "parent_id": "cf"},
    ]
}


def _post(post_id: str, reports_to: str | None) -> dict[str, object]:
    return {
        "post_id": post_id,
        "title": f"Title {post_id}",
        "grade": "PO6",
        "fte": "1.0000",
        "org_unit_id": "eh",
        "reports_to": reports_to,
        "funding": [{"source_id": "dfe", "share": "0.5"}],
        "fte_in_post": "1.0000",
        "headcount": 1,
        "vacant_fte": "0.0000",
    }


def test_a_unit_path_names_every_unit_from_the_top() -> None:
    """Each unit's path is its ancestors' names, top first."""
    assert unit_paths(list(UNITS["org_units"]))["eh"] == "Council / Children / Early help"


def test_the_structure_sheet_names_whom_a_post_reports_to_and_totals_as_given() -> None:
    """Reports-to title from the same answer; the totals row carries the API's totals as given."""
    structure = {
        "posts": [_post("a", None), _post("b", "a")],
        "totals": {
            "posts": 2, "fte": "2.0000", "fte_in_post": "2.0000", "headcount": 2,
            "vacant_fte": "0.0000",
        },
    }  # fmt: skip
    costs = {
        "rows": [{"key": "a", "annual_cost": "50000.01"}, {"key": "b", "annual_cost": "40000.00"}],
        "totals": {"annual_cost": "90000.01"},
    }
    sheet = structure_sheet(structure, UNITS, costs)
    assert sheet.rows[1][6:8] == ["a", "Title a"]
    assert sheet.rows[0][12] == Decimal("50000.01")
    assert sheet.totals == {2}
    assert sheet.rows[2][12] == Decimal("90000.01")
    assert funding_text([]) == "base budget"


def test_a_row_of_the_wrong_width_is_refused() -> None:
    """A row with fewer cells than columns is a bug, not a shorter row."""
    with pytest.raises(ValueError, match="2 cells for 3 columns"):
        Sheet("S", (Column("a"), Column("b"), Column("c"))).add("x", "y")


def test_cells_are_typed_in_the_workbook_and_exact_in_the_csv(tmp_path: Path) -> None:
    """Money is a number formatted #,##0.00, a date a date; the CSV keeps the exact decimal."""
    sheet = Sheet("Figures", (Column("Name"), Column("Cost", "money"), Column("On", "date")))
    sheet.add("one", Decimal("1234.50"), date(2018, 4, 1))
    sheet.add("Total", Decimal("1234.50"), None, total=True)
    write_xlsx([sheet], tmp_path / "book.xlsx")
    cells = load_workbook(tmp_path / "book.xlsx")["Figures"]
    assert cells["B2"].value == 1234.5
    assert cells["B2"].number_format == "#,##0.00"
    assert cells["C2"].is_date
    assert cells["A3"].font.bold
    assert cells.freeze_panes == "A2"
    [path] = write_csv([sheet], tmp_path / "csv")
    assert path.read_text().splitlines()[1] == "one,1234.50,2018-04-01"


def test_the_ledger_sheet_ends_each_block_with_its_totals() -> None:
    """One block per answer, each closed by a totals row keyed `Total`."""
    answer = {
        "group_by": "grade",
        "basis": "budget",
        "rows": [
            {
                "key": "PO6",
                "posts": 1,
                "fte": "1.0000",
                "annual_cost": "1.00",
                "in_year_cost": "1.00",
            }
        ],
        "totals": {"posts": 1, "fte": "1.0000", "annual_cost": "1.00", "in_year_cost": "1.00"},
    }
    sheet = ledger_sheet([answer, {**answer, "basis": "forecast"}])
    assert [row[2] for row in sheet.rows] == ["PO6", "Total", "PO6", "Total"]
    assert sheet.totals == {1, 3}
