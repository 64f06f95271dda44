"""Query results as rich tables for people; `--json` prints the service's own JSON instead."""

from __future__ import annotations

from typing import Any

from rich.table import Table


def structure_table(view: dict[str, Any]) -> Table:
    """The posts of a structure view, one row each, with the totals as the caption."""
    table = Table(
        title=f"Establishment as of {view['as_of']} (known at {view.get('known_at') or 'now'})",
        caption=f"{view['totals']['posts']} posts, {view['totals']['fte']} FTE; "
        f"{view['totals']['headcount']} people in post ({view['totals']['fte_in_post']} FTE), "
        f"{view['totals']['vacant_fte']} FTE vacant",
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


def at_risk_table(view: dict[str, Any]) -> Table:
    """The people at risk on a date, one row per post each holds, with the totals as caption."""
    totals = view["totals"]
    table = Table(
        title=f"At risk on {view['as_of']}",
        caption=f"{totals['people']} people, {totals['posts']} posts at risk",
    )
    for column in ("person", "post", "grade", "FTE", "since", "alternatives"):
        table.add_column(column, justify="right" if column == "FTE" else "left")
    for person in view["people"]:
        for post in person["posts"]:
            table.add_row(
                person["person_ref"],
                post["post_id"],
                post["grade"],
                post["fte"],
                post["at_risk_since"],
                str(len(post["alternatives"])),
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


def ledger_table(view: dict[str, Any]) -> Table:
    """A ledger's rows with their totals as the last row; the caption says what they leave out."""
    table = Table(
        title=f"{view['basis'].title()} ledger {view['fy']}/{(view['fy'] + 1) % 100:02d} "
        f"by {view['group_by']} (full year on {view['as_of']})",
        caption=_ledger_caption(view) or None,
    )
    for column in ("key", "posts", "FTE", "full year", "in year"):
        table.add_column(column, justify="left" if column == "key" else "right")
    rows = [*view["rows"], {"key": "total", **view["totals"]}]
    for row in rows:
        table.add_row(
            row["key"], str(row["posts"]), row["fte"], row["annual_cost"], row["in_year_cost"]
        )
    return table


def _ledger_caption(view: dict[str, Any]) -> str:
    """How to read the totals: shared posts counted once, and any posts that could not be priced."""
    notes = []
    if view["group_by"] == "funding":
        notes.append("a post funded from several sources is in each of their rows, once in total")
    unpriced = view.get("unpriced") or []
    if unpriced:
        notes.append(f"{len(unpriced)} post(s) not priced on some days count nothing then")
    return "; ".join(notes)


def savings_lines(view: dict[str, Any]) -> list[str]:
    """A savings statement as a few lines, Table 1 style."""
    lines = [f"Savings statement {view['from']} -> {view['to']} ({view['costs']})"]
    for part in ("deleted", "created", "changed", "transferred_in", "transferred_out"):
        shown = view[part]
        if shown["posts"]:
            lines.append(
                f"{part.replace('_', ' ')}: {shown['posts']} posts, {shown['fte']} FTE, "
                f"{shown['annual_cost']}"
            )
    funded = view["externally_funded"]
    lines.append(
        f"externally funded: {funded['posts']} posts at zero base-budget impact "
        f"({funded['annual_cost']} met by other funding)"
    )
    lines.append(
        f"Table 1: deletions {view['table']['deletions']}, new posts "
        f"{view['table']['new_posts']}; net {view['net']['annual_cost']}, {view['net']['fte']} FTE"
    )
    return lines
