"""What a post costs, day by day and per financial year (pure).

The **budget** prices every established post: its explicit `budgeted_annual_cost` if HR gave one
(unless the statement is asked "from grades alone"), else its grade at the top point with
grading's own cost model. A budget prices the post, never its holders.

The **forecast** follows each contract. A post may have several holders at once (a job share):
on a day it costs the sum of what each covering contract costs at its own FTE and point (one
increment each 1 April up to the grade's top; starters from October to March get their first
after six months), each person with their own NI threshold, plus the vacancy factor (0 by
default) times the budget of the FTE no contract covers (the post's FTE less its holders', if
positive), that share of the post's budget being `budget * unfilled / FTE`.

A policy's `rates_on`, if given, takes every on-cost rate (employer NI threshold and rate, pension,
levy) from that one date while pay stays on the day priced (or `price_on`).

A year's **in-year** cost is the sum of the daily cost over its days, split wherever anything that
prices the post changes (a pay award, an FTE change, an appointment, a leaver, a transfer, a
deletion); the **full-year** cost is the annual rate on one day. Nothing is rounded here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from contracts.costing import grade_on
from contracts.decisions import DomainError
from contracts.establishment import BASE_BUDGET
from contracts.money import parse_fte
from services.finance.fiscal import day_before, days, fy_end, fy_start, shift_months

if TYPE_CHECKING:
    from collections.abc import Sequence

    from readmodels.establishment import PostState
    from readmodels.workforce import Contract
    from services.finance.books import Books
    from services.finance.unpriced import Unpriced

BUDGET = "budget"
FORECAST = "forecast"
ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class Policy:
    """How to price: basis, explicit costs or grades alone, vacancy factor, moved start dates."""

    basis: str = BUDGET
    explicit_costs: bool = True
    vacancy_factor: Decimal = ZERO
    shift_start_months: int = 0
    price_on: str | None = None
    """Price every day at this date's pay and rates (a statement's price base), if given."""
    rates_on: str | None = None
    """Take the on-cost rates from this date instead (next year's pay at this year's rates)."""


@dataclass(frozen=True, slots=True)
class Segment:
    """Days [start, end) at one annual rate, split between funders by share."""

    start: str
    end: str
    rate: Decimal
    funding: tuple[tuple[str, Decimal], ...]


def _fte(value: Any) -> Decimal:
    """A recorded FTE as a number (a post's is one already; a contract's is its text)."""
    return value if isinstance(value, Decimal) else parse_fte(value, places=10)


def budget_rate(books: Books, post: PostState, day: str, policy: Policy) -> Decimal:
    """The annual budget of an established post on `day`.

    Raises:
        DomainError: its grade cannot be priced on that day.
    """
    explicit = post.budgeted_annual_cost
    if policy.explicit_costs and explicit is not None:
        return Decimal(explicit)
    on = policy.price_on or day
    return books.grade_cost(post.grade, on, _fte(post.fte), rates_day=policy.rates_on).annual_cost


def increments(start: str, day: str) -> int:
    """Increments earned by `day` for a holder who started on `start`."""
    begun = date.fromisoformat(start)
    first = shift_months(start, 6) if begun.month >= 10 or begun.month < 4 else None  # noqa: PLR2004
    count = 0
    if first is not None and first <= day:
        count, begun = 1, date.fromisoformat(first)
    year = begun.year + 1 if begun.month >= 4 else begun.year  # noqa: PLR2004 - April
    while f"{year}-04-01" <= day:
        count += 1
        year += 1
    return count


def holder_rate(
    books: Books, post: PostState, holding: Contract, day: str, policy: Policy
) -> Decimal:
    """What a holder costs on `day`: their point, with increments, at their FTE."""
    on = policy.price_on or day
    definition = grade_on(books.pay, post.grade, on)
    point = None
    if definition is not None and definition.scp_min is not None:
        assert definition.scp_max is not None
        start = shift_months(holding.start, policy.shift_start_months)
        base = holding.scp if holding.scp is not None else definition.scp_min
        point = min(base + increments(start, day), definition.scp_max)
    return books.grade_cost(
        post.grade, on, _fte(holding.fte), point, rates_day=policy.rates_on
    ).annual_cost


def holders_rate(
    books: Books, post: PostState, holdings: Sequence[Contract], day: str, policy: Policy
) -> Decimal:
    """What every contract covering the post costs on `day`, each at its own FTE and point.

    Raises:
        DomainError: a holder cannot be priced on that day.
    """
    return sum((holder_rate(books, post, holding, day, policy) for holding in holdings), ZERO)


def unfilled_fte(post: PostState, holdings: Sequence[Contract]) -> Decimal:
    """The post's FTE that no contract covers (never below 0): a part-filled post is part vacant."""
    held = sum((_fte(holding.fte) for holding in holdings), ZERO)
    return max(ZERO, _fte(post.fte) - held)


