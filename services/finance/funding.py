"""A funding stream's commitments, headroom and warnings, and start-date sensitivity (pure).

Both follow each contract of a post (a job share's holders each at their own FTE and point), as
the forecast does, and list any post they could not price on some day (`unpriced`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from contracts.money import money_text
from services.finance.costing import FORECAST, ZERO, Policy, in_year
from services.finance.fiscal import day_before, fy_end, fy_of, next_day
from services.finance.ledger import scope
from services.finance.unpriced import Unpriced, listing

if TYPE_CHECKING:
    from decimal import Decimal

    from services.finance.books import Books
    from services.finance.funding_book import FundingStream

BUDGET = Policy()


def _funded_posts(books: Books, source_id: str) -> list[str]:
    return books.establishment.ever_funded_by(source_id)


def committed_by_fy(
    books: Books, stream: FundingStream, unpriced: Unpriced | None = None
) -> dict[int, Decimal]:
    """The budget cost of the posts a stream funds (their share), per year of its period.

    Days a post cannot be priced are noted in `unpriced` (if given).
    """
    window = (stream.start, next_day(stream.end))
    posts = _funded_posts(books, stream.source_id)
    unpriced = unpriced if unpriced is not None else Unpriced()
    found: dict[int, Decimal] = {}
    for fy in range(fy_of(stream.start), fy_of(stream.end) + 1):
        found[fy] = sum(
            (
                in_year(books, post_id, fy, policy=BUDGET, unpriced=unpriced, window=window).get(
                    stream.source_id, ZERO
                )
                for post_id in posts
            ),
            ZERO,
        )
    return found


def committed(books: Books, stream: FundingStream) -> Decimal:
    """The stream's whole commitment over its period."""
    return sum(committed_by_fy(books, stream).values(), ZERO)


def outliving(books: Books, stream: FundingStream) -> list[dict[str, Any]]:
    """Posts the stream funds that still exist, still charged to it, after it ends."""
    after = next_day(stream.end)
    warnings = []
    for post_id in _funded_posts(books, stream.source_id):
        post = books.post(post_id, after)
        if post is None:
            continue
        if any(item.source_id == stream.source_id for item in post.funding):
            warnings.append(
                {
                    "post_id": post_id,
                    "from": after,
                    "warning": f"{stream.source_id} ends on {stream.end} and no other funding "
                    "is recorded for this post from the next day",
                }
            )
    return warnings


def stream_view(books: Books, stream: FundingStream) -> dict[str, Any]:
    """What GET /funding-streams/{source_id} answers."""
    unpriced = Unpriced()
    by_fy = committed_by_fy(books, stream, unpriced)
    total = sum(by_fy.values(), ZERO)
    secured = stream.amount - stream.contingent
    return {
        "source_id": stream.source_id,
        "name": stream.name,
        "amount": money_text(stream.amount),
        "contingent_amount": money_text(stream.contingent),
        "start_date": stream.start,
        "end_date": stream.end,
        "committed": money_text(total),
        "headroom": money_text(stream.amount - total),
        "headroom_if_contingent_not_received": money_text(secured - total),
        "breached": total > stream.amount,
        "by_fy": [{"fy": fy, "committed": money_text(value)} for fy, value in by_fy.items()],
        "warnings": outliving(books, stream),
        **listing(books, unpriced),
    }


def sensitivity(
    books: Books, fy: int, months: int, org_unit_id: str | None = None
) -> dict[str, Any]:
    """The forecast in-year cost change if every holder had started `months` later (or earlier).

    Each contract of a post moves (a job share's holders each by `months`). A post unpriced on
    some day is listed with the days of the year as recorded, or as moved if only then.
    """
    units = scope(books, org_unit_id, day_before(fy_end(fy)))
    base, moved = Policy(basis=FORECAST), Policy(basis=FORECAST, shift_start_months=months)
    unpriced, unpriced_moved = Unpriced(), Unpriced()
    before = after = ZERO
    for post_id in sorted(books.staffing.by_post):
        post = books.post(post_id, f"{fy}-04-01") or books.post(post_id, f"{fy + 1}-03-31")
        if post is None or (units is not None and post.org_unit_id not in units):
            continue
        before += sum(in_year(books, post_id, fy, policy=base, unpriced=unpriced).values(), ZERO)
        after += sum(
            in_year(books, post_id, fy, policy=moved, unpriced=unpriced_moved).values(), ZERO
        )
    for post_id, problem in unpriced_moved.problems.items():
        unpriced.problems.setdefault(post_id, problem)
    return {
        "fy": fy,
        "months": months,
        "org_unit_id": org_unit_id,
        "in_year_cost": money_text(before),
        "in_year_cost_moved": money_text(after),
        "change": money_text(after - before),
        **listing(books, unpriced),
    }
