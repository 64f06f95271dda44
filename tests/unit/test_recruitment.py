"""Recruitment's rules and views, decided and folded purely (no Redis)."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError
from recruitment_world import COMMANDS, World, appoint, chief_officers

from contracts.rejections import Reason
from services.recruitment.views import at_risk, postholders, vacancies


@pytest.fixture
def world() -> World:
    return chief_officers("45", "52.5", "60", "80")


def test_vacancy_counts_before_and_after_an_appointment(world: World) -> None:
    """An appointment takes its post off the vacancies from its start date, not before."""
    world.post("a", "Dir 52.5%")
    world.post("b", "Dir 52.5%")
    world.run(appoint("a", "person-1", "2017-06-01"))
    before = vacancies(world.scene, "2017-05-31")
    after = vacancies(world.scene, "2017-06-01")
    assert (before["totals"], after["totals"]) == (
        {"posts": 2, "fte": "2.0000", "vacant_fte": "2.0000"},
        {"posts": 1, "fte": "1.0000", "vacant_fte": "1.0000"},
    )
    item = after["vacancies"][0]
    assert (item["post_id"], item["vacant_since"], item["days_vacant"]) == ("b", "2017-04-01", 61)


def test_a_leaver_reopens_the_vacancy_from_the_day_after(world: World) -> None:
    """A leaver's post is vacant again from the day after their end date."""
    world.post("a", "Dir 52.5%")
    world.run(appoint("a", "person-1", "2017-06-01"))
    world.run(
        {"type": "RecordLeaver", "post_id": "a", "person_ref": "person-1", "end_date": "2017-12-31"}
    )
    assert vacancies(world.scene, "2017-12-31")["totals"]["posts"] == 0
    reopened = vacancies(world.scene, "2018-01-10")["vacancies"][0]
    assert (reopened["vacant_since"], reopened["days_vacant"]) == ("2018-01-01", 9)


@pytest.mark.parametrize(
    ("message", "reason"),
    [
        (appoint("nowhere", "p2"), Reason.NOT_FOUND),
        (appoint("a", "p2", "2017-01-01"), Reason.TIMELINE_CONFLICT),
        (appoint("a", "p2", "2018-04-01"), Reason.TIMELINE_CONFLICT),
        (appoint("held", "p2", "2018-01-01"), Reason.POST_FILLED),
        (appoint("held", "p2", "2017-05-01"), Reason.POST_FILLED),
        (appoint("a", "p2", "2017-06-01", fte="1"), None),
    ],
)
def test_appointments_that_cannot_stand_are_refused(
    world: World, message: dict[str, Any], reason: Reason | None
) -> None:
    """Appointing to an unknown, not-live, deleted or filled post, or above its FTE, is refused."""
    world.post("a", "Dir 52.5%", fte="0.5")
    world.delete("a")
    world.post("held", "Dir 52.5%")
    world.run(appoint("held", "p1", "2017-06-01"))
    if reason is None:
        assert world.refused(message).reason is Reason.INVALID  # FTE above the post's 0.5
    else:
        assert world.refused(message).reason is reason


def test_one_person_may_hold_two_posts(world: World) -> None:
    """One person may hold two half-time posts at once, both listed as theirs."""
    world.post("a", "Dir 52.5%", fte="0.5")
    world.post("b", "Dir 45%", fte="0.5")
    world.run(appoint("a", "p1"))
    world.run(appoint("b", "p1"))
    assert [c["post_id"] for c in postholders(world.scene, "2017-06-01", person_ref="p1")] == [
        "a",
        "b",
    ]


