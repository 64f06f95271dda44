"""The budget and forecast ledgers for a financial year, grouped four ways (pure).

Each row: the posts in the group, their FTE and full-year cost on the year's costing day, and
their in-year cost. The forecast also separates obligations (what the contracts covering posts
cost) from commitments (the budget of the unfilled FTE of posts with approval to recruit); a
job-shared or part-filled post has both.

Grouped by funding, each post's FTE, full-year cost, obligations and commitments are split by the
funding shares in force on the costing day, and its in-year cost by the shares in force on each
day, so a post split 50/50 between two streams counts half in each row. Such a post appears in
both rows, but once in `totals.posts`. Whatever the grouping, the totals are the ungrouped
ledger's: every post's figures summed once.

Money is summed unrounded and rounded to the penny (FTE to 0.0001) only for display. The totals
are rounded as money always is; each column of rows is then rounded so that the shown rows add
up exactly to the shown total, the pennies left over going to the rows with the largest
remainders (`apportion.py`): every shown row is within a penny of its exact value.

Posts that could not be priced on some days are listed (`unpriced`, `unpriced_totals`:
`unpriced.py`), never counted as a silent zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from contracts.decisions import DomainError
from contracts.money import FTE_DISPLAY, PENNY, fte_text, money_text, parse_fte
from services.finance.apportion import apportion
from services.finance.costing import (
    FORECAST,
    ZERO,
    DayCost,
    Policy,
    annual_day,
    day_cost,
    funders,
    in_year,
)
from services.finance.fiscal import fy_end, fy_start
from services.finance.unpriced import Unpriced, listing

if TYPE_CHECKING:
    from readmodels.establishment import PostState
    from services.finance.books import Books

GROUPS = ("org_unit", "grade", "funding", "post")
MONEY = ("annual_cost", "in_year_cost", "obligations", "commitments")


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


@dataclass(slots=True)
class Figures:
    """One row (or the totals) before rounding."""

    posts: int = 0
    fte: Decimal = ZERO
    annual_cost: Decimal = ZERO
    in_year_cost: Decimal = ZERO
    obligations: Decimal = ZERO
    commitments: Decimal = ZERO

    def add(self, other: Figures, share: Decimal = Decimal(1)) -> None:
        """Count `other` (one post) in this row at `share` of its FTE and costing-day money.

        Its in-year cost is the caller's to add: grouped by funding it follows each day's shares.
        """
        self.posts += other.posts
        self.fte += other.fte * share
        self.annual_cost += other.annual_cost * share
        self.obligations += other.obligations * share
        self.commitments += other.commitments * share


def _approved(books: Books, post_id: str, day: str) -> bool:
    approvals = books.staffing.approvals.get(post_id, ())
    return any(approval.approved_on <= day for approval in approvals)


def _state_in_year(books: Books, post_id: str, fy: int, day: str) -> PostState | None:
    """The post on the costing day, else at the year's start, else when it first exists in it."""
    found = books.post(post_id, day) or books.post(post_id, fy_start(fy))
    if found is not None:
        return found
    first, end = fy_start(fy), fy_end(fy)
    for change in books.establishment.posts[post_id].changes:
        if first <= change.effective < end:
            found = books.post(post_id, change.effective)
            if found is not None:
                return found
    return None


def _on_the_day(
    books: Books, post_id: str, day: str, policy: Policy, unpriced: Unpriced
) -> Figures:
    """The post's FTE, full-year cost, obligations and commitments on the costing day."""
    post = books.post(post_id, day)
    if post is None:
        return Figures(posts=1)
    approved = policy.basis == FORECAST and _approved(books, post_id, day)
    try:
        cost = day_cost(books, post_id, day, policy, vacant_wanted=approved)
    except DomainError as error:
        unpriced.note(post_id, day, error, post)
        cost = DayCost(ZERO)
    return Figures(
        posts=1,
        fte=parse_fte(post.fte, places=10),
        annual_cost=cost.annual,
        obligations=cost.obligations,
        commitments=cost.vacant if approved else ZERO,
    )


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
    rows: dict[str, Figures] = {}
    total = Figures()
    for post_id in sorted(books.establishment.posts):
        state = _state_in_year(books, post_id, fy, day)
        if state is None or (units is not None and state.org_unit_id not in units):
            continue
        spent = in_year(books, post_id, fy, policy=policy, unpriced=unpriced)
        figures = _on_the_day(books, post_id, day, policy, unpriced)
        figures.in_year_cost = sum(spent.values(), ZERO)
        total.add(figures)
        total.in_year_cost += figures.in_year_cost
        for key, share in _shares(group_by, post_id, state, spent).items():
            row = rows.setdefault(key, Figures())
            row.add(figures, share)
            row.in_year_cost += (
                spent.get(key, ZERO) if group_by == "funding" else figures.in_year_cost
            )
    listed, totals = _shown(rows, total, policy)
    return {
        "fy": fy,
        "as_of": day,
        "basis": policy.basis,
        "group_by": group_by,
        "rows": listed,
        "totals": totals,
        **listing(books, unpriced, rates_on=policy.rates_on),
    }


def _shares(
    group_by: str, post_id: str, state: PostState, spent: dict[str, Decimal]
) -> dict[str, Decimal]:
    """The rows a post counts in, and its share of each (funding: its shares, else all of it)."""
    if group_by == "post":
        return {post_id: Decimal(1)}
    if group_by == "grade":
        return {str(state.grade): Decimal(1)}
    if group_by == "org_unit":
        return {str(state.org_unit_id): Decimal(1)}
    shares = dict(funders(state))
    for source in spent:
        shares.setdefault(source, ZERO)
    return shares


def _shown(
    rows: dict[str, Figures], total: Figures, policy: Policy
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Rows and totals as shown: the totals rounded, each column apportioned to add up to them."""
    keys = sorted(rows)
    columns = ("fte", *MONEY) if policy.basis == FORECAST else ("fte", *MONEY[:2])
    totals: dict[str, Any] = {"posts": total.posts}
    shown: list[dict[str, Any]] = [{"key": key, "posts": rows[key].posts} for key in keys]
    for column in columns:
        text, quantum = (fte_text, FTE_DISPLAY) if column == "fte" else (money_text, PENNY)
        totals[column] = text(getattr(total, column))
        exact = [getattr(rows[key], column) for key in keys]
        for row, value in zip(
            shown, apportion(exact, Decimal(totals[column]), quantum), strict=True
        ):
            row[column] = format(value, "f")
    return shown, totals
