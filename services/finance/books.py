"""Everything finance reads, for one view: posts, the pay catalogue, postholders, funding (pure)."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from services.finance.fiscal import next_day, shift_months

if TYPE_CHECKING:
    from contracts.pay_catalogue import PayCatalogue
    from readmodels.establishment import Establishment, PostState
    from readmodels.workforce import Contract, Workforce
    from services.finance.funding_book import FundingBook


def catalogue_dates(pay: PayCatalogue) -> tuple[str, ...]:
    """Every effective date in the catalogue, in order: where any grade's price may change."""
    found = {entry.effective for series in pay.spines.values() for entry in series.entries}
    found.update(entry.effective for series in pay.grades.values() for entry in series.entries)
    found.update(entry.effective for entry in pay.director.entries)
    found.update(entry.effective for entry in pay.rates.entries)
    return tuple(sorted(found))


@dataclass(frozen=True, slots=True)
class Books:
    """Establishment's posts, grading's catalogue, recruitment's postholders, finance's funding.

    One view's snapshot: the catalogue's dates are gathered once, not once per post.
    """

    establishment: Establishment
    pay: PayCatalogue
    staffing: Workforce
    funding: FundingBook
    catalogue_days: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "catalogue_days", catalogue_dates(self.pay))

    def post(self, post_id: str, day: str) -> PostState | None:
        """The post on `day`, or None."""
        return self.establishment.post(post_id, day)

    def deleted_on(self, post_id: str) -> str | None:
        """When the post is deleted (None: it is not)."""
        return self.establishment.deleted_on(post_id)

    def holders(self, post_id: str, day: str, shift_start: int = 0) -> list[Contract]:
        """Every contract covering the post on `day` (a job share has several).

        `shift_start` moves start dates by whole months (the start-date sensitivity).
        """
        deleted = self.deleted_on(post_id)
        found = []
        for holding in self.staffing.contracts_of_post(post_id):
            start = shift_months(holding.start, shift_start) if shift_start else holding.start
            last = holding.last_day(deleted)
            if start <= day and (last is None or day <= last):
                found.append(holding)
        return found

    def change_days(self, post_id: str, first: str, end: str, shift_start: int = 0) -> set[str]:
        """Days in (first, end) on which something that prices this post may change."""
        days = self.catalogue_days
        found = set(days[bisect_right(days, first) : bisect_left(days, end)])
        found.update(self.establishment.post_dates(post_id))
        deleted = self.deleted_on(post_id)
        for holding in self.staffing.contracts_of_post(post_id):
            start = shift_months(holding.start, shift_start) if shift_start else holding.start
            found.add(start)
            found.add(shift_months(start, 6))
            last = holding.last_day(deleted)
            if last:
                found.add(next_day(last))
        return {day for day in found if first < day < end}
