"""Suitable alternatives per grade family: one grade either side on the grade's own ladder."""

from __future__ import annotations

from typing import Any

import pytest
from grade_catalogue import njc_catalogue
from recruitment_world import World, appoint

from contracts.rejections import Reason
from services.recruitment.grade_ladder import ladder, suitable
from services.recruitment.views import at_risk

POINTS = {"40": "43000", "41": "44000", "42": "45500", "43": "46000"}
"""A spine on which PO5 tops out at 44,000 and PO6 at 46,000, so that with a Director on
100,000 the Dir 45% grade (45,000) is paid between them."""


def define(world: World, grade: str, **fields: Any) -> None:
    payload = {"grade": grade, **fields}
    world.pay.apply(world._event("GradeDefined", grade, "2017-04-01", payload))


@pytest.fixture
def world() -> World:
    world = World()
    world.unit("council")
    world.unit("cf", "council")
    spine = {"scheme": "NJC", "points": POINTS}
    world.pay.apply(world._event("PayScalePublished", "NJC", "2017-04-01", spine))
    world.director("100000")
    define(world, "PO5", scheme="NJC", scp_min=40, scp_max=41)
    define(world, "PO6", scheme="NJC", scp_min=42, scp_max=43)
    for percent in ("45", "52.5", "60", "70"):
        define(world, f"Dir {percent}%", director_percent=percent)
    return world


def offers(world: World, held: str) -> set[str]:
    """The alternatives offered to the holder of a post at `held` deleted on 1 April 2018."""
    world.post("lead", held)
    world.run(appoint("lead", "p1", existing=True))
    world.place_at_risk("lead")
    for grade in ("PO5", "PO6", "Dir 45%", "Dir 60%", "Dir 70%"):
        world.post(f"new {grade}", grade, effective="2018-04-01")
    person = at_risk(world.scene, "2018-04-01")["people"][0]
    return {item["grade"] for item in person["posts"][0]["alternatives"]}


def test_a_po6_at_risk_is_offered_a_po5_post_though_dir_45_is_paid_between(world: World) -> None:
    """NJC grades are neighbours on their own ladder; the Dir grades are not on it."""
    assert offers(world, "PO6") == {"PO5", "PO6"}


def test_a_dir_52_5_at_risk_is_offered_the_dir_grades_either_side_and_never_a_po6(
    world: World,
) -> None:
    """Dir 52.5% sits between Dir 45% and Dir 60% on the JNC Dir ladder; PO6 is another family."""
    assert offers(world, "Dir 52.5%") == {"Dir 45%", "Dir 60%"}


def test_a_trial_across_families_is_refused(world: World) -> None:
    """A redeployment trial into a grade of another family is not a suitable alternative."""
    world.post("lead", "Dir 45%")
    world.run(appoint("lead", "p1", existing=True))
    world.place_at_risk("lead")
    world.post("po6", "PO6", effective="2018-04-01")
    trial = {
        "type": "StartRedeploymentTrial",
        "person_ref": "p1",
        "to_post_id": "po6",
        "trial_start": "2018-04-01",
    }
    refused = world.refused(trial)
    assert refused.reason is Reason.INVALID
    assert "in the same grade family" in refused.detail


def test_a_named_family_is_its_own_ladder_and_unpriced_grades_match_only_themselves() -> None:
    """`DefineGrade.family` makes a ladder of its own; a grade priced nowhere suits only itself."""
    world = World(njc_catalogue())
    define(world, "Hay 3", salary_min="40000", salary_max="44000", family="Hay")
    define(world, "Hay 4", salary_min="44001", salary_max="48000", family="Hay")
    ranks = ladder(world.pay, {"Mystery 1", "po6"}, "2017-04-01")
    assert suitable(ranks, "Hay 3", "hay 4")
    assert suitable(ranks, "PO6", "po5")
    assert not suitable(ranks, "PO6", "Hay 3")
    assert not suitable(ranks, "Hay 4", "PO6")
    assert not suitable(ranks, "Dir 45%", "PO6")
    assert suitable(ranks, "Mystery 1", "mystery 1")
    assert not suitable(ranks, "Mystery 1", "PO6")
    assert "mystery 1" not in ranks
