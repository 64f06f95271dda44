"""How a query's answer is printed: the service's JSON with `--json`, else tables and lines.

Shared by the commands that ask a running service and by `estab replay`, which prints what it
rebuilt itself in the same shapes, so the two can be compared by eye or by `diff`.
"""

from __future__ import annotations

import sys
from typing import Any

import orjson

from cli.options import console, errors
from cli.render import structure_table

SHOWN_UNPRICED = 20
"""Enough unpriced posts to act on; `--json` lists them all."""


def print_json(view: dict[str, Any]) -> None:
    """The answer as indented JSON on stdout."""
    sys.stdout.write(orjson.dumps(view, option=orjson.OPT_INDENT_2).decode() + "\n")


def print_structure(view: dict[str, Any], as_json: bool) -> None:
    """A structure view as JSON or as a table."""
    if as_json:
        print_json(view)
    else:
        console.print(structure_table(view))


def print_unpriced(view: dict[str, Any]) -> None:
    """Warn about every post that could not be priced: never a silent zero."""
    unpriced = view.get("unpriced") or []
    if not unpriced:
        return
    summary = view.get("unpriced_totals") or {}
    amount = summary.get("estimated_annual_cost")
    worth = f", about {amount} a year at the nearest known rates" if amount else ""
    errors.print(
        f"[yellow]Warning:[/yellow] {len(unpriced)} post(s) could not be priced and count as "
        f"nothing above{worth}:"
    )
    for item in unpriced[:SHOWN_UNPRICED]:
        errors.print(f"  {item['post_id']}: {item['problem']}")
    if len(unpriced) > SHOWN_UNPRICED:
        errors.print(f"  ... and {len(unpriced) - SHOWN_UNPRICED} more (--json lists them all)")
