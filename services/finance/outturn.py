"""Outturn of an approved proposal: the savings it modelled for a year against what happened (pure).

Three views of the same posts, each costed for the financial year on the forecast basis (filled
posts as obligations, so a post filled late or early shows), except the posts the proposal
creates, which are costed on the budget basis: creating a post commits its budget whether or not
it is filled yet, as a savings statement counts it. The *baseline*, everything as known
when the proposal was submitted, without it; the *modelled*, that with the proposal applied;
and the *actual*, everything as known now. Modelled saving = baseline - modelled; actual saving
= baseline - actual. Each post the proposal touched is a line with the cause of any difference:
deleted later or earlier than planned (or not at all), created later or earlier (or not),
filled on a date the plan did not have, a redeployment into it, or else pay and on-cost rates
since (the same post and dates, priced differently).

An invest-to-save proposal (seed 002) is judged by the split: the *investment* is what the
posts it creates cost, the *savings* what the other posts it touches no longer cost, each
modelled and actual; it is `recouped` in the year when the actual savings at least equal the
actual investment. Each line's costs are rounded to the penny before they are added, so the
statement adds up as printed: the shortfall is the sum of the lines' differences.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from contracts.money import PENNY, money_text
from services.finance.costing import BUDGET, FORECAST, ZERO, Policy, in_year
from services.finance.unpriced import Unpriced, listing

if TYPE_CHECKING:
    from decimal import Decimal

    from readmodels.proposals import Proposal
    from services.finance.books import Books

FORECAST_POLICY = Policy(basis=FORECAST)
BUDGET_POLICY = Policy(basis=BUDGET)


def outturn(
    baseline: Books, modelled: Books, actual: Books, proposal: Proposal, fy: int
) -> dict[str, Any]:
    """The proposal's modelled and actual saving in `fy`, line by line with causes."""
    planned = _planned_dates(proposal)
    unpriced = Unpriced()
    lines = []
    totals = {"baseline": ZERO, "modelled": ZERO, "actual": ZERO}
    invested = {"modelled": ZERO, "actual": ZERO}
    for post_id in planned:
        policy = BUDGET_POLICY if "created" in planned[post_id] else FORECAST_POLICY
        costs = {
            name: _cost(books, post_id, fy, policy, unpriced)
            for name, books in (("baseline", baseline), ("modelled", modelled), ("actual", actual))
        }
        for name, cost in costs.items():
            totals[name] += cost
        if "created" in planned[post_id]:
            for name in invested:
                invested[name] += costs[name] - costs["baseline"]
        difference = costs["actual"] - costs["modelled"]
        lines.append(
            {
                "post_id": post_id,
                "baseline_cost": money_text(costs["baseline"]),
                "modelled_cost": money_text(costs["modelled"]),
                "actual_cost": money_text(costs["actual"]),
                "difference": money_text(difference),
                "cause": _cause(post_id, planned[post_id], modelled, actual, difference),
            }
        )
    modelled_saving = totals["baseline"] - totals["modelled"]
    actual_saving = totals["baseline"] - totals["actual"]
    return {
        "proposal_id": proposal.proposal_id,
        "fy": fy,
        "basis": FORECAST,
        "created_posts_basis": BUDGET,
        "modelled_saving": money_text(modelled_saving),
        "actual_saving": money_text(actual_saving),
        "shortfall": money_text(modelled_saving - actual_saving),
        "investment": {name: money_text(cost) for name, cost in invested.items()},
        "savings": {
            "modelled": money_text(modelled_saving + invested["modelled"]),
            "actual": money_text(actual_saving + invested["actual"]),
        },
        "recouped": actual_saving >= 0,
        "lines": lines,
        **listing(actual, unpriced),
    }


def _planned_dates(proposal: Proposal) -> dict[str, dict[str, str]]:
    """Each post the proposal touches, with the dates it planned to create or delete it."""
    planned: dict[str, dict[str, str]] = {}
    for facts in proposal.events:
        for fact in facts:
            if fact["aggregate_type"] != "post":
                continue
            dates = planned.setdefault(fact["aggregate_id"], {})
            if fact["type"] == "PostDeleted":
                dates["deleted"] = fact["effective_date"]
            elif fact["type"] == "PostCreated":
                dates["created"] = fact["effective_date"]
    return planned


def _cost(books: Books, post_id: str, fy: int, policy: Policy, unpriced: Unpriced) -> Decimal:
    if post_id not in books.establishment.posts:
        return ZERO
    spent = in_year(books, post_id, fy, policy=policy, unpriced=unpriced)
    return sum(spent.values(), ZERO).quantize(PENNY)


def _cause(
    post_id: str, dates: dict[str, str], modelled: Books, actual: Books, difference: Decimal
) -> str:
    """Why the actual cost differs from the modelled one (or that it does not)."""
    moved = _dates_moved(post_id, dates, actual)
    if moved is not None:
        return moved
    if difference == 0:
        return "as planned"
    contracts = actual.staffing.contracts_of_post(post_id)
    if any(contract.at_risk_contract_id for contract in contracts):
        return "a redeployment into it"
    planned_starts = {contract.start for contract in modelled.staffing.contracts_of_post(post_id)}
    filled = sorted(c.start for c in contracts if c.start not in planned_starts)
    if filled:
        return f"filled from {filled[0]}, which the plan did not have"
    return "pay or on-cost rates changed since it was modelled"


def _dates_moved(post_id: str, dates: dict[str, str], actual: Books) -> str | None:
    """A planned deletion or creation that happened on another date, or not at all."""
    live = actual.establishment
    for change, when in (
        ("deleted", live.deleted_on(post_id)),
        ("created", live.created_on(post_id)),
    ):
        if change not in dates:
            continue
        if when is None:
            return f"not {change}"
        if when != dates[change]:
            return f"{change} on {when}, {_days(dates[change], when)} than planned"
    return None


def _days(planned: str, happened: str) -> str:
    gap = (date.fromisoformat(happened) - date.fromisoformat(planned)).days
    return f"{abs(gap)} days {'later' if gap > 0 else 'earlier'}"
