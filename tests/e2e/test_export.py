"""`estab export` on seed 000: a workbook and CSV files whose totals are the API's to the penny.

Typed cells (numbers as numbers, money as `#,##0.00`), a frozen heading row and an auto-filter
on every sheet; the Savings sheet carries Table 1 (deletions 623,930.00, new posts 388,400.00,
net -235,530.00, exactly what finance answers) and the CSV files hold the same figures as text.
"""

from __future__ import annotations

import csv
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pytest
from driving import estab, get
from leeds_2018 import record_leeds_2018
from openpyxl import load_workbook

if TYPE_CHECKING:
    from pathlib import Path

    from conftest import ServiceProcess

pytestmark = [pytest.mark.e2e, pytest.mark.redis]

UNIT = "children-and-families"
PERIOD = ("--from", "2018-03-31", "--to", "2018-04-01")


def _export(services: dict[str, ServiceProcess], tenant: str, tmp_path: Path, *args: str) -> str:
    done = estab(
        "export", "--tenant", tenant, "--as-of", "2018-04-01", "--org-unit", UNIT, *PERIOD,
        "--url", services["establishment"].url, "--finance-url", services["finance"].url,
        "--data-dir", str(tmp_path), *args,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def _rows(sheet: Any) -> dict[str, list[Any]]:
    """A sheet's rows by their first cell."""
    return {str(row[0]): list(row) for row in sheet.iter_rows(min_row=2, values_only=True)}


@pytest.fixture
def seeded(services: dict[str, ServiceProcess], tenant: str) -> str:
    return record_leeds_2018(services, tenant)


def test_the_workbook_totals_are_the_apis_to_the_penny(
    services: dict[str, ServiceProcess], seeded: str, tmp_path: Path
) -> None:
    """Structure, Ledger and Savings totals rows equal the services' answers exactly."""
    out = tmp_path / "leeds.xlsx"
    _export(services, seeded, tmp_path, "--out", str(out))
    book = load_workbook(out)
    assert book.sheetnames == ["Structure", "Ledger", "Savings", "Notes"]
    finance, establishment = services["finance"], services["establishment"]
    structure = get(establishment, seeded, "/structure", as_of="2018-04-01", org_unit_id=UNIT)
    ledger = get(finance, seeded, "/ledger", fy=2018, as_of="2018-04-01", org_unit_id=UNIT)
    table = get(
        finance, seeded, "/savings", **{"from": "2018-03-31", "to": "2018-04-01"}, org_unit_id=UNIT
    )

    sheet = book["Structure"]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref.startswith("A1:")
    total = _rows(sheet)[f"Total: {structure['totals']['posts']} posts"]
    assert Decimal(str(total[3])) == Decimal(structure["totals"]["fte"])
    assert total[10] == structure["totals"]["headcount"]
    assert Decimal(str(total[12])).quantize(Decimal("0.01")) == Decimal(
        ledger["totals"]["annual_cost"]
    )
    money_cell = sheet.cell(row=2, column=13)
    assert money_cell.number_format == "#,##0.00"
    assert isinstance(money_cell.value, (int, float))
    posts = [row for row in sheet.iter_rows(min_row=2, values_only=True) if row[1] is not None]
    assert len(posts) == structure["totals"]["posts"]
    assert all(" / " in str(row[5]) for row in posts)

    blocks = [
        row for row in book["Ledger"].iter_rows(min_row=2, values_only=True) if row[2] == "Total"
    ]
    by_block = {(row[0], row[1]): row for row in blocks}
    assert set(by_block) == {
        (g, b) for g in ("org_unit", "grade", "funding") for b in ("budget", "forecast")
    }
    budget = by_block["org_unit", "budget"]
    assert Decimal(str(budget[5])).quantize(Decimal("0.01")) == Decimal(
        ledger["totals"]["annual_cost"]
    )

    savings = _rows(book["Savings"])
    assert savings["Table 1: deletions"][8] == float(table["table"]["deletions"]) == 623930.0
    assert savings["Table 1: new posts"][8] == float(table["table"]["new_posts"]) == 388400.0
    assert savings["Net change"][8] == float(table["net"]["annual_cost"]) == -235530.0
    notes = _rows(book["Notes"])
    assert notes["tenant"][1] == seeded
    assert (
        notes["log position: establishment.events"][1]
        == structure["log_position"]["establishment.events"]
    )


def test_csv_files_hold_the_same_figures_as_text(
    services: dict[str, ServiceProcess], seeded: str, tmp_path: Path
) -> None:
    """One CSV per sheet; money as plain decimals, so Table 1 reads back exactly."""
    folder = tmp_path / "csv"
    said = _export(services, seeded, tmp_path, "--format", "csv", "--out", str(folder))
    assert "4 files" in said
    assert sorted(path.name for path in folder.iterdir()) == [
        "ledger.csv", "notes.csv", "savings.csv", "structure.csv",
    ]  # fmt: skip
    with (folder / "savings.csv").open(newline="") as file:
        rows = {row["Part"]: row for row in csv.DictReader(file)}
    assert rows["Net change"]["Annual cost"] == "-235530.00"
    assert rows["Table 1: deletions"]["Annual cost"] == "623930.00"
