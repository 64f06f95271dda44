"""The grading stream folded: the grade catalogue and job evaluations, as recorded (pure).

Folds decoded event bodies (validated once, on write) in recorded order. Which events count for a
`known_at` view is settled by which events were folded; which count for an effective date is
settled by each series' `at`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from services.grading.series import Dated, Series

SPINE = "pay_spine"
GRADE = "grade"
DIRECTOR = "director_salary"
RATES = "on_cost_rates"
SCHEME = "evaluation_scheme"
POST = "post"

DIRECTOR_ID = "director"
RATES_ID = "employer"


@dataclass(frozen=True, slots=True)
class GradeRange:
    """A grade: points `scp_min`-`scp_max` on `scheme`, or `director_percent` of the Director."""

    grade: str
    scheme: str | None
    scp_min: int | None
    scp_max: int | None
    director_percent: Decimal | None


@dataclass(frozen=True, slots=True)
class OnCostRates:
    """Employer on-costs: NI above a per-person threshold, pension, apprenticeship levy."""

    employer_ni_rate: Decimal
    ni_threshold: Decimal
    pension_rate: Decimal
    apprenticeship_levy_rate: Decimal


@dataclass(frozen=True, slots=True)
class EvaluationScheme:
    """Points per level of each factor, and score bands -> grade (sorted by points)."""

    name: str
    factors: dict[str, dict[int, int]]
    bands: tuple[tuple[int, int | None, str], ...]


@dataclass(slots=True)
class PostCase:
    """What grading knows of one post: when it exists, what was proposed, what was evaluated."""

    post_id: str
    proposed: Series[str] = field(default_factory=Series)
    evaluations: list[dict[str, Any]] = field(default_factory=list)
    closed_on: str | None = None


@dataclass(slots=True)
class Folded:
    """A folded event, told its stream id once the store appended it."""

    entry_id: str


class Catalogue:
    """One tenant's grading facts, each as a series over effective dates."""

    def __init__(self) -> None:
        self.spines: dict[str, Series[dict[int, Decimal]]] = {}
        self.grades: dict[str, Series[GradeRange]] = {}
        self.director = Series[Decimal]()
        self.rates = Series[OnCostRates]()
        self.schemes: dict[str, Series[EvaluationScheme]] = {}
        self.posts: dict[str, PostCase] = {}
        self.versions: dict[tuple[str, str], int] = {}
        self.sequence = 0
        self.entry_id = "0-0"
        self.recorded_at = ""

    def version(self, aggregate_type: str, aggregate_id: str) -> int:
        """How many events an aggregate has (0: none)."""
        return self.versions.get((aggregate_type, aggregate_id), 0)

    def apply(self, event: dict[str, Any], entry_id: str = "") -> Folded:
        """Fold one stored (or provisional) event in recorded order."""
        kind: str = event["type"]
        payload: dict[str, Any] = event["payload"]
        self.sequence = event["sequence"]
        self.entry_id = entry_id or self.entry_id
        self.recorded_at = event.get("recorded_at", self.recorded_at)
        key = (event["aggregate_type"], event["aggregate_id"])
        self.versions[key] = event["aggregate_version"]
        effective: str = event["effective_date"]
        self._fold(kind, payload, effective, event)
        return Folded(entry_id)

    def _fold(
        self, kind: str, payload: dict[str, Any], effective: str, event: dict[str, Any]
    ) -> None:
        sequence = self.sequence
        event_id: str = event["event_id"]
        if kind == "PayScalePublished":
            points = {int(point): Decimal(value) for point, value in payload["points"].items()}
            series = self.spines.setdefault(payload["scheme"], Series())
            series.add(Dated(effective, sequence, points, event_id))
        elif kind == "GradeDefined":
            percent = payload.get("director_percent")
            grade = GradeRange(
                grade=payload["grade"],
                scheme=payload.get("scheme"),
                scp_min=payload.get("scp_min"),
                scp_max=payload.get("scp_max"),
                director_percent=Decimal(percent) if percent is not None else None,
            )
            self.grades.setdefault(grade.grade, Series()).add(
                Dated(effective, sequence, grade, event_id)
            )
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
        elif kind == "EvaluationSchemeDefined":
            scheme = EvaluationScheme(
                name=payload["scheme"],
                factors={
                    name: {int(level): int(points) for level, points in factor["levels"].items()}
                    for name, factor in payload["factors"].items()
                },
                bands=tuple(
                    (band["min_points"], band.get("max_points"), band["grade"])
                    for band in payload["bands"]
                ),
            )
            self.schemes.setdefault(scheme.name, Series()).add(
                Dated(effective, sequence, scheme, event_id)
            )
        else:
            self._fold_post(kind, payload, effective, event)

    def _fold_post(
        self, kind: str, payload: dict[str, Any], effective: str, event: dict[str, Any]
    ) -> None:
        case = self.posts.setdefault(payload["post_id"], PostCase(payload["post_id"]))
        if kind == "EvaluationRequested":
            case.proposed.add(
                Dated(effective, self.sequence, payload["proposed_grade"], event["event_id"])
            )
        elif kind == "JobEvaluated":
            case.evaluations.append(
                {
                    "event_id": event["event_id"],
                    "effective_date": effective,
                    "recorded_at": event.get("recorded_at"),
                    **payload,
                }
            )
        elif kind == "PostClosed":
            case.closed_on = effective if case.closed_on is None else min(case.closed_on, effective)
