"""The change report of `GET /diff?format=text` and `estab diff`: a diff as people read it (pure).

Each post that changed is one line, under the first heading that fits it: deleted, created,
transferred (into or out of the unit asked about), re-designated (title or grade), transferred
(org unit), re-lined (reports-to), other (FTE, funding, recorded cost). The line spells out every
change the post had and its effect on FTE and on the budgeted annual cost. The cost is the one
recorded on the post; where a side has none the line says so rather than counting it as nothing,
and the net line counts those posts.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from contracts.money import fte_text

HEADINGS = ("Deleted", "Created", "Re-designated", "Transferred", "Re-lined", "Other changes")
SHOWN_FIELDS = {
    "title": "title",
    "grade": "grade",
    "org_unit_id": "org unit",
    "reports_to": "reports to",
    "fte": "FTE",
    "funding": "funding",
    "budgeted_annual_cost": "recorded cost",
    "job_evaluation": "job evaluation",
}
NO_COST = "cost not recorded"


@dataclass
class _Effect:
    """FTE and cost moved by the lines so far, and how many had no recorded cost."""

    fte: Decimal = Decimal(0)
    cost: Decimal = Decimal(0)
    uncosted: int = 0

    def add(self, before: dict[str, Any] | None, after: dict[str, Any] | None) -> str:
        """Count one post's change; its effect as the line shows it."""
        fte = _fte(after) - _fte(before)
        self.fte += fte
        costs = [_cost(side) for side in (before, after) if side is not None]
        if any(cost is None for cost in costs):
            self.uncosted += 1
            return f"{_signed_fte(fte)} FTE, {NO_COST}"
        cost = (_cost(after) or Decimal(0)) - (_cost(before) or Decimal(0))
        self.cost += cost
        return f"{_signed_fte(fte)} FTE, {_signed_money(cost)}"


def diff_text(report: dict[str, Any]) -> str:
    """The diff answer (`GET /diff`'s JSON) as a readable report, ending in a newline."""
    sections: dict[str, list[str]] = {heading: [] for heading in HEADINGS}
    net = _Effect()
    for post in report["deleted"]:
        sections["Deleted"].append(f"- {_named(post)}  ({net.add(post, None)})")
    for post in report["created"]:
        sections["Created"].append(f"+ {_named(post)}  ({net.add(None, post)})")
    moved = [*report.get("transferred_out", []), *report.get("transferred_in", [])]
    for item in [*report["changed"], *moved]:
        before, after = item["before"], item["after"]
        heading = _heading(before, after, item in moved)
        changes = "; ".join(_changes(before, after))
        line = f"~ {_named(before)}: {changes}  ({net.add(before, after)})"
        sections[heading].append(line)
    known = "now" if report.get("known_at") is None else report["known_at"]
    lines = [f"Changes from {report['from']} to {report['to']} (as known at {known})"]
    for heading, shown in sections.items():
        if shown:
            lines += ["", f"{heading}: {len(shown)} post{'s' if len(shown) != 1 else ''}", *shown]
    if len(lines) == 1:
        lines += ["", "No post changed."]
    lines += ["", _net_line(net)]
    return "\n".join(lines) + "\n"


def _heading(before: dict[str, Any], after: dict[str, Any], crossed_scope: bool) -> str:
    """The first heading that fits a changed post: a move across the unit asked about first."""
    if crossed_scope:
        return "Transferred"
    if before["title"] != after["title"] or before["grade"] != after["grade"]:
        return "Re-designated"
    if before["org_unit_id"] != after["org_unit_id"]:
        return "Transferred"
    if before["reports_to"] != after["reports_to"]:
        return "Re-lined"
    return "Other changes"


def _changes(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """`field before -> after` for every field shown that differs."""
    return [
        f"{label} {_shown(before[key])} -> {_shown(after[key])}"
        for key, label in SHOWN_FIELDS.items()
        if before.get(key) != after.get(key)
    ]


def _named(post: dict[str, Any]) -> str:
    """A post by id, title, grade and FTE."""
    return f"{post['post_id']} {post['title']} ({post['grade']}, {post['fte']} FTE)"


def _shown(value: Any) -> str:
    """A field's value as a reader wants it: funding as `source share`, none as a dash."""
    if value is None:
        return "-"
    if isinstance(value, list):
        return ", ".join(f"{part['source_id']} {part['share']}" for part in value) or "-"
    return str(value)


def _fte(post: dict[str, Any] | None) -> Decimal:
    return Decimal(0) if post is None else Decimal(post["fte"])


def _cost(post: dict[str, Any] | None) -> Decimal | None:
    if post is None:
        return Decimal(0)
    cost = post.get("budgeted_annual_cost")
    return None if cost is None else Decimal(cost)


def _signed_fte(fte: Decimal) -> str:
    return ("+" if fte >= 0 else "-") + fte_text(abs(fte))


def _signed_money(amount: Decimal) -> str:
    return ("+" if amount >= 0 else "-") + f"£{abs(amount):,.2f}"


def _net_line(net: _Effect) -> str:
    """The net effect of every line, saying how many posts' cost was not recorded."""
    unknown = f"; {net.uncosted} post(s) with no recorded cost not counted" if net.uncosted else ""
    return f"Net: {_signed_fte(net.fte)} FTE, {_signed_money(net.cost)} a year{unknown}"