def test_deleting_a_held_post_puts_its_holder_at_risk_with_suitable_alternatives(
    world: World,
) -> None:
    """Deleting a held post puts its holder at risk once, offered posts one grade step away."""
    world.post("lead", "Dir 52.5%")
    world.post("other", "Dir 52.5%")
    world.run(appoint("lead", "p1"))
    world.run(appoint("other", "p2"))
    event_id = world.delete("lead")
    placed = world.run(
        {
            "type": "PlaceAtRisk",
            "post_id": "lead",
            "effective_date": "2018-04-01",
            "source_event_id": event_id,
        }
    )
    assert [(e["type"], e["effective_date"]) for e in placed] == [
        ("StaffPlacedAtRisk", "2018-04-01")
    ]
    assert (
        world.run(
            {
                "type": "PlaceAtRisk",
                "post_id": "lead",
                "effective_date": "2018-04-01",
                "source_event_id": event_id,
            }
        )
        == []
    )
    for post_id, grade in (("sdm", "Dir 45%"), ("head", "Dir 60%"), ("chief", "Dir 80%")):
        world.post(post_id, grade, effective="2018-04-01")
    risk = at_risk(world.scene, "2018-04-01")
    assert risk["totals"] == {"people": 1, "posts": 1}
    person = risk["people"][0]
    assert person["person_ref"] == "p1"
    alternatives = {item["post_id"] for item in person["posts"][0]["alternatives"]}
    assert alternatives == {"sdm", "head"}  # Dir 80% is two steps away
    assert at_risk(world.scene, "2018-03-31")["totals"]["people"] == 0


def test_a_back_dated_appointment_to_a_post_already_deleted_puts_the_holder_at_risk(
    world: World,
) -> None:
    """A back-dated appointment to a since-deleted post ends there and puts its holder at risk."""
    world.post("lead", "Dir 52.5%")
    world.delete("lead")
    events = world.run(appoint("lead", "p1", "2017-04-01"))
    assert [(e["type"], e["effective_date"]) for e in events] == [
        ("PostholderAppointed", "2017-04-01"),
        ("StaffPlacedAtRisk", "2018-04-01"),
    ]
    assert postholders(world.scene, "2018-03-31", post_id="lead")[0]["last_day"] == "2018-03-31"
    assert postholders(world.scene, "2018-04-01", post_id="lead") == []


def test_a_leaver_before_the_deletion_is_not_at_risk(world: World) -> None:
    """A holder who left before their post's deletion is not counted at risk."""
    world.post("lead", "Dir 52.5%")
    world.run(appoint("lead", "p1"))
    world.delete("lead")
    world.run(
        {
            "type": "PlaceAtRisk",
            "post_id": "lead",
            "effective_date": "2018-04-01",
            "source_event_id": "e",
        }
    )
    world.run(
        {"type": "RecordLeaver", "post_id": "lead", "person_ref": "p1", "end_date": "2018-02-28"}
    )
    assert at_risk(world.scene, "2018-04-01")["totals"]["people"] == 0


def test_ring_fenced_posts_are_offered_to_at_risk_staff_first(world: World) -> None:
    """Outsiders are refused a post suiting at-risk staff; a trial there can end in redeployment."""
    world.post("lead", "Dir 52.5%")
    world.run(appoint("lead", "p1"))
    world.delete("lead")
    world.run(
        {
            "type": "PlaceAtRisk",
            "post_id": "lead",
            "effective_date": "2018-04-01",
            "source_event_id": "e",
        }
    )
    world.post("sdm", "Dir 45%", effective="2018-04-01")
    assert world.refused(appoint("sdm", "outsider", "2018-04-01")).reason is Reason.RING_FENCED
    trial = world.run(
        {
            "type": "StartRedeploymentTrial",
            "person_ref": "p1",
            "to_post_id": "sdm",
            "trial_start": "2018-04-01",
        }
    )
    assert trial[0]["payload"]["trial_end"] == "2018-04-28"
    assert vacancies(world.scene, "2018-04-10")["totals"]["posts"] == 0
    world.run(
        {
            "type": "ConcludeTrial",
            "person_ref": "p1",
            "to_post_id": "sdm",
            "outcome": "redeployed",
            "effective_date": "2018-04-28",
        }
    )
    assert at_risk(world.scene, "2018-04-28")["totals"]["people"] == 0
    assert at_risk(world.scene, "2018-04-27")["people"][0]["posts"][0]["trial"]["post_id"] == "sdm"
    assert postholders(world.scene, "2019-01-01", person_ref="p1")[0]["post_id"] == "sdm"


