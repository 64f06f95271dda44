"""The Ledger and Savings sheets, from finance's answers (pure).

Ledger: the financial year grouped by org unit, by grade and by funding, each on the budget and
the forecast basis, one block per grouping and basis ending in its totals row (finance's totals,
to which its rounded rows add up). Savings: the statement between two dates in the shape of seed
000's Table 1: each part's posts and its subtotal, the net, and the table's two lines.
"""

from __future__ import annotations

from typing import Any

from exporting.sheets import Column, Sheet, money
from exporting.structure_sheet import funding_text

LEDGER_COLUMNS = (
    Column("Grouped by"),
    Column("Basis"),
    Column("Key"),
    Column("Posts", "int"),
    Column("FTE", "fte"),
    Column("Annual cost", "money"),
    Column("In-year cost", "money"),
    Column("Obligations", "money"),
    Column("Commitments", "money"),
)

SAVINGS_COLUMNS = (
    Column("Part"),
    Column("Post id"),
    Column("Title"),
    Column("Grade"),
    Column("Org unit"),
    Column("Funding"),
    Column("Posts", "int"),
    Column("FTE", "fte"),
    Column("Annual cost", "money"),
)

PART_NAMES = {
    "deleted": "Deletions",
    "created": "New posts",
    "changed": "Changed",
    "transferred_in": "Transferred in",
    "transferred_out": "Transferred out",
    "externally_funded": "Externally funded (no base budget impact)",
}
"""The statement's parts, in its order, as the sheet names them."""


def _ledger_row(grouped: str, basis: str, key: str, figures: dict[str, Any]) -> list[Any]:
    return [
        grouped,
        basis,
        key,
        figures["posts"],
        money(figures["fte"]),
        money(figures["annual_cost"]),
        money(figures["in_year_cost"]),
        money(figures.get("obligations")),
        money(figures.get("commitments")),
    ]


def ledger_sheet(ledgers: list[dict[str, Any]]) -> Sheet:
    """One block per `GET /ledger` answer, each ending in its totals."""
    sheet = Sheet("Ledger", LEDGER_COLUMNS)
    for answer in ledgers:
        grouped, basis = answer["group_by"], answer["basis"]
        for row in answer["rows"]:
            sheet.add(*_ledger_row(grouped, basis, row["key"], row))
        sheet.add(*_ledger_row(grouped, basis, "Total", answer["totals"]), total=True)
    return sheet


def _item_row(part: str, item: dict[str, Any]) -> list[Any]:
    return [
        part,
        item["post_id"],
        item["title"],
        item["grade"],
        item["org_unit_id"],
        funding_text(item["funding"]),
        1,
        money(item["fte"]),
        money(item["annual_cost"]),
    ]


def _changed_row(item: dict[str, Any]) -> list[Any]:
    before, after = item["before"], item["after"]
    grade = (
        after["grade"]
        if after["grade"] == before["grade"]
        else f"{before['grade']} → {after['grade']}"
    )
    return [
        PART_NAMES["changed"],
        item["post_id"],
        after["title"],
        grade,
        after["org_unit_id"],
        funding_text(after["funding"]),
        1,
        money(after["fte"]) - money(before["fte"]),  # type: ignore[operator]  # both given
        money(after["annual_cost"]) - money(before["annual_cost"]),  # type: ignore[operator]  # both given
    ]


def savings_sheet(savings: dict[str, Any]) -> Sheet:
    """`GET /savings` as Table 1: each part's posts and subtotal, then the net and the table."""
    sheet = Sheet("Savings", SAVINGS_COLUMNS)
    for part, name in PART_NAMES.items():
        shown = savings[part]
        for item in shown["items"]:
            sheet.add(*(_changed_row(item) if part == "changed" else _item_row(name, item)))
        sheet.add(
            f"{name}: total", None, None, None, None, None,
            shown["posts"], money(shown["fte"]), money(shown["annual_cost"]),
            total=True,
        )  # fmt: skip
    net = savings["net"]
    sheet.add(
        "Net change", None, None, None, None, None, None, money(net["fte"]),
        money(net["annual_cost"]), total=True,
    )  # fmt: skip
    table = savings["table"]
    for label, key in (("Table 1: deletions", "deletions"), ("Table 1: new posts", "new_posts")):
        sheet.add(label, None, None, None, None, None, None, None, money(table[key]), total=True)
    return sheet
