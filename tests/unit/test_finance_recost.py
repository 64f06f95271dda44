"""Which posts a catalogue or post event re-costs, and for which years (finance's recost table)."""

from __future__ import annotations

from typing import Any

import pytest
from finance_council import Council

from services.finance.recost import can_recost, posts_to_recost, years_to_recost


@pytest.fixture
def council() -> Council:
    """Posts on an NJC spine grade (two), a director grade, and one re-graded SO1 -> PO6."""
    built = Council().load("catalogue_njc_leeds_style")
    built.unit()
    built.officer("po6")
    built.officer("so1", grade="SO1")
    built.officer("dir", grade="Dir 52.5%")
    built.officer("regraded", grade="SO1")
    built.run(
        {
            "type": "RedesignatePost",
            "post_id": "regraded",
            "grade": "PO6",
            "effective_date": "2019-04-01",
        }
    )
    return built


def _event(kind: str, payload: dict[str, Any], aggregate: str = "grading") -> dict[str, Any]:
    return {
        "type": kind,
        "aggregate_type": aggregate,
        "aggregate_id": payload.get("post_id", "x"),
        "effective_date": "2020-04-01",
        "payload": payload,
    }


def _recost(council: Council, event: dict[str, Any]) -> list[str] | None:
    return posts_to_recost(event, council.establishment, council.pay)


def test_a_grade_redefined_recosts_the_posts_that_hold_or_held_it(council: Council) -> None:
    """GradeDefined SO1 re-costs the SO1 post and the post re-graded away from SO1, nothing else."""
    event = _event("GradeDefined", {"grade": " so1 ", "scheme": "NJC", "scp_min": 19})
    assert _recost(council, event) == ["regraded", "so1"]


def test_a_pay_scale_recosts_the_posts_on_its_schemes_grades(council: Council) -> None:
    """An NJC pay scale re-costs every post on an NJC grade, not the director's post."""
    event = _event("PayScalePublished", {"scheme": "NJC", "points": {"41": "40000.00"}})
    assert _recost(council, event) == ["po6", "regraded", "so1"]


def test_the_directors_salary_recosts_only_director_grades(council: Council) -> None:
    """DirectorSalarySet re-costs the post on a Dir X% grade only."""
    assert _recost(council, _event("DirectorSalarySet", {"annual": "130000.00"})) == ["dir"]


def test_new_on_cost_rates_recost_every_post(council: Council) -> None:
    """OnCostRatesSet re-costs every post in the establishment."""
    event = _event("OnCostRatesSet", {"employer_ni_rate": "0.138"})
    assert _recost(council, event) == sorted(council.establishment.posts)


def test_a_post_event_recosts_its_post_and_a_unit_event_nothing(council: Council) -> None:
    """A post's own event re-costs that post; an org unit's event changes no cost."""
    assert _recost(council, _event("PostFTEChanged", {"post_id": "dir"}, "post")) == ["dir"]
    assert _recost(council, _event("OrgUnitCreated", {"org_unit_id": "v"}, "org_unit")) is None


def test_years_run_from_the_effective_year_to_the_current_one() -> None:
    """A change in 2019/20 seen in 2021/22 re-costs 2019-2021; a future one, its own year."""
    assert list(years_to_recost("2019-06-01", "2021-05-01")) == [2019, 2020, 2021]
    assert list(years_to_recost("2030-04-01", "2021-05-01")) == [2030]


def test_only_post_and_pricing_catalogue_events_can_recost() -> None:
    """Finance reads nothing for a batch of evaluation requests or unit events: none can cost."""
    assert can_recost(_event("PostDeleted", {"post_id": "dir"}, "post"))
    assert can_recost(_event("PayScalePublished", {"scheme": "NJC"}))
    assert not can_recost(_event("EvaluationRequested", {"post_id": "dir"}))
    assert not can_recost(_event("OrgUnitCreated", {"org_unit_id": "v"}, "org_unit"))
