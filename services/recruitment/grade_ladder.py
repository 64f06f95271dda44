"""Grades ordered by salary within their family on a date, for "one grade either side" (pure).

Every grade the catalogue defines on the date, and every grade a post carries, is placed on the
ladder of its family (`GradeRange.family`: a spine grade's scheme, `JNC Dir` for the Director's
shares, `salary bands`, or whatever the catalogue names) by its top salary then (grading's own
figures, folded from its stream). Grades of different families are never neighbours, however
close their salaries: a PO6 at risk is offered a PO5 post even though `Dir X%` grades are paid
between them on one council-wide scale. The same grade is always suitable; a grade that cannot be
priced on the date is suitable only for itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from contracts.costing import grade_on, salary_on
from contracts.decisions import DomainError
from contracts.identifiers import grade_key

if TYPE_CHECKING:
    from collections.abc import Iterable
    from decimal import Decimal

    from contracts.pay_catalogue import PayCatalogue

Ranks = dict[str, tuple[str, int]]
"""Grade key -> (its family, its rank on that family's ladder, lowest salary first)."""


def ladder(pay: PayCatalogue, grades: Iterable[str], day: str) -> Ranks:
    """The family and rank of each priceable grade on `day` (equal salaries share a rank)."""
    priced: dict[str, tuple[str, Decimal]] = {}
    for grade in {*pay.grades, *grades}:
        key = grade_key(grade)
        definition = grade_on(pay, grade, day)
        if key in priced or definition is None:
            continue
        try:
            priced[key] = (definition.family, salary_on(pay, definition, day, None)[1])
        except DomainError:
            continue
    salaries: dict[str, set[Decimal]] = {}
    for family, salary in priced.values():
        salaries.setdefault(family, set()).add(salary)
    position = {
        family: {value: index for index, value in enumerate(sorted(values))}
        for family, values in salaries.items()
    }
    return {key: (family, position[family][salary]) for key, (family, salary) in priced.items()}


def suitable(ranks: Ranks, held: str, offered: str) -> bool:
    """Whether a post at `offered` is a suitable alternative for someone at `held`."""
    held_key, offered_key = grade_key(held), grade_key(offered)
    if held_key == offered_key:
        return True
    if held_key not in ranks or offered_key not in ranks:
        return False
    (held_family, held_rank), (offered_family, offered_rank) = ranks[held_key], ranks[offered_key]
    return held_family == offered_family and abs(held_rank - offered_rank) <= 1
