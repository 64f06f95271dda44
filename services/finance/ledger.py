"""The budget and forecast ledgers for a financial year, grouped four ways (pure).

Each row: the posts in the group, their FTE and full-year cost on the year's costing day, and
their in-year cost. The forecast also separates obligations (filled posts) from commitments
(vacant posts with approval to recruit). Money is rounded to the penny only here, after summing.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from contracts.decisions import DomainError
from contracts.money import fte_text, money_text, parse_fte
from services.finance.costing import (
    FORECAST,
    ZERO,
    Policy,
    Unpriced,
    annual_day,
    budget_rate,
    funders,
    in_year,
    rate,
)
from services.finance.fiscal import fy_start

if TYPE_CHECKING:
    from services.finance.books import Books

GROUPS = ("org_unit", "grade", "funding", "post")


class UnknownOrgUnitError(LookupError):
    """An org unit that does not exist."""


def scope(books: Books, org_unit_id: str | None, day: str) -> set[str] | None:
    """The units under `org_unit_id` on `day` (None: everywhere).

    Raises:
        UnknownOrgUnitError: no such unit.
    """
    if org_unit_id is None:
        return None
    if org_unit_id not in books.establishment.units:
        raise UnknownOrgUnitError(f"org unit {org_unit_id!r} does not exist")
    return books.establishment.units_under(org_unit_id, day)


def _row() -> dict[str, Any]:
    return {
        "posts": 0,
        "fte": ZERO,
        "annual_cost": ZERO,
        "in_year_cost": ZERO,
        "obligations": ZERO,
        "commitments": ZERO,
    }


def _approved(books: Books, post_id: str, day: str) -> bool:
    return any(start <= day for start in books.staffing.approved.get(post_id, ()))


def ledger(
    books: Books,
    fy: int,
    *,
    as_of: str,
    group_by: str,
    policy: Policy,
    org_unit_id: str | None = None,
) -> dict[str, Any]:
    """The ledger of `fy` costed on `as_of` (kept inside the year), grouped by `group_by`."""
    day = annual_day(fy, as_of)
    units = scope(books, org_unit_id, day)
    unpriced = Unpriced()
    rows: dict[str, dict[str, Any]] = {}
    for post_id in sorted(books.establishment.posts):
        state = books.post(post_id, day) or books.post(post_id, fy_start(fy))
        spent = in_year(books, post_id, fy, policy=policy, unpriced=unpriced)
        if state is None and not spent:
            continue
        if state is not None and units is not None and state["org_unit_id"] not in units:
            continue
        try:
            annual = rate(books, post_id, day, policy)
        except DomainError as error:
            unpriced.note(post_id, day, error)
            annual = ZERO
        held = books.post(post_id, day) is not None
        fte = parse_fte(state["fte"], places=10) if held and state else ZERO
        filled = books.holder(post_id, day, policy.shift_start_months) is not None
        commitment = ZERO
        if (
            policy.basis == FORECAST
            and held
            and state
            and not filled
            and _approved(books, post_id, day)
        ):
            try:
                commitment = budget_rate(books, state, day, policy)
            except DomainError as error:
                unpriced.note(post_id, day, error)
        shares = _shares(group_by, post_id, state, spent)
        for key, share in shares.items():
            row = rows.setdefault(key, _row())
            row["posts"] += 1
            row["fte"] += fte * share
            row["annual_cost"] += annual * share
            row["in_year_cost"] += (
                spent.get(key, ZERO) if group_by == "funding" else sum(spent.values(), ZERO)
            )
            row["obligations"] += annual * share if filled else ZERO
            row["commitments"] += commitment * share
    listed = [{"key": key, **_shown(row, policy)} for key, row in sorted(rows.items())]
    total = _row()
    for row in rows.values():
        for name in total:
            total[name] += row[name]
    return {
        "fy": fy,
        "as_of": day,
        "basis": policy.basis,
        "group_by": group_by,
        "rows": listed,
        "totals": _shown(total, policy),
        "unpriced": [
            {"post_id": key, "problem": text} for key, text in sorted(unpriced.problems.items())
        ],
    }


def _shares(
    group_by: str, post_id: str, state: dict[str, Any] | None, spent: dict[str, Decimal]
) -> dict[str, Decimal]:
    if group_by == "post":
        return {post_id: Decimal(1)}
    if group_by == "grade":
        return {str((state or {}).get("grade")): Decimal(1)}
    if group_by == "org_unit":
        return {str((state or {}).get("org_unit_id")): Decimal(1)}
    shares = dict(funders(state))
    for source in spent:
        shares.setdefault(source, ZERO)
    return shares


def _shown(row: dict[str, Any], policy: Policy) -> dict[str, Any]:
    shown = {
        "posts": row["posts"],
        "fte": fte_text(row["fte"]),
        "annual_cost": money_text(row["annual_cost"]),
        "in_year_cost": money_text(row["in_year_cost"]),
    }
    if policy.basis == FORECAST:
        shown["obligations"] = money_text(row["obligations"])
        shown["commitments"] = money_text(row["commitments"])
    return shown
