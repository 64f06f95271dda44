"""Collective consultation for a proposal (pure): people counted once, the 20 and 100
thresholds, HR1, the 90-day window, the unit that counts as the establishment."""

from __future__ import annotations

from typing import Any

import pytest
from recruitment_world import World, appoint, chief_officers

from readmodels.consultation import consultation
from readmodels.proposals import Proposal
from readmodels.workforce_overlay import WorkforceOverlay
from services.recruitment.proposal_scene import scene_with


def _council(posts: int) -> World:
    """`posts` posts at Dir 50%, each held by its own person from 2017."""
    world = chief_officers("50")
    for number in range(posts):
        world.post(f"p{number}", "Dir 50%")
        world.run(appoint(f"p{number}", f"e{number}"))
    return world


def _deleting(post_ids: list[str], org_unit_id: str | None = None) -> Proposal:
    """A proposal whose commands delete `post_ids` on 2018-04-01."""
    facts = tuple(
        ({"type": "PostDeleted", "aggregate_type": "post", "aggregate_id": post_id,
          "effective_date": "2018-04-01", "payload": {"post_id": post_id}},)
        for post_id in post_ids
    )  # fmt: skip
    return Proposal("r", "Restructure", "2018-04-01", org_unit_id, None, "2018-01-01T00:00:00Z",
                    commands=tuple({} for _ in post_ids), events=facts)  # fmt: skip


def _consulted(
    world: World, proposal: Proposal, start: str, policy_days: int = 0
) -> dict[str, Any]:
    """The consultation the proposal needs, from the world's workforce and posts."""
    scene = world.scene
    return consultation(scene.workforce, scene.establishment, proposal, start, policy_days)


@pytest.mark.parametrize(
    ("deleted", "minimum", "hr1"), [(19, 0, False), (20, 30, True), (99, 30, True), (100, 45, True)]
)
def test_the_statutory_minimum_follows_the_count(deleted: int, minimum: int, hr1: bool) -> None:
    """Under 20: none; 20-99: 30 days; 100 or more: 45 days; HR1 from 20."""
    world = _council(deleted)
    answer = _consulted(world, _deleting([f"p{n}" for n in range(deleted)]), "2018-01-15")
    assert answer["proposed_redundancies"] == deleted
    assert (answer["minimum_days"], answer["hr1_required"]) == (minimum, hr1)


def test_a_job_sharer_on_two_deleted_posts_is_one_person() -> None:
    """People are counted, not contracts."""
    world = _council(2)
    world.post("p-extra", "Dir 50%")
    world.run(appoint("p-extra", "e0", fte="0.5"))
    answer = _consulted(world, _deleting(["p0", "p-extra"]), "2018-01-15")
    assert answer["proposed_redundancies"] == 1
    assert [post["post_id"] for post in answer["people"][0]["posts"]] == ["p0", "p-extra"]


def test_people_already_at_risk_within_90_days_count_too() -> None:
    """One already at risk from 2018-02-01 (inside the window) and one from 2017 (outside)."""
    world = _council(22)
    world.place_at_risk("p20", "2018-02-01")
    world.place_at_risk("p21", "2017-06-01")
    answer = _consulted(world, _deleting([f"p{n}" for n in range(19)]), "2018-01-15")
    assert answer["proposed_redundancies"] == 20
    assert answer["minimum_days"] == 30
    assert answer["earliest_dismissal_date"] == "2018-02-14"


def test_the_tenant_policy_period_applies_under_the_threshold() -> None:
    """Five redundancies, a 14-day policy: at least 14 days."""
    world = _council(5)
    answer = _consulted(world, _deleting([f"p{n}" for n in range(5)]), "2018-03-01", 14)
    assert (answer["statutory_minimum_days"], answer["minimum_days"]) == (0, 14)
    assert answer["earliest_dismissal_date"] == "2018-03-15"


def test_the_proposal_scene_places_people_at_risk_on_an_overlay_only() -> None:
    """scene_with puts the deleted posts' holders at risk; the live record gains nothing."""
    world = _council(3)
    proposed = scene_with(world.scene, _deleting(["p0", "p1"]))
    assert sorted(record.post_id for record in proposed.workforce.at_risk.values()) == ["p0", "p1"]
    assert world.workforce.at_risk == {}
    assert proposed.establishment.deleted_on("p0") == "2018-04-01"
    assert world.establishment.deleted_on("p0") is None


LEFT = {
    "type": "PostholderLeft",
    "aggregate_type": "contract",
    "aggregate_id": "c",
    "aggregate_version": 2,
    "effective_date": "2018-01-01",
    "payload": {"contract_id": "c"},
}


def test_a_workforce_overlay_refuses_what_would_change_a_shared_record() -> None:
    """Only StaffPlacedAtRisk folds onto an overlay; a leaver is refused."""
    overlay = WorkforceOverlay(_council(1).workforce)
    with pytest.raises(ValueError, match="folds only"):
        overlay.apply(LEFT)
