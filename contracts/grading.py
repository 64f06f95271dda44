"""Grading messages: the grade catalogue as effective-dated data, and job evaluation.

Pay spines, grades, the Director's salary and on-cost rates are each recorded from an effective
date; a pay award agreed in November and back-dated to 1 April is one more `PayScalePublished`
recorded later with an earlier effective date, so views known before it keep the old figures.
Catalogue entries may say where a figure comes from and whether it is an estimate.
"""

from __future__ import annotations

from decimal import Decimal
from itertools import pairwise
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, field_validator, model_validator

from contracts.calendar import Day
from contracts.envelope import Message
from contracts.establishment import CommandFields
from contracts.identifiers import GradeCode, Identifier, Note, director_percent
from contracts.money import Money, Rate

SchemeName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9 ._-]{0,39}$")]
"""A pay-spine or evaluation scheme name, e.g. `NJC` or `NJC-JES`."""

Points = Annotated[int, Field(ge=0, le=100_000)]
Level = Annotated[int, Field(ge=1, le=20)]
Spine = Annotated[int, Field(ge=1, le=200)]


class Provenance(Message):
    """Where a catalogue figure comes from, and whether it is an estimate."""

    source: Note | None = None
    estimate: bool = False


# --- catalogue commands (the bodies HTTP clients send) ---


class PublishPaySpine(CommandFields, Provenance):
    """A scheme's spinal column point values from a date (a pay award, or a new spine)."""

    type: Literal["PublishPaySpine"] = "PublishPaySpine"
    scheme: SchemeName
    effective_date: Day
    points: dict[Spine, Money] = Field(min_length=1)

    @field_validator("points")
    @classmethod
    def _positive(cls, points: dict[int, Decimal]) -> dict[int, Decimal]:
        zero = [point for point, value in points.items() if value <= 0]
        if zero:
            raise ValueError(f"point values must be positive; not at points {sorted(zero)}")
        return dict(sorted(points.items()))


FamilyName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]
"""A grade family: the ladder on which "one grade either side" is counted."""


class DefineGrade(CommandFields, Provenance):
    """A grade from a date, of one of three kinds.

    - spine points `scp_min`-`scp_max` on a `scheme` (NJC, or any published spine);
    - `director_percent` of the Director's salary (JNC chief officers, `Dir X%`);
    - a salary band `salary_min`-`salary_max`, budgeted at its ceiling (grades known only by
      their pay range, e.g. from an organogram).

    `family` names the ladder for suitable alternatives (default: the scheme; `JNC Dir` for the
    Director's shares; `salary bands` for banded grades).
    """

    type: Literal["DefineGrade"] = "DefineGrade"
    grade: GradeCode
    effective_date: Day
    scheme: SchemeName | None = None
    scp_min: Spine | None = None
    scp_max: Spine | None = None
    director_percent: Decimal | None = Field(default=None, gt=0, le=100)
    salary_min: Money | None = None
    salary_max: Money | None = None
    family: FamilyName | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> DefineGrade:
        named = director_percent(self.grade)
        ranged = (self.scheme, self.scp_min, self.scp_max)
        banded = (self.salary_min, self.salary_max)
        if self.director_percent is not None or named is not None:
            if any(value is not None for value in (*ranged, *banded)):
                raise ValueError("a 'Dir X%' grade has a director_percent, not points or a band")
            if named is not None and self.director_percent not in (None, named):
                raise ValueError(f"{self.grade} is {named}% of the Director, not the percent given")
            return self
        if any(value is not None for value in banded):
            if any(value is not None for value in ranged):
                raise ValueError("give spine points or a salary band, not both")
            if self.salary_max is None or self.salary_max <= 0:
                raise ValueError("a salary band needs a positive salary_max (its ceiling)")
            if self.salary_min is not None and self.salary_min > self.salary_max:
                raise ValueError(
                    f"salary_min {self.salary_min} is above salary_max {self.salary_max}"
                )
            return self
        if self.scheme is None or self.scp_min is None or self.scp_max is None:
            raise ValueError(
                "give scheme, scp_min and scp_max; or director_percent; or salary_min and "
                "salary_max"
            )
        if self.scp_min > self.scp_max:
            raise ValueError(f"scp_min {self.scp_min} is above scp_max {self.scp_max}")
        return self


class SetDirectorSalary(CommandFields, Provenance):
    """The Director's annual salary from a date (JNC 'Dir X%' grades are shares of it)."""

    type: Literal["SetDirectorSalary"] = "SetDirectorSalary"
    annual: Money
    effective_date: Day

    @field_validator("annual")
    @classmethod
    def _positive(cls, annual: Decimal) -> Decimal:
        if annual <= 0:
            raise ValueError("the Director's salary must be positive")
        return annual