def test_a_failed_trial_returns_the_person_to_risk_and_then_redundancy(world: World) -> None:
    """A returned trial puts the person back at risk until made redundant, refused mid-trial."""
    world.post("lead", "Dir 52.5%")
    world.run(appoint("lead", "p1"))
    world.delete("lead")
    world.run(
        {
            "type": "PlaceAtRisk",
            "post_id": "lead",
            "effective_date": "2018-04-01",
            "source_event_id": "e",
        }
    )
    world.post("sdm", "Dir 45%", effective="2018-04-01")
    world.post("chief", "Dir 80%", effective="2018-04-01")
    unsuitable = {
        "type": "StartRedeploymentTrial",
        "person_ref": "p1",
        "to_post_id": "chief",
        "trial_start": "2018-04-01",
    }
    assert world.refused(unsuitable).reason is Reason.INVALID
    world.run(
        {
            "type": "StartRedeploymentTrial",
            "person_ref": "p1",
            "to_post_id": "sdm",
            "trial_start": "2018-04-01",
        }
    )
    redundant = {
        "type": "MakeRedundant",
        "person_ref": "p1",
        "post_id": "lead",
        "effective_date": "2018-04-15",
    }
    assert world.refused(redundant).reason is Reason.TIMELINE_CONFLICT
    world.run(
        {
            "type": "ConcludeTrial",
            "person_ref": "p1",
            "to_post_id": "sdm",
            "outcome": "returned",
            "effective_date": "2018-04-20",
        }
    )
    assert vacancies(world.scene, "2018-04-21")["totals"]["posts"] == 2
    assert at_risk(world.scene, "2018-04-21")["totals"]["people"] == 1
    world.run({**redundant, "effective_date": "2018-06-30"})
    assert at_risk(world.scene, "2018-06-30")["totals"]["people"] == 0
    assert at_risk(world.scene, "2018-06-29")["totals"]["people"] == 1


def test_a_freeze_blocks_approvals_and_appointments_until_lifted(world: World) -> None:
    """A freeze on a unit refuses approvals and appointments in its sub-units until it is lifted."""
    world.unit("team", "cf")
    world.post("a", "Dir 45%", org_unit_id="team")
    freeze = {
        "type": "FreezeVacancies",
        "org_unit_id": "cf",
        "effective_date": "2017-05-01",
        "decided_by": "Executive Board",
        "reference": "EB-2017-12",
    }
    freeze_id = world.run(freeze)[0]["aggregate_id"]
    approval = {"type": "ApproveRecruitment", "post_id": "a", "effective_date": "2017-06-01"}
    assert world.refused(approval).reason is Reason.VACANCY_FROZEN
    assert world.refused(appoint("a", "p1", "2017-06-01")).reason is Reason.VACANCY_FROZEN
    gate = vacancies(world.scene, "2017-06-01")["vacancies"][0]
    assert gate["freeze"]["decided_by"] == "Executive Board"
    assert gate["recruitable"] is False
    world.run({"type": "LiftFreeze", "freeze_id": freeze_id, "effective_date": "2017-09-01"})
    world.run({**approval, "effective_date": "2017-09-01", "reference": "RTR-1"})
    open_again = vacancies(world.scene, "2017-09-01")["vacancies"][0]
    assert (open_again["freeze"], open_again["recruitable"]) == (None, True)
    assert open_again["approval"]["reference"] == "RTR-1"
    world.run(appoint("a", "p1", "2017-10-01"))
    assert vacancies(world.scene, "2017-10-01")["totals"]["posts"] == 0


def test_a_freeze_names_exactly_one_scope() -> None:
    """A vacancy freeze that names no scope fails validation."""
    with pytest.raises(ValidationError):
        COMMANDS.validate_python({"type": "FreezeVacancies", "effective_date": "2017-05-01"})
