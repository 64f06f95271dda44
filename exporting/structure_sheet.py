"""The Structure sheet: one row per post on a date, from establishment's and finance's answers.

Each post with its org unit's path (names from the top), whom it reports to, its funding
shares, who is in post and its annual cost as finance's ledger prices it that day (by post, on
the budget basis). The totals row is the structure's totals and the ledger's total cost, to
the penny: the ledger apportions its rounded rows to add up to its total.
"""

from __future__ import annotations

from typing import Any

from exporting.sheets import Column, Sheet, money

COLUMNS = (
    Column("Post id"),
    Column("Title"),
    Column("Grade"),
    Column("FTE", "fte"),
    Column("Org unit"),
    Column("Org unit path"),
    Column("Reports to"),
    Column("Reports to title"),
    Column("Funding"),
    Column("FTE in post", "fte"),
    Column("Headcount", "int"),
    Column("Vacant FTE", "fte"),
    Column("Annual cost", "money"),
)


def unit_paths(org_units: list[dict[str, Any]]) -> dict[str, str]:
    """Each unit's path of names from the top (`Council / Children / Early help`)."""
    by_id = {unit["org_unit_id"]: unit for unit in org_units}
    paths: dict[str, str] = {}

    def path(unit_id: str, seen: frozenset[str] = frozenset()) -> str:
        if unit_id in paths:
            return paths[unit_id]
        unit = by_id.get(unit_id)
        if unit is None or unit_id in seen:
            return unit_id
        parent = unit.get("parent_id")
        named = str(unit["name"])
        above = path(str(parent), seen | {unit_id}) if parent in by_id else None
        found = f"{above} / {named}" if above else named
        paths[unit_id] = found
        return found

    for unit_id in by_id:
        path(unit_id)
    return paths


def funding_text(funding: list[dict[str, Any]]) -> str:
    """Funding shares as one cell: `dfe-innovation 0.5; base budget 0.5`."""
    if not funding:
        return "base budget"
    return "; ".join(f"{share['source_id']} {share['share']}" for share in funding)


def structure_sheet(
    structure: dict[str, Any], org_units: dict[str, Any], costs: dict[str, Any]
) -> Sheet:
    """The sheet of `GET /structure`, `GET /org-units` and `GET /ledger?group_by=post`."""
    paths = unit_paths(org_units["org_units"])
    titles = {post["post_id"]: post["title"] for post in structure["posts"]}
    cost_of = {row["key"]: row["annual_cost"] for row in costs["rows"]}
    sheet = Sheet("Structure", COLUMNS)
    for post in structure["posts"]:
        boss = post.get("reports_to")
        sheet.add(
            post["post_id"],
            post["title"],
            post["grade"],
            money(post["fte"]),
            post["org_unit_id"],
            paths.get(post["org_unit_id"], post["org_unit_id"]),
            boss,
            titles.get(boss) if boss else None,
            funding_text(post["funding"]),
            money(post["fte_in_post"]),
            post["headcount"],
            money(post["vacant_fte"]),
            money(cost_of.get(post["post_id"], "0.00")),
        )
    totals = structure["totals"]
    sheet.add(
        f"Total: {totals['posts']} posts",
        None,
        None,
        money(totals["fte"]),
        None,
        None,
        None,
        None,
        None,
        money(totals["fte_in_post"]),
        totals["headcount"],
        money(totals["vacant_fte"]),
        money(costs["totals"]["annual_cost"]),
        total=True,
    )
    return sheet