def vacant_budget(
    books: Books, post: PostState, day: str, policy: Policy, unfilled: Decimal
) -> Decimal:
    """The budget of the unfilled share of a post: its budget times unfilled FTE over its FTE.

    Raises:
        DomainError: its grade cannot be priced on that day.
    """
    if not unfilled:
        return ZERO
    return budget_rate(books, post, day, policy) * unfilled / _fte(post.fte)


@dataclass(frozen=True, slots=True)
class DayCost:
    """A post's annual rate on one day, and the forecast's two parts of it."""

    annual: Decimal
    obligations: Decimal = ZERO
    """What the contracts covering it cost (the forecast's filled part)."""
    vacant: Decimal = ZERO
    """The budget of its unfilled FTE (before any vacancy factor)."""


def day_cost(
    books: Books, post_id: str, day: str, policy: Policy, *, vacant_wanted: bool = False
) -> DayCost:
    """The post's rate on `day` under `policy` (0 if it does not exist then), with its parts.

    The unfilled share's budget is priced only when it counts: a vacancy factor, or
    `vacant_wanted` (the ledger's commitments of an approved vacancy).

    Raises:
        DomainError: it cannot be priced on that day.
    """
    post = books.post(post_id, day)
    if post is None:
        return DayCost(ZERO)
    if policy.basis == BUDGET:
        return DayCost(budget_rate(books, post, day, policy))
    holdings = books.holders(post_id, day, policy.shift_start_months)
    held = holders_rate(books, post, holdings, day, policy)
    vacant = ZERO
    if policy.vacancy_factor or vacant_wanted:
        vacant = vacant_budget(books, post, day, policy, unfilled_fte(post, holdings))
    return DayCost(held + policy.vacancy_factor * vacant, held, vacant)


def rate(books: Books, post_id: str, day: str, policy: Policy) -> Decimal:
    """The annual rate of a post on `day` under `policy` (0 if it does not exist then).

    Raises:
        DomainError: it cannot be priced on that day.
    """
    return day_cost(books, post_id, day, policy).annual


def funders(post: PostState | None) -> tuple[tuple[str, Decimal], ...]:
    """The post's funding shares; none listed means the base budget."""
    if post is None or not post.funding:
        return ((BASE_BUDGET, Decimal(1)),)
    return tuple((item.source_id, item.share) for item in post.funding)


def segments(
    books: Books, post_id: str, first: str, end: str, *, policy: Policy, unpriced: Unpriced
) -> list[Segment]:
    """The post's days in [first, end), split wherever its price may change.

    A run of days that cannot be priced counts nothing and is noted in `unpriced` with its days.
    """
    changes = books.change_days(
        post_id, first, end, policy.shift_start_months, holders=policy.basis != BUDGET
    )
    cuts = sorted({first, *changes})
    found = []
    for start, stop in zip(cuts, [*cuts[1:], end], strict=True):
        post = books.post(post_id, start)
        try:
            value = rate(books, post_id, start, policy)
        except DomainError as error:
            unpriced.note(post_id, start, error, post, days(start, stop))
            value = ZERO
        if value:
            found.append(Segment(start, stop, value, funders(post)))
    return found


def in_year(
    books: Books,
    post_id: str,
    fy: int,
    *,
    policy: Policy,
    unpriced: Unpriced,
    window: tuple[str, str] | None = None,
) -> dict[str, Decimal]:
    """The post's cost in `fy` by funding source: the year's daily rate times the days.

    `window` narrows the days counted (a funding stream's period), still at the year's daily rate.
    """
    first, end = fy_start(fy), fy_end(fy)
    year_days = Decimal(days(first, end))
    if window is not None:
        first, end = max(first, window[0]), min(end, window[1])
        if first >= end:
            return {}
    by_source: dict[str, Decimal] = {}
    for segment in segments(books, post_id, first, end, policy=policy, unpriced=unpriced):
        cost = segment.rate * days(segment.start, segment.end) / year_days
        for source, share in segment.funding:
            by_source[source] = by_source.get(source, ZERO) + cost * share
    return by_source


def annual_day(fy: int, as_of: str) -> str:
    """The day whose rate is the year's full-year cost: `as_of`, kept inside the year."""
    first, end = fy_start(fy), fy_end(fy)
    if as_of < first:
        return first
    if as_of >= end:
        return day_before(end)
    return as_of
