"""Everything finance reads, for one view: posts, the pay catalogue, postholders, funding (pure)."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from contracts.costing import GradeCost, grade_cost
from readmodels.establishment import deletion_day
from services.finance.fiscal import next_day, shift_months

if TYPE_CHECKING:
    from collections.abc import Mapping
    from decimal import Decimal

    from contracts.pay_catalogue import PayCatalogue
    from readmodels.establishment import Establishment, PostState
    from readmodels.timeline import Timeline
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

    One view's snapshot: the catalogue's dates are gathered once, not once per post, and each
    grade's price on a day is worked out once for every post of that grade and FTE.
    """

    establishment: Establishment
    pay: PayCatalogue
    staffing: Workforce
    funding: FundingBook
    catalogue_days: tuple[str, ...] = field(init=False)
    pinned: Mapping[str, Timeline[PostState]] = field(default_factory=dict)
    """Posts seen as they stood at an earlier point of establishment's log than the rest."""
    priced: dict[tuple[str, str, Decimal, int | None, str | None], GradeCost] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        object.__setattr__(self, "catalogue_days", catalogue_dates(self.pay))
        object.__setattr__(self, "priced", {})

    def with_post(self, timeline: Timeline[PostState]) -> Books:
        """The same books with one post seen through `timeline` (an earlier view of it)."""
        if self.establishment.posts.get(timeline.aggregate_id) is timeline:
            return self
        books = Books(
            self.establishment,
            self.pay,
            self.staffing,
            self.funding,
            {
                **self.pinned,
                timeline.aggregate_id: timeline,
            },
        )
        object.__setattr__(books, "priced", self.priced)
        return books

    def timeline(self, post_id: str) -> Timeline[PostState] | None:
        """The post's timeline as these books see it."""
        pinned = self.pinned.get(post_id)
        return pinned if pinned is not None else self.establishment.posts.get(post_id)

    def grade_cost(
        self,
        grade: str,
        on: str,
        fte: Decimal,
        scp: int | None = None,
        rates_day: str | None = None,
    ) -> GradeCost:
        """`contracts.costing.grade_cost` over this view's catalogue, remembered.

        Raises:
            DomainError: the grade cannot be priced on that day (never remembered).
        """
        key = (grade, on, fte, scp, rates_day)
        found = self.priced.get(key)
        if found is None:
            found = grade_cost(self.pay, grade, on, fte, scp, rates_day=rates_day)
            self.priced[key] = found
        return found

    def post(self, post_id: str, day: str) -> PostState | None:
        """The post on `day`, or None."""
        timeline = self.timeline(post_id)
        return timeline.at(day) if timeline else None

    def deleted_on(self, post_id: str) -> str | None:
        """When the post is deleted (None: it is not)."""
        return deletion_day(self.timeline(post_id))

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

    def change_days(
        self, post_id: str, first: str, end: str, shift_start: int = 0, *, holders: bool = True
    ) -> set[str]:
        """Days in (first, end) on which something that prices this post may change.

        `holders=False` leaves out its contracts' days: a budget prices the post, never them.
        """
        days = self.catalogue_days
        found = set(days[bisect_right(days, first) : bisect_left(days, end)])
        timeline = self.timeline(post_id)
        found.update(timeline.dates() if timeline else ())
        if not holders:
            return {day for day in found if first < day < end}
        deleted = self.deleted_on(post_id)
        for holding in self.staffing.contracts_of_post(post_id):
            start = shift_months(holding.start, shift_start) if shift_start else holding.start
            found.add(start)
            found.add(shift_months(start, 6))
            last = holding.last_day(deleted)
            if last:
                found.add(next_day(last))
        return {day for day in found if first < day < end}
