"""Posts that could not be priced, and what they would cost at the nearest known rates (pure).

Finance never prices a post at zero silently. Wherever a post cannot be priced on a day (its grade
is not defined then, no pay spine, Director's salary or on-cost rates are in force, a holder's
point is outside the grade), the day counts nothing in the figures and the post is noted here
with the first problem met, the post as it stood that day and the days left unpriced. Every
answer that sums costs lists these posts (`unpriced`) with totals (`unpriced_totals`), so a
reader sees both the count and roughly how much is missing.

The estimate prices each unpriced post at its grade, top point, own FTE, on the nearest date on
which that grade can be priced: the day of the problem first, then every effective date in the
catalogue, nearest first (an earlier date wins a tie). An explicit `budgeted_annual_cost` counts
as known and is the estimate. A grade that can be priced on no date has no estimate (null).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from contracts.costing import grade_cost
from contracts.decisions import DomainError
from contracts.money import fte_text, money_text, parse_fte
from services.finance.fiscal import days

if TYPE_CHECKING:
    from collections.abc import Sequence

    from contracts.pay_catalogue import PayCatalogue
    from readmodels.establishment import PostState
    from services.finance.books import Books

ZERO = Decimal(0)


@dataclass(slots=True)
class Problem:
    """Why one post could not be priced, the post on that day, and how many days it lost."""

    day: str
    detail: str
    post: PostState | None
    days: int = 0


@dataclass(slots=True)
class Unpriced:
    """Posts that could not be priced (first problem met per post), with the days they lost."""

    problems: dict[str, Problem] = field(default_factory=dict)

    def note(
        self,
        post_id: str,
        day: str,
        error: DomainError,
        post: PostState | None,
        lost_days: int = 0,
    ) -> None:
        """Keep the first problem met for each post; add up the days it could not be priced."""
        found = self.problems.get(post_id)
        if found is None:
            self.problems[post_id] = Problem(day, f"{day}: {error.detail}", post, lost_days)
        else:
            found.days += lost_days
            found.post = found.post or post

    def problem(self, post_id: str) -> str | None:
        """The first problem met pricing `post_id` (None: it was priced throughout)."""
        found = self.problems.get(post_id)
        return found.detail if found else None


def estimate(
    pay: PayCatalogue,
    post: PostState,
    near: str,
    dates: Sequence[str],
    rates_on: str | None = None,
) -> Decimal | None:
    """The post's annual budget on the nearest date its grade can be priced (None: never).

    `rates_on`, as the answer's policy gives it, takes the on-cost rates from that date, so the
    estimate is priced as the answer's priced posts are.
    """
    explicit = post.budgeted_annual_cost
    if explicit is not None:
        return Decimal(str(explicit))
    fte = parse_fte(post.fte, places=10)
    for on in [near, *sorted(dates, key=lambda day: (abs(days(near, day)), day))]:
        try:
            return grade_cost(pay, post.grade, on, fte, rates_day=rates_on).annual_cost
        except DomainError:
            continue
    return None


def listing(
    books: Books, unpriced: Unpriced, *, count_days: bool = True, rates_on: str | None = None
) -> dict[str, Any]:
    """`unpriced` and `unpriced_totals` for an answer (days are null where none are counted)."""
    items: list[dict[str, Any]] = []
    fte = ZERO
    known: list[Decimal] = []
    for post_id, problem in sorted(unpriced.problems.items()):
        post = problem.post
        worth = (
            estimate(books.pay, post, problem.day, books.catalogue_days, rates_on) if post else None
        )
        post_fte = post.fte if post else ZERO
        fte += post_fte
        if worth is not None:
            known.append(worth)
        items.append(
            {
                "post_id": post_id,
                "title": post.title if post else None,
                "grade": post.grade if post else None,
                "fte": fte_text(post_fte),
                "problem": problem.detail,
                "days_unpriced": problem.days if count_days else None,
                "estimated_annual_cost": None if worth is None else money_text(worth),
            }
        )
    total = sum(known, ZERO)
    return {
        "unpriced": items,
        "unpriced_totals": {
            "posts": len(items),
            "fte": fte_text(fte),
            "estimated_annual_cost": money_text(total) if known or not items else None,
            "posts_without_estimate": len(items) - len(known),
        },
    }