class SetOnCostRates(CommandFields, Provenance):
    """Employer on-cost rates from a date; the NI threshold is per person per year."""

    type: Literal["SetOnCostRates"] = "SetOnCostRates"
    effective_date: Day
    employer_ni_rate: Rate
    ni_threshold: Money
    pension_rate: Rate
    apprenticeship_levy_rate: Rate


class FactorLevels(Message):
    """Points awarded at each level of one evaluation factor."""

    levels: dict[Level, Points] = Field(min_length=1)


class ScoreBand(Message):
    """Total points from `min_points` to `max_points` (inclusive; None: no upper limit)."""

    grade: GradeCode
    min_points: Points
    max_points: Points | None = None

    @model_validator(mode="after")
    def _ordered(self) -> ScoreBand:
        if self.max_points is not None and self.max_points < self.min_points:
            raise ValueError(f"band {self.grade}: max_points is below min_points")
        return self


def check_bands(bands: tuple[ScoreBand, ...]) -> tuple[ScoreBand, ...]:
    """Bands sorted by points; refuse overlaps and an open band that is not the last."""
    ordered = tuple(sorted(bands, key=lambda band: band.min_points))
    for lower, upper in pairwise(ordered):
        if lower.max_points is None or lower.max_points >= upper.min_points:
            raise ValueError(
                f"score bands {lower.grade} and {upper.grade} overlap at {upper.min_points} points"
            )
    return ordered


class DefineEvaluationScheme(CommandFields, Provenance):
    """A job evaluation scheme from a date: factors, points per level, score bands -> grade."""

    type: Literal["DefineEvaluationScheme"] = "DefineEvaluationScheme"
    scheme: SchemeName
    effective_date: Day
    factors: dict[Identifier, FactorLevels] = Field(min_length=1)
    bands: tuple[ScoreBand, ...] = Field(min_length=1)

    @field_validator("bands")
    @classmethod
    def _no_overlap(cls, bands: tuple[ScoreBand, ...]) -> tuple[ScoreBand, ...]:
        return check_bands(bands)


class EvaluateJob(CommandFields):
    """Score a post's job under a scheme; the grade follows from the score bands."""

    type: Literal["EvaluateJob"] = "EvaluateJob"
    post_id: Identifier
    factor_levels: dict[Identifier, Level] = Field(min_length=1)
    effective_date: Day
    scheme: SchemeName = "NJC-JES"


class RequestEvaluation(CommandFields):
    """Grading learns from establishment that a post's grade is proposed, not yet evaluated."""

    type: Literal["RequestEvaluation"] = "RequestEvaluation"
    post_id: Identifier
    proposed_grade: GradeCode
    effective_date: Day
    source_event_id: Identifier


class ClosePost(CommandFields):
    """Grading learns that a post is deleted: nothing can be evaluated for it from then."""

    type: Literal["ClosePost"] = "ClosePost"
    post_id: Identifier
    effective_date: Day
    source_event_id: Identifier


GradingCommand = (
    PublishPaySpine
    | DefineGrade
    | SetDirectorSalary
    | SetOnCostRates
    | DefineEvaluationScheme
    | EvaluateJob
    | RequestEvaluation
    | ClosePost
)


# --- events (payloads; the envelope carries the effective date) ---


class PayScalePublished(Provenance):
    """A scheme's point values from the envelope's effective date."""

    scheme: SchemeName
    points: dict[Spine, Money]


class GradeDefined(Provenance):
    """A grade's definition from the envelope's effective date."""

    grade: GradeCode
    scheme: SchemeName | None = None
    scp_min: Spine | None = None
    scp_max: Spine | None = None
    director_percent: Decimal | None = None
    salary_min: Money | None = None
    salary_max: Money | None = None
    family: str | None = None


class DirectorSalarySet(Provenance):
    """The Director's annual salary from the envelope's effective date."""

    annual: Money


class OnCostRatesSet(Provenance):
    """Employer on-cost rates from the envelope's effective date."""

    employer_ni_rate: Rate
    ni_threshold: Money
    pension_rate: Rate
    apprenticeship_levy_rate: Rate


class EvaluationSchemeDefined(Provenance):
    """A job evaluation scheme from the envelope's effective date."""

    scheme: SchemeName
    factors: dict[Identifier, FactorLevels]
    bands: tuple[ScoreBand, ...]


class EvaluationRequested(Message):
    """A post's grade awaits job evaluation (from its creation or re-grading)."""

    post_id: Identifier
    proposed_grade: GradeCode
    source_event_id: Identifier


class JobEvaluated(Message):
    """A post's job was evaluated: its total points and the grade they give."""

    post_id: Identifier
    scheme: SchemeName
    factor_levels: dict[Identifier, Level]
    total_points: Points
    grade: GradeCode
    proposed_grade: GradeCode | None = None


class PostClosed(Message):
    """The post was deleted in establishment; no evaluation can take effect from then."""

    post_id: Identifier
    source_event_id: Identifier
