"""Query results as rich tables for people; `--json` prints the service's own JSON instead."""

from __future__ import annotations

from typing import Any

from rich.table import Table


def structure_table(view: dict[str, Any]) -> Table:
    """The posts of a structure view, one row each, with the totals as the caption."""
    table = Table(
        title=f"Establishment as of {view['as_of']} (known at {view.get('known_at') or 'now'})",
        caption=f"{view['totals']['posts']} posts, {view['totals']['fte']} FTE",
    )
    for column in ("post", "title", "grade", "FTE", "org unit", "reports to", "budget"):
        table.add_column(column, justify="right" if column in {"FTE", "budget"} else "left")
    for post in view["posts"]:
        table.add_row(
            post["post_id"],
            post["title"],
            post["grade"],
            post["fte"],
            post["org_unit_id"],
            post["reports_to"] or "",
            post["budgeted_annual_cost"] or "",
        )
    return table


def diff_lines(changes: dict[str, Any]) -> list[str]:
    """A diff summarised in a few lines: what was deleted, created, changed and moved."""
    lines = []
    for part in ("deleted", "created"):
        posts = changes[part]
        lines.append(f"{part}: {len(posts)} posts")
        lines += [f"  - {post['title']} ({post['grade']}, {post['fte']} FTE)" for post in posts]
    for part in ("changed", "transferred_in", "transferred_out"):
        items = changes.get(part, [])
        if items:
            lines.append(f"{part.replace('_', ' ')}: {len(items)} posts")
            lines += [f"  - {item['before']['title']}: {_changed_fields(item)}" for item in items]
    return lines


def _changed_fields(item: dict[str, Any]) -> str:
    """`field: before -> after` for every field that differs, version aside."""
    before, after = item["before"], item["after"]
    return "; ".join(
        f"{key} {before[key]} -> {after[key]}"
        for key in before
        if key != "version" and before[key] != after[key]
    )
