"""Job shares and headcount: several holders per post within its FTE, decided and folded purely."""

from __future__ import annotations

import pytest
from recruitment_world import World, appoint, chief_officers

from contracts.rejections import Reason
from services.recruitment.views import at_risk, roster, vacancies


@pytest.fixture
def world() -> World:
    world = chief_officers("45", "52.5")
    world.post("shared", "Dir 52.5%")
    return world


def leaver(post_id: str, person: str, end: str) -> dict[str, str]:
    return {"type": "RecordLeaver", "post_id": post_id, "person_ref": person, "end_date": end}


def test_two_half_time_holders_fill_a_post_and_one_leaving_reopens_half(world: World) -> None:
    """Two 0.5 holders: not a vacancy, headcount 2; one leaves: listed with 0.5 vacant FTE."""
    world.run(appoint("shared", "p1", "2017-06-01", fte="0.5"))
    world.run(appoint("shared", "p2", "2017-07-01", fte="0.5"))
    assert vacancies(world.scene, "2017-07-01")["totals"] == {
        "posts": 0,
        "fte": "0.0000",
        "vacant_fte": "0.0000",
    }
    assert roster(world.scene, "2017-07-01")["totals"] == {
        "contracts": 2,
        "headcount": 2,
        "fte_in_post": "1.0000",
    }
    world.run(leaver("shared", "p1", "2017-12-31"))
    item = vacancies(world.scene, "2018-01-10")["vacancies"][0]
    assert (item["fte"], item["vacant_fte"], item["fte_in_post"], item["headcount"]) == (
        "1.0000",
        "0.5000",
        "0.5000",
        1,
    )
    assert (item["vacant_since"], item["days_vacant"]) == ("2018-01-01", 9)
    half_open = vacancies(world.scene, "2017-06-15")
    assert half_open["totals"] == {"posts": 1, "fte": "1.0000", "vacant_fte": "0.5000"}
    assert half_open["vacancies"][0]["vacant_since"] == "2017-04-01"


def test_an_appointment_without_fte_takes_what_is_vacant(world: World) -> None:
    """With no FTE given, the contract takes the post's vacant FTE on its start date."""
    world.run(appoint("shared", "p1", "2017-06-01", fte="0.3"))
    events = world.run(appoint("shared", "p2", "2017-06-01"))
    assert events[0]["payload"]["fte"] == "0.7"
    refused = world.refused(appoint("shared", "p3", "2017-08-01"))
    assert refused.reason is Reason.POST_FILLED
    assert "no vacant FTE on 2017-08-01" in refused.detail
    assert "p1 (0.3000 from 2017-06-01)" in refused.detail


def test_a_holder_who_fits_today_but_not_on_a_later_start_is_refused(world: World) -> None:
    """FTE is checked on every later day something changes: a future start already recorded."""
    world.run(appoint("shared", "p1", "2017-09-01", fte="0.6"))
    refused = world.refused(appoint("shared", "p2", "2017-06-01", fte="0.5"))
    assert refused.reason is Reason.POST_FILLED
    assert "has 0.4000 FTE vacant on 2017-09-01" in refused.detail
    world.run(appoint("shared", "p2", "2017-06-01", fte="0.4"))
    assert roster(world.scene, "2017-09-01", post_id="shared")["totals"]["fte_in_post"] == "1.0000"


def test_a_later_cut_in_the_posts_fte_refuses_a_contract_that_would_not_fit(world: World) -> None:
    """The post's own FTE changes (from establishment's stream) are checked too."""
    world.change_fte("shared", "0.5", "2018-01-01")
    refused = world.refused(appoint("shared", "p1", "2017-06-01", fte="0.6"))
    assert refused.reason is Reason.POST_FILLED
    assert "on 2018-01-01" in refused.detail
    world.run(appoint("shared", "p1", "2017-06-01", fte="0.5"))
    assert vacancies(world.scene, "2017-07-01")["vacancies"][0]["vacant_fte"] == "0.5000"
    assert vacancies(world.scene, "2018-01-01")["totals"]["posts"] == 0


def test_one_person_cannot_hold_the_same_post_twice_at_once(world: World) -> None:
    """A second concurrent contract for the same person on the same post is refused."""
    world.run(appoint("shared", "p1", "2017-06-01", fte="0.5"))
    refused = world.refused(appoint("shared", "p1", "2017-07-01", fte="0.5"))
    assert (refused.reason, refused.detail) == (
        Reason.POST_FILLED,
        "p1 already holds post 'shared' from 2017-06-01",
    )


def test_each_contract_of_a_deleted_job_share_is_at_risk(world: World) -> None:
    """Deleting a shared post puts each holder at risk, each offered vacancies with room."""
    world.run(appoint("shared", "p1", fte="0.5"))
    world.run(appoint("shared", "p2", fte="0.5"))
    placed = world.place_at_risk("shared")
    assert sorted(event["payload"]["person_ref"] for event in placed) == ["p1", "p2"]
    world.post("half", "Dir 45%", effective="2018-04-01", fte="0.5")
    risk = at_risk(world.scene, "2018-04-01")
    assert risk["totals"] == {"people": 2, "posts": 2}
    offers = {
        person["person_ref"]: [item["post_id"] for item in person["posts"][0]["alternatives"]]
        for person in risk["people"]
    }
    assert offers == {"p1": ["half"], "p2": ["half"]}


def test_a_trial_takes_the_at_risk_contracts_fte_and_must_fit(world: World) -> None:
    """A redeployment trial's FTE is the at-risk contract's; refused above the vacant FTE."""
    world.run(appoint("shared", "p1"))
    world.post("target", "Dir 45%")
    world.run(appoint("target", "p9", fte="0.5"))
    world.place_at_risk("shared")
    trial = {
        "type": "StartRedeploymentTrial",
        "person_ref": "p1",
        "to_post_id": "target",
        "trial_start": "2018-04-01",
    }
    refused = world.refused(trial)
    assert refused.reason is Reason.POST_FILLED
    assert "1.0000 FTE does not fit" in refused.detail
    assert at_risk(world.scene, "2018-04-01")["people"][0]["posts"][0]["alternatives"] == []
    world.run(leaver("target", "p9", "2018-03-31"))
    started = world.run(trial)
    assert started[0]["payload"]["fte"] == "1"


def test_a_half_vacancy_is_not_ring_fenced_for_a_full_time_contract(world: World) -> None:
    """Ring-fencing is per at-risk contract: a vacancy too small for it is open to others."""
    world.run(appoint("shared", "p1"))
    world.place_at_risk("shared")
    world.post("half", "Dir 45%", effective="2018-04-01", fte="0.5")
    world.post("full", "Dir 45%", effective="2018-04-01")
    world.run(appoint("half", "outsider", "2018-04-01"))
    assert world.refused(appoint("full", "other", "2018-04-01")).reason is Reason.RING_FENCED
