"""The pay catalogue as grading records it, folded from `grading.events` (pure).

Pay spines, grades, the Director's salary and on-cost rates, each a series over effective dates.
Grading owns these facts; any service that needs what a grade costs (finance's budget, recruitment's
"one grade either side by salary") folds the same events with this same code, so every service
reads the catalogue exactly as grading does.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from contracts.identifiers import grade_key
from contracts.series import Dated, Series

SPINE = "pay_spine"
GRADE = "grade"
DIRECTOR = "director_salary"
RATES = "on_cost_rates"

DIRECTOR_ID = "director"
RATES_ID = "employer"

DIRECTOR_FAMILY = "JNC Dir"
"""The family of every `Dir X%` grade: they are alternatives only for one another."""
BAND_FAMILY = "salary bands"
"""The family of grades defined by a salary band rather than spine points (unless one is named)."""


@dataclass(frozen=True, slots=True)
class GradeRange:
    """A grade: spine points, a share of the Director's salary, or a salary band.

    Points `scp_min`-`scp_max` on `scheme`; or `director_percent` of the Director; or a band
    `salary_min`-`salary_max`, budgeted at its ceiling.

    `family` is the ladder the grade sits on for "one grade either side": a spine grade's scheme,
    `JNC Dir` for the Director's shares, or whatever the catalogue names.
    """

    grade: str
    scheme: str | None
    scp_min: int | None
    scp_max: int | None
    director_percent: Decimal | None
    salary_min: Decimal | None = None
    salary_max: Decimal | None = None
    family: str = BAND_FAMILY


def family_of(payload: dict[str, Any]) -> str:
    """The family a grade definition names, else its scheme, `JNC Dir`, or salary bands."""
    named = payload.get("family")
    if named:
        return str(named)
    if payload.get("scheme"):
        return str(payload["scheme"])
    if payload.get("director_percent") is not None:
        return DIRECTOR_FAMILY
    return BAND_FAMILY


@dataclass(frozen=True, slots=True)
class OnCostRates:
    """Employer on-costs: NI above a per-person threshold, pension, apprenticeship levy."""

    employer_ni_rate: Decimal
    ni_threshold: Decimal
    pension_rate: Decimal
    apprenticeship_levy_rate: Decimal


class PayCatalogue:
    """Spines, grades, the Director's salary and on-cost rates, as series over effective dates."""

    def __init__(self) -> None:
        self.spines: dict[str, Series[dict[int, Decimal]]] = {}
        self.grades: dict[str, Series[GradeRange]] = {}
        self.director = Series[Decimal]()
        self.rates = Series[OnCostRates]()

    def fold_pay(
        self, kind: str, payload: dict[str, Any], effective: str, sequence: int, event_id: str
    ) -> bool:
        """Fold one catalogue event; False if `kind` is not a catalogue event."""
        if kind == "PayScalePublished":
            points = {int(point): Decimal(value) for point, value in payload["points"].items()}
            series = self.spines.setdefault(payload["scheme"], Series())
            series.add(Dated(effective, sequence, points, event_id))
        elif kind == "GradeDefined":
            self._fold_grade(payload, effective, sequence, event_id)
        elif kind == "DirectorSalarySet":
            self.director.add(Dated(effective, sequence, Decimal(payload["annual"]), event_id))
        elif kind == "OnCostRatesSet":
            rates = OnCostRates(
                employer_ni_rate=Decimal(payload["employer_ni_rate"]),
                ni_threshold=Decimal(payload["ni_threshold"]),
                pension_rate=Decimal(payload["pension_rate"]),
                apprenticeship_levy_rate=Decimal(payload["apprenticeship_levy_rate"]),
            )
            self.rates.add(Dated(effective, sequence, rates, event_id))
        else:
            return False
        return True

    def _fold_grade(
        self, payload: dict[str, Any], effective: str, sequence: int, event_id: str
    ) -> None:
        """A grade's definition from `effective`, filed under its key and shown as first defined."""
        key = grade_key(payload["grade"])
        series = self.grades.setdefault(key, Series())
        shown = series.entries[0].value.grade if series.entries else payload["grade"]
        grade = GradeRange(
            grade=shown,
            scheme=payload.get("scheme"),
            scp_min=payload.get("scp_min"),
            scp_max=payload.get("scp_max"),
            director_percent=_decimal(payload.get("director_percent")),
            salary_min=_decimal(payload.get("salary_min")),
            salary_max=_decimal(payload.get("salary_max")),
            family=family_of(payload),
        )
        series.add(Dated(effective, sequence, grade, event_id))

    def spelling(self, grade: str) -> str | None:
        """The grade as the catalogue first defined it (None: never defined)."""
        series = self.grades.get(grade_key(grade))
        return series.entries[0].value.grade if series and series.entries else None


def _decimal(value: object) -> Decimal | None:
    return None if value is None else Decimal(str(value))


class PayCatalogueView(PayCatalogue):
    """The pay catalogue folded from `grading.events` by a service that follows that stream."""

    def __init__(self) -> None:
        super().__init__()
        self.entry_id = "0-0"
        self.recorded_at = ""

    def apply(self, event: dict[str, Any], entry_id: str = "") -> None:
        """Fold one grading event; events about anything but the catalogue are passed over."""
        self.entry_id = entry_id or self.entry_id
        self.recorded_at = event.get("recorded_at", self.recorded_at)
        self.fold_pay(
            event["type"],
            event["payload"],
            event["effective_date"],
            event["sequence"],
            event["event_id"],
        )
