"""What a grade costs on a date (pure): salary at a point, employer on-costs, annual cost.

Grading answers `GET /grades/{grade}/cost` with this; finance costs posts with the same code.

The model is PAY_AND_RULES.md's: `annual = FTE*S*(1 + pension + levy) + NI*max(0, FTE*S - T)`.
The NI threshold T is per person and is not pro-rated by FTE, which is why a part-time post costs
more than its FTE share of a full-time one. Everything stays `Decimal`; components are rounded to
the penny only in the answer, and the annual cost is the sum of the rounded components.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from contracts.decisions import DomainError
from contracts.identifiers import director_percent, grade_key, normalise_grade
from contracts.money import PENNY
from contracts.pay_catalogue import DIRECTOR_FAMILY, GradeRange
from contracts.rejections import Reason

if TYPE_CHECKING:
    from contracts.pay_catalogue import OnCostRates, PayCatalogue

HUNDRED = Decimal(100)


@dataclass(frozen=True, slots=True)
class GradeCost:
    """The full-year cost of one post at a grade on a date."""

    grade: str
    on: str
    scp: int | None
    fte: Decimal
    salary: Decimal
    """Full-time annual salary at the point (or the Director share)."""
    pay: Decimal
    """Salary times FTE."""
    employer_ni: Decimal
    pension: Decimal
    levy: Decimal

    @property
    def annual_cost(self) -> Decimal:
        """Pay plus every on-cost."""
        return self.pay + self.employer_ni + self.pension + self.levy


def _pennies(amount: Decimal) -> Decimal:
    return amount.quantize(PENNY, rounding=ROUND_HALF_UP)


def grade_on(catalogue: PayCatalogue, grade: str, on: str) -> GradeRange | None:
    """The grade's definition on `on`; a 'Dir X%' grade needs none (it is X% of the Director)."""
    series = catalogue.grades.get(grade_key(grade))
    found = series.at(on) if series else None
    if found is not None:
        return found.value
    try:
        percent = director_percent(normalise_grade(grade))
    except ValueError:
        return None
    if percent is None:
        return None
    return GradeRange(normalise_grade(grade), None, None, None, percent, family=DIRECTOR_FAMILY)


def rates_on(catalogue: PayCatalogue, on: str) -> OnCostRates:
    """The on-cost rates in force on `on`."""
    found = catalogue.rates.at(on)
    if found is None:
        raise DomainError(Reason.NOT_FOUND, f"no on-cost rates are recorded in force on {on}")
    return found.value


def salary_on(
    catalogue: PayCatalogue, grade: GradeRange, on: str, scp: int | None
) -> tuple[int | None, Decimal]:
    """The point used and the full-time salary there (default: the top of the grade)."""
    if grade.director_percent is not None:
        if scp is not None:
            raise DomainError(
                Reason.INVALID,
                f"{grade.grade} is a share of the Director's salary and has no points",
            )
        director = catalogue.director.at(on)
        if director is None:
            raise DomainError(
                Reason.NOT_FOUND, f"no Director's salary is recorded in force on {on}"
            )
        return None, director.value * grade.director_percent / HUNDRED
    if grade.salary_max is not None:
        if scp is not None:
            raise DomainError(
                Reason.INVALID,
                f"{grade.grade} is a salary band and has no points; it is budgeted at its ceiling",
            )
        return None, grade.salary_max
    assert grade.scheme is not None
    assert grade.scp_min is not None
    assert grade.scp_max is not None
    point = grade.scp_max if scp is None else scp
    if not grade.scp_min <= point <= grade.scp_max:
        raise DomainError(
            Reason.INVALID,
            f"point {point} is outside {grade.grade} ({grade.scp_min}-{grade.scp_max}) on {on}",
        )
    series = catalogue.spines.get(grade.scheme)
    spine = series.at(on) if series else None
    if spine is None:
        raise DomainError(
            Reason.NOT_FOUND, f"no {grade.scheme} pay spine is recorded in force on {on}"
        )
    value = spine.value.get(point)
    if value is None:
        raise DomainError(
            Reason.NOT_FOUND, f"the {grade.scheme} spine on {on} has no point {point}"
        )
    return point, value


def salary_range(catalogue: PayCatalogue, grade: GradeRange, on: str) -> tuple[Decimal, Decimal]:
    """The lowest and highest full-time salary of a grade on `on`.

    Raises:
        DomainError: no spine or Director's salary is in force then.
    """
    if grade.salary_max is not None:
        return grade.salary_min or grade.salary_max, grade.salary_max
    low = salary_on(catalogue, grade, on, grade.scp_min)[1]
    return low, salary_on(catalogue, grade, on, grade.scp_max)[1]


def cost(
    salary: Decimal, fte: Decimal, rates: OnCostRates
) -> tuple[Decimal, Decimal, Decimal, Decimal]:
    """(pay, employer NI, pension, levy) for one person on `salary` at `fte`, to the penny."""
    pay = salary * fte
    ni = rates.employer_ni_rate * max(Decimal(0), pay - rates.ni_threshold)
    return (
        _pennies(pay),
        _pennies(ni),
        _pennies(pay * rates.pension_rate),
        _pennies(pay * rates.apprenticeship_levy_rate),
    )


def grade_cost(
    catalogue: PayCatalogue,
    grade: str,
    on: str,
    fte: Decimal,
    scp: int | None = None,
    *,
    rates_day: str | None = None,
) -> GradeCost:
    """The cost of a post at `grade` on `on`, its on-costs at the rates of `rates_day or on`.

    A separate `rates_day` is how a council budgets next year's pay award at this year's on-cost
    rates (employer NI threshold, pension rate), before next year's are set.

    Raises:
        DomainError: unknown grade, a point outside it, or no spine, salary or rates on that date.
    """
    definition = grade_on(catalogue, grade, on)
    if definition is None:
        raise DomainError(Reason.NOT_FOUND, f"grade {grade!r} is not defined on {on}")
    point, salary = salary_on(catalogue, definition, on, scp)
    pay, ni, pension, levy = cost(salary, fte, rates_on(catalogue, rates_day or on))
    return GradeCost(definition.grade, on, point, fte, _pennies(salary), pay, ni, pension, levy)


def grade_ranges(catalogue: PayCatalogue, on: str) -> list[dict[str, object]]:
    """Every grade defined on `on` with its salary range then (None where no figures exist)."""
    listed: list[dict[str, object]] = []
    for key in sorted(catalogue.grades):
        definition = grade_on(catalogue, key, on)
        if definition is None:
            continue
        row: dict[str, object] = {
            "grade": definition.grade,
            "family": definition.family,
            "scheme": definition.scheme,
            "scp_min": definition.scp_min,
            "scp_max": definition.scp_max,
            "director_percent": None
            if definition.director_percent is None
            else format(definition.director_percent, "f"),
        }
        try:
            low, high = salary_range(catalogue, definition, on)
        except DomainError:
            row["salary_min"] = row["salary_max"] = None
        else:
            row["salary_min"] = format(_pennies(low), "f")
            row["salary_max"] = format(_pennies(high), "f")
        listed.append(row)
    return listed
