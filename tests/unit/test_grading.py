"""Grading's rules, costs and evaluations, decided and folded purely (no Redis)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import uuid4

import pytest
from pydantic import TypeAdapter, ValidationError
from seed_000 import BASIS, OLD_SPINE_2018, TABLE_1

from contracts import grading as gr
from contracts.costing import grade_cost
from contracts.decisions import DomainError
from contracts.money import parse_fte
from contracts.rejections import Reason
from services.grading.catalogue import Catalogue
from services.grading.domain import decide
from services.grading.views import pending_evaluations

FACTORS = {"knowledge": {"levels": {"1": 100, "2": 200}}, "skills": {"levels": {"1": 50, "2": 90}}}
BANDS = [
    {"grade": "PO5", "min_points": 0, "max_points": 199},
    {"grade": "PO6", "min_points": 200},
]


COMMANDS: TypeAdapter[gr.GradingCommand] = TypeAdapter(gr.GradingCommand)


def grading_command_from_message(message: dict[str, Any]) -> gr.GradingCommand:
    """Any grading command, the internal ones (from establishment's events) included."""
    return COMMANDS.validate_python(message)


class Log:
    """Decide, then fold, numbering events and stamping recorded times as the store would."""

    def __init__(self) -> None:
        self.catalogue = Catalogue()
        self.events: list[dict[str, Any]] = []

    def run(self, message: dict[str, Any], recorded_at: str = "2018-01-30") -> dict[str, Any]:
        self.record(decide(grading_command_from_message(message), self.catalogue), recorded_at)
        return self.events[-1]

    def record(self, drafts: Any, recorded_at: str) -> None:
        for draft in drafts:
            event = {
                "event_id": str(uuid4()),
                "type": draft.type,
                "aggregate_type": draft.aggregate_type,
                "aggregate_id": draft.aggregate_id,
                "aggregate_version": draft.expected_version + 1,
                "sequence": len(self.events) + 1,
                "effective_date": draft.effective_date,
                "recorded_at": f"{recorded_at}T00:00:00.{len(self.events):06d}Z",
                "payload": draft.payload,
            }
            self.events.append(event)
            self.catalogue.apply(event, f"{event['sequence']}-0")

    def known_at(self, moment: str) -> Catalogue:
        """The catalogue of the events recorded up to `moment` (a prefix of the log)."""
        view = Catalogue()
        for event in self.events:
            if event["recorded_at"] <= moment:
                view.apply(event)
        return view

    def refused(self, message: dict[str, Any]) -> DomainError:
        with pytest.raises(DomainError) as caught:
            decide(grading_command_from_message(message), self.catalogue)
        return caught.value


@pytest.fixture
def log() -> Log:
    log = Log()
    for command in BASIS:
        log.run(command)
    return log


@pytest.mark.parametrize(("grade", "fte", "posts", "report"), TABLE_1)
def test_table_1_lines_from_grades_alone_are_within_ten_pounds(
    log: Log, grade: str, fte: str, posts: int, report: Decimal
) -> None:
    """Each Table 1 line, costed from its grade on 2018-04-01, is within £10 of the report."""
    cost = grade_cost(log.catalogue, grade, "2018-04-01", parse_fte(fte))
    assert abs(posts * cost.annual_cost - report) <= 10


def test_the_cost_model_is_the_reference_formula(log: Log) -> None:
    """Full-time PO6 on 2018-04-01 costs salary, NI over the threshold, pension and levy exactly."""
    cost = grade_cost(log.catalogue, "PO6", "2018-04-01", Decimal(1))
    assert cost.scp == 49
    assert cost.salary == Decimal("44697.00")
    assert cost.employer_ni == Decimal("5041.55")  # 13.8% of (44,697 - 8,164)
    assert cost.pension == Decimal("6883.34")
    assert cost.levy == Decimal("223.49")
    assert cost.annual_cost == Decimal("56845.38")


def test_the_ni_threshold_is_per_person_not_pro_rated(log: Log) -> None:
    """Half-time pay is half, but the NI threshold is not, so NI is under half the full figure."""
    full = grade_cost(log.catalogue, "PO6", "2018-04-01", Decimal(1))
    half = grade_cost(log.catalogue, "PO6", "2018-04-01", Decimal("0.5"))
    assert half.pay * 2 == full.pay
    assert half.employer_ni < full.employer_ni / 2
    assert half.employer_ni == Decimal("1957.46")  # 13.8% of (22,348.50 - 8,164)


def test_a_lower_point_and_the_defaults(log: Log) -> None:
    """A cost at a given point uses that point's salary; a director grade has no point."""
    assert grade_cost(log.catalogue, "PO6", "2018-04-01", Decimal(1), 47).salary == 42806
    director = grade_cost(log.catalogue, "Dir 52.5%", "2018-04-01", Decimal(1))
    assert director.scp is None
    assert director.salary == Decimal("64325.10")


@pytest.mark.parametrize(
    ("grade", "on", "scp", "reason"),
    [
        ("PO6", "2018-04-01", 46, Reason.INVALID),
        ("PO6", "2018-04-01", 50, Reason.INVALID),
        ("SO1", "2018-04-01", None, Reason.NOT_FOUND),
        ("PO6", "2017-03-31", None, Reason.NOT_FOUND),
        ("Dir 65%", "2018-04-01", 40, Reason.INVALID),
    ],
)
def test_costs_that_cannot_be_given_say_why(
    log: Log, grade: str, on: str, scp: int | None, reason: Reason
) -> None:
    """A cost off the grade's points, or of an undefined grade or date, is refused with a reason."""
    with pytest.raises(DomainError) as caught:
        grade_cost(log.catalogue, grade, on, Decimal(1), scp)
    assert caught.value.reason is reason


def test_a_back_dated_award_changes_figures_only_for_views_known_after_it(log: Log) -> None:
    """A back-dated award adds 1925 plus on-costs only in catalogues known after it was recorded."""
    award = {point: str(Decimal(value) + 1925) for point, value in OLD_SPINE_2018.items()}
    log.run(
        {
            "type": "PublishPaySpine",
            "scheme": "NJC",
            "effective_date": "2018-04-01",
            "points": award,
        },
        recorded_at="2018-11-20",
    )
    before = grade_cost(log.known_at("2018-10-01T00:00:00Z"), "PO6", "2018-06-01", Decimal(1))
    after = grade_cost(log.known_at("2019-01-01T00:00:00Z"), "PO6", "2018-06-01", Decimal(1))
    assert after.salary - before.salary == 1925
    on_costs = 1 + Decimal("0.154") + Decimal("0.005") + Decimal("0.138")
    assert abs(after.annual_cost - before.annual_cost - 1925 * on_costs) <= Decimal("0.01")


def test_a_later_recorded_fact_for_the_same_date_wins_and_earlier_dates_keep_theirs(
    log: Log,
) -> None:
    """The salary recorded later for a date wins from it; earlier dates keep their own figure."""
    log.run({"type": "SetDirectorSalary", "annual": "140000", "effective_date": "2019-04-01"})
    log.run({"type": "SetDirectorSalary", "annual": "130000", "effective_date": "2018-04-01"})
    assert grade_cost(log.catalogue, "Dir 100%", "2018-04-01", Decimal(1)).salary == 130000
    assert grade_cost(log.catalogue, "Dir 100%", "2019-03-31", Decimal(1)).salary == 130000
    assert grade_cost(log.catalogue, "Dir 100%", "2019-04-01", Decimal(1)).salary == 140000


def test_a_grade_on_an_unknown_scheme_or_missing_points_is_refused(log: Log) -> None:
    """A grade on an unknown scheme is not found; one on undefined points is invalid, naming it."""
    grade = {"type": "DefineGrade", "grade": "SO1", "effective_date": "2018-04-01"}
    unknown = log.refused({**grade, "scheme": "GLPC", "scp_min": 1, "scp_max": 2})
    assert unknown.reason is Reason.NOT_FOUND
    missing = log.refused({**grade, "scheme": "NJC", "scp_min": 45, "scp_max": 47})
    assert missing.reason is Reason.INVALID
    assert "45" in missing.detail


@pytest.mark.parametrize(
    "message",
    [
        {"grade": "PO6", "scheme": "NJC", "scp_min": 49, "scp_max": 47},
        {"grade": "PO6", "scheme": "NJC", "scp_min": 47},
        {"grade": "Dir 65%", "director_percent": "60"},
        {"grade": "Dir 65%", "scheme": "NJC", "scp_min": 1, "scp_max": 2},
    ],
)
def test_malformed_grades_are_invalid(message: dict[str, Any]) -> None:
    """Reversed or half-given points, or a director grade contradicting itself, fail validation."""
    with pytest.raises(ValidationError):
        grading_command_from_message(
            {"type": "DefineGrade", "effective_date": "2018-04-01", **message}
        )


@pytest.mark.parametrize(
    "rates",
    [
        {"employer_ni_rate": "-0.1"},
        {"pension_rate": "1.5"},
        {"ni_threshold": "-1"},
        {"apprenticeship_levy_rate": "abc"},
    ],
)
def test_negative_or_impossible_rates_are_invalid(rates: dict[str, str]) -> None:
    """An on-cost rate or threshold that is negative, above 1 or not a number fails validation."""
    message = {
        "type": "SetOnCostRates",
        "effective_date": "2018-04-01",
        "employer_ni_rate": "0.138",
        "ni_threshold": "8164",
        "pension_rate": "0.154",
        "apprenticeship_levy_rate": "0.005",
    }
    with pytest.raises(ValidationError):
        grading_command_from_message({**message, **rates})


def scheme(bands: list[dict[str, Any]] = BANDS) -> dict[str, Any]:
    return {
        "type": "DefineEvaluationScheme",
        "scheme": "NJC-JES",
        "effective_date": "2018-04-01",
        "factors": FACTORS,
        "bands": bands,
    }


def test_overlapping_or_open_middle_score_bands_are_invalid(log: Log) -> None:
    """Score bands that overlap, or an open-ended band before the last, fail validation."""
    overlapping = [
        {"grade": "PO5", "min_points": 0, "max_points": 200},
        {"grade": "PO6", "min_points": 200},
    ]
    open_middle = [{"grade": "PO5", "min_points": 0}, {"grade": "PO6", "min_points": 200}]
    for bands in (overlapping, open_middle):
        with pytest.raises(ValidationError, match="overlap"):
            grading_command_from_message(scheme(bands))


def test_bands_naming_an_unknown_grade_are_refused(log: Log) -> None:
    """A scheme whose bands name an undefined grade is not found until that grade is defined."""
    assert log.refused(scheme()).reason is Reason.NOT_FOUND  # PO5 is not defined
    log.run(
        {
            "type": "DefineGrade",
            "grade": "PO5",
            "scheme": "NJC",
            "scp_min": 47,
            "scp_max": 48,
            "effective_date": "2018-04-01",
        }
    )
    assert log.run(scheme())["type"] == "EvaluationSchemeDefined"


@pytest.fixture
def evaluating(log: Log) -> Log:
    log.run(
        {
            "type": "DefineGrade",
            "grade": "PO5",
            "scheme": "NJC",
            "scp_min": 47,
            "scp_max": 48,
            "effective_date": "2018-04-01",
        }
    )
    log.run(scheme())
    log.run(
        {
            "type": "RequestEvaluation",
            "post_id": "p1",
            "proposed_grade": "PO5",
            "effective_date": "2018-04-01",
            "source_event_id": "e1",
        }
    )
    return log


def evaluate(level: int, effective: str = "2018-05-01", post_id: str = "p1") -> dict[str, Any]:
    return {
        "type": "EvaluateJob",
        "post_id": post_id,
        "factor_levels": {"knowledge": level, "skills": 1},
        "effective_date": effective,
    }


def test_an_evaluation_scores_every_factor_and_maps_the_total_to_a_grade(evaluating: Log) -> None:
    """An evaluation sums factor points, bands the total to a grade and ends the pending request."""
    assert pending_evaluations(evaluating.catalogue, "2018-05-01") == [
        {"post_id": "p1", "proposed_grade": "PO5", "since": "2018-04-01"}
    ]
    low = evaluating.run(evaluate(1))["payload"]
    assert (low["total_points"], low["grade"], low["proposed_grade"]) == (150, "PO5", "PO5")
    high = evaluating.run(evaluate(2))["payload"]
    assert (high["total_points"], high["grade"]) == (250, "PO6")
    assert pending_evaluations(evaluating.catalogue, "2018-05-01") == []
    assert len(pending_evaluations(evaluating.catalogue, "2018-04-30")) == 1


@pytest.mark.parametrize(
    ("message", "reason"),
    [
        (evaluate(1, post_id="nobody"), Reason.NOT_FOUND),
        (evaluate(1, effective="2018-03-01"), Reason.TIMELINE_CONFLICT),
        (evaluate(3), Reason.INVALID),
        ({**evaluate(1), "factor_levels": {"knowledge": 1}}, Reason.INVALID),
        ({**evaluate(1), "factor_levels": {"knowledge": 1, "skills": 1, "x": 1}}, Reason.INVALID),
        ({**evaluate(1), "scheme": "HAY"}, Reason.NOT_FOUND),
    ],
)
def test_evaluations_that_cannot_stand_are_refused(
    evaluating: Log, message: dict[str, Any], reason: Reason
) -> None:
    """Evaluating an unknown post, before its request, or with bad levels or scheme is refused."""
    assert evaluating.refused(message).reason is reason


def test_no_evaluation_takes_effect_once_the_post_is_deleted(evaluating: Log) -> None:
    """Once a post closes, evaluations from that date are refused and it is no longer pending."""
    evaluating.run(
        {
            "type": "ClosePost",
            "post_id": "p1",
            "effective_date": "2018-06-01",
            "source_event_id": "e2",
        }
    )
    assert evaluating.refused(evaluate(1, "2018-06-01")).reason is Reason.TIMELINE_CONFLICT
    assert evaluating.run(evaluate(1, "2018-05-31"))["type"] == "JobEvaluated"
    assert pending_evaluations(evaluating.catalogue, "2018-06-01") == []
