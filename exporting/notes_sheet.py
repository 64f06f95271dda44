"""The Notes sheet: what an export was made from, so a reader can make it again (pure).

The tenant, the effective date, the recorded time it was known at, the financial year and
period, the log position each view was read from, and every post finance could not price (with
why), since a spreadsheet total that silently left them out would mislead.
"""

from __future__ import annotations

from typing import Any

from exporting.sheets import Column, Sheet, money

COLUMNS = (Column("Note"), Column("Value"), Column("Detail"), Column("Estimate", "money"))


def notes_sheet(
    settings: dict[str, str | None],
    positions: dict[str, str],
    unpriced: list[dict[str, Any]],
) -> Sheet:
    """The settings the export was made with, the log positions and the unpriced posts."""
    sheet = Sheet("Notes", COLUMNS)
    for name, value in settings.items():
        sheet.add(name, value if value is not None else "—", None, None)
    for stream, entry_id in sorted(positions.items()):
        sheet.add(f"log position: {stream}", entry_id, "the last entry the view had read", None)
    if not unpriced:
        sheet.add("unpriced posts", "none", None, None)
    for item in unpriced:
        sheet.add(
            f"unpriced: {item['post_id']}",
            item.get("title"),
            item["problem"],
            money(item.get("estimated_annual_cost")),
        )
    return sheet
