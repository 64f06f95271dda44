"""A savings statement between two effective dates, in the shape of seed 000's Table 1 (pure).

Posts deleted, created and changed (re-designated or re-graded: old and new cost), posts moved in
or out of the unit with their budget, and externally funded posts shown at zero base-budget
impact; the net annual cost and FTE count the base budget only. Every line is priced at the
`to` date's pay and rates (the statement's price base) unless explicit costs are used; `rates_on`
takes the on-cost rates from another date (next year's pay award at the rates in force now).

A line that cannot be priced at the price base shows 0.00 and its post is listed in `unpriced`
(with `unpriced_totals`), never left as a silent zero; a statement prices each line on one day,
so its `days_unpriced` is null.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from contracts.decisions import DomainError
from contracts.establishment import BASE_BUDGET
from contracts.money import fte_text, money_text, parse_fte
from readmodels.establishment import funding_view
from services.finance.costing import ZERO, Policy, budget_rate
from services.finance.ledger import scope
from services.finance.unpriced import Unpriced, listing

if TYPE_CHECKING:
    from decimal import Decimal

    from readmodels.establishment import PostState
    from services.finance.books import Books

COMPARED = ("title", "grade", "fte", "budgeted_annual_cost")
PARTS = ("deleted", "created", "changed", "transferred_in", "transferred_out", "externally_funded")


def _external(post: PostState) -> bool:
    return any(item.source_id != BASE_BUDGET for item in post.funding)


def _within(post: PostState | None, units: set[str] | None) -> bool:
    return post is not None and (units is None or post.org_unit_id in units)


def _fte(post: PostState) -> Decimal:
    return parse_fte(post.fte, places=10)


def _cost(
    books: Books, post_id: str, post: PostState, policy: Policy, unpriced: Unpriced
) -> Decimal:
    """A post's budget at the statement's price base (0, and noted, if it cannot be priced)."""
    assert policy.price_on is not None
    try:
        return budget_rate(books, post, policy.price_on, policy)
    except DomainError as error:
        unpriced.note(post_id, policy.price_on, error, post)
        return ZERO


def _classify(  # noqa: PLR0911 - one return per part of the statement
    before: PostState | None, after: PostState | None, *, was_in: bool, now_in: bool
) -> tuple[str | None, PostState | None]:
    """Which part of the statement a post belongs to, and its state there."""
    if now_in and after is not None and _external(after):
        already = was_in and before is not None and _external(before)
        return (None, None) if already else ("externally_funded", after)
    if was_in and after is None:
        return "deleted", before
    if now_in and before is None:
        return "created", after
    if was_in and not now_in:
        return "transferred_out", before
    if now_in and not was_in:
        return "transferred_in", after
    if before and after and any(getattr(before, key) != getattr(after, key) for key in COMPARED):
        return "changed", None
    return None, None


def _item(post_id: str, post: PostState, cost: Decimal) -> dict[str, Any]:
    return {
        "post_id": post_id,
        "title": post.title,
        "grade": post.grade,
        "fte": fte_text(post.fte),
        "org_unit_id": post.org_unit_id,
        "funding": funding_view(post.funding),
        "annual_cost": money_text(cost),
    }


class _Part:
    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []
        self.fte = ZERO
        self.cost = ZERO

    def add(self, item: dict[str, Any], fte: Decimal, cost: Decimal) -> None:
        self.items.append(item)
        self.fte += fte
        self.cost += cost

    def shown(self) -> dict[str, Any]:
        return {
            "posts": len(self.items),
            "fte": fte_text(self.fte),
            "annual_cost": money_text(self.cost),
            "items": self.items,
        }


def statement(
    books: Books, start: str, end: str, policy: Policy, org_unit_id: str | None = None
) -> dict[str, Any]:
    """What changed in the establishment's cost between `start` and `end`."""
    priced = Policy(
        explicit_costs=policy.explicit_costs,
        price_on=policy.price_on or end,
        rates_on=policy.rates_on,
    )
    before_units, after_units = scope(books, org_unit_id, start), scope(books, org_unit_id, end)
    parts = {name: _Part() for name in PARTS}
    unpriced = Unpriced()
    changed_before = changed_after = ZERO
    for post_id in sorted(books.establishment.posts):
        before, after = books.post(post_id, start), books.post(post_id, end)
        was_in, now_in = _within(before, before_units), _within(after, after_units)
        if not was_in and not now_in:
            continue
        part, post = _classify(before, after, was_in=was_in, now_in=now_in)
        if part is None:
            continue
        if part == "changed":
            assert before is not None
            assert after is not None
            old = _cost(books, post_id, before, priced, unpriced)
            new = _cost(books, post_id, after, priced, unpriced)
            item = {
                "post_id": post_id,
                "before": _item(post_id, before, old),
                "after": _item(post_id, after, new),
            }
            parts["changed"].add(item, _fte(after) - _fte(before), new - old)
            changed_before += old
            changed_after += new
        else:
            assert post is not None
            cost = _cost(books, post_id, post, priced, unpriced)
            parts[part].add(_item(post_id, post, cost), _fte(post), cost)
    net_fte = parts["created"].fte - parts["deleted"].fte + parts["changed"].fte
    net_cost = parts["created"].cost - parts["deleted"].cost + parts["changed"].cost
    shown = {name: part.shown() for name, part in parts.items()}
    shown["externally_funded"]["base_budget_impact"] = money_text(ZERO)
    return {
        "from": start,
        "to": end,
        "org_unit_id": org_unit_id,
        "price_on": priced.price_on,
        "rates_on": priced.rates_on or priced.price_on,
        "costs": "explicit where given" if policy.explicit_costs else "grades alone",
        **shown,
        "net": {"fte": fte_text(net_fte), "annual_cost": money_text(net_cost)},
        "table": {
            "deletions": money_text(parts["deleted"].cost + changed_before),
            "new_posts": money_text(parts["created"].cost + changed_after),
        },
        **listing(books, unpriced, count_days=False, rates_on=priced.rates_on),
    }


def baseline(
    books: Books, start: str, end: str, policy: Policy, org_unit_id: str | None = None
) -> Decimal:
    """The base-budget cost of the unit's posts on `start`, at the statement's price base.

    Where a savings chart starts; externally funded posts are outside the base budget.
    """
    priced = Policy(
        explicit_costs=policy.explicit_costs,
        price_on=policy.price_on or end,
        rates_on=policy.rates_on,
    )
    units = scope(books, org_unit_id, start)
    unpriced = Unpriced()
    total = ZERO
    for post_id in sorted(books.establishment.posts):
        post = books.post(post_id, start)
        if post is not None and _within(post, units) and not _external(post):
            total += _cost(books, post_id, post, priced, unpriced)
    return total
