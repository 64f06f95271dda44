"""Grades ordered by salary on a date, for "same grade or one grade either side" (pure).

Every grade the catalogue defines on the date, and every grade a post carries, is placed by its
top salary then (grading's own figures, folded from its stream). A grade that cannot be priced
on the date is suitable only for itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from contracts.costing import grade_on, salary_on
from contracts.decisions import DomainError

if TYPE_CHECKING:
    from collections.abc import Iterable
    from decimal import Decimal

    from contracts.pay_catalogue import PayCatalogue


def ladder(pay: PayCatalogue, grades: Iterable[str], day: str) -> dict[str, int]:
    """Rank of each priceable grade on `day`, lowest salary first (equal salaries share a rank)."""
    priced: dict[str, Decimal] = {}
    for grade in {*pay.grades, *grades}:
        definition = grade_on(pay, grade, day)
        if definition is None:
            continue
        try:
            priced[grade] = salary_on(pay, definition, day, None)[1]
        except DomainError:
            continue
    salaries = sorted(set(priced.values()))
    position = {value: index for index, value in enumerate(salaries)}
    return {grade: position[value] for grade, value in priced.items()}


def suitable(ranks: dict[str, int], held: str, offered: str) -> bool:
    """Whether a post at `offered` is a suitable alternative for someone at `held`."""
    if held == offered:
        return True
    if held not in ranks or offered not in ranks:
        return False
    return abs(ranks[held] - ranks[offered]) <= 1
