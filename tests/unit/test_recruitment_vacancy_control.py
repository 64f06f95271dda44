"""Vacancy control as a tenant's policy: live approvals, expiry, flags and the period report."""

from __future__ import annotations

from typing import Any

import pytest
from recruitment_world import World, appoint, chief_officers

from contracts import recruitment as rc
from contracts.rejections import Reason
from contracts.tenancy import TenantPolicy
from readmodels.workforce import Workforce
from services.recruitment.approvals import add_months
from services.recruitment.views import postholders, vacancies, vacancy_control

BOARD = {"decided_by": "Executive Board", "reference": "EB-2017-06"}


@pytest.fixture
def world() -> World:
    world = chief_officers("45", "52.5")
    world.post("a", "Dir 52.5%")
    world.policy = TenantPolicy(vacancy_control="required")
    return world


def approve(post_id: str, day: str, **decision: Any) -> dict[str, Any]:
    return {"type": "ApproveRecruitment", "post_id": post_id, "effective_date": day, **decision}


def test_required_refuses_an_appointment_with_no_approval(world: World) -> None:
    """Under `required`, no approval at all: 409 approval-required naming the post."""
    refused = world.refused(appoint("a", "p1", "2017-06-01"))
    assert refused.reason is Reason.APPROVAL_REQUIRED
    assert "post 'a' has no live approval to recruit on 2017-06-01" in refused.detail
    assert "no approval to recruit was ever given" in refused.detail


def test_required_refuses_on_an_approval_past_its_months(world: World) -> None:
    """An approval 5 months old (approval_months 4) has expired: refused, saying when."""
    world.run(approve("a", "2017-05-01", **BOARD))
    refused = world.refused(appoint("a", "p1", "2017-10-01"))
    assert refused.reason is Reason.APPROVAL_REQUIRED
    assert "given on 2017-05-01 (by Executive Board, ref EB-2017-06)" in refused.detail
    assert "expired on 2017-09-01" in refused.detail
    assert world.refused(appoint("a", "p1", "2017-09-01")).reason is Reason.APPROVAL_REQUIRED


def test_required_records_an_appointment_on_a_live_approval_and_what_it_relied_on(
    world: World,
) -> None:
    """A live approval is recorded on the appointment; the contract is not flagged."""
    world.run(approve("a", "2017-05-01", **BOARD))
    event = world.run(appoint("a", "p1", "2017-08-31"))[0]
    assert event["payload"]["approval"] == {"approved_on": "2017-05-01", **BOARD}
    assert (event["payload"]["unapproved"], event["payload"]["existing"]) == (False, False)
    contract = postholders(world.scene, "2017-09-01")[0]
    assert (contract["approved_on"], contract["unapproved"]) == ("2017-05-01", False)


def test_required_records_someone_already_in_post_without_an_approval(world: World) -> None:
    """`existing: true` (an import) needs no approval and is not flagged."""
    event = world.run(appoint("a", "p1", "2017-06-01", existing=True))[0]
    assert (event["payload"]["approval"], event["payload"]["unapproved"]) == (None, False)
    assert event["payload"]["existing"] is True


def test_an_approval_is_used_up_by_the_appointment_that_fills_the_post(world: World) -> None:
    """After the post was filled, a leaver's replacement needs a new approval."""
    world.run(approve("a", "2017-05-01"))
    world.run(appoint("a", "p1", "2017-06-01"))
    world.run(
        {"type": "RecordLeaver", "post_id": "a", "person_ref": "p1", "end_date": "2017-06-30"}
    )
    refused = world.refused(appoint("a", "p2", "2017-07-01"))
    assert refused.reason is Reason.APPROVAL_REQUIRED
    assert "was used by the appointment of p1 from 2017-06-01" in refused.detail
    assert vacancies(world.scene, "2017-07-01")["vacancies"][0]["approval"] is None
    world.run(approve("a", "2017-07-01"))
    world.run(appoint("a", "p2", "2017-07-01"))


def test_a_job_shares_first_half_leaves_the_approval_live_for_the_second(world: World) -> None:
    """An appointment that leaves FTE vacant does not use the approval up."""
    world.run(approve("a", "2017-05-01", **BOARD))
    world.run(appoint("a", "p1", "2017-06-01", fte="0.5"))
    gate = vacancies(world.scene, "2017-07-01")["vacancies"][0]
    assert (gate["approval"]["expires_on"], gate["recruitable"]) == ("2017-09-01", True)
    second = world.run(appoint("a", "p2", "2017-07-01", fte="0.5"))[0]
    assert second["payload"]["approval"]["approved_on"] == "2017-05-01"


def test_a_redeployment_trial_needs_no_approval(world: World) -> None:
    """Ring-fenced redeployment of someone at risk is exempt from `required`."""
    world.run(appoint("a", "p1", "2017-06-01", existing=True))
    world.place_at_risk("a")
    world.post("sdm", "Dir 45%", effective="2018-04-01")
    trial = {
        "type": "StartRedeploymentTrial",
        "person_ref": "p1",
        "to_post_id": "sdm",
        "trial_start": "2018-04-01",
    }
    assert world.run(trial)[0]["type"] == "RedeploymentTrialStarted"


def test_advisory_records_and_flags_an_unapproved_appointment_for_the_period_report(
    world: World,
) -> None:
    """Under `advisory`: recorded, `unapproved: true`, listed by the vacancy-control report."""
    world.policy = TenantPolicy(vacancy_control="advisory")
    world.post("b", "Dir 45%")
    event = world.run(appoint("a", "p1", "2017-06-01"))[0]
    assert event["payload"]["unapproved"] is True
    world.run(approve("b", "2017-05-01"))
    world.run(appoint("b", "p2", "2017-06-01"))
    flags = {c["person_ref"]: c["unapproved"] for c in postholders(world.scene, "2017-06-01")}
    assert flags == {"p1": True, "p2": False}
    report = vacancy_control(world.scene, "2017-06-01", "2017-06-30")
    assert [item["person_ref"] for item in report["unapproved_appointments"]] == ["p1"]
    assert report["totals"] == {"unapproved_appointments": 1, "expired_approvals": 0}
    assert vacancy_control(world.scene, "2017-07-01", "2017-12-31")["totals"] == {
        "unapproved_appointments": 0,
        "expired_approvals": 0,
    }


def test_the_period_report_lists_approvals_that_expired_unused(world: World) -> None:
    """An approval nobody relied on is listed in the period its expiry falls in, not before."""
    world.post("b", "Dir 45%")
    world.run(approve("a", "2017-05-01", **BOARD))
    world.run(approve("b", "2017-05-01"))
    world.run(appoint("b", "p2", "2017-06-01"))
    assert vacancy_control(world.scene, "2017-05-01", "2017-08-31")["expired_approvals"] == []
    report = vacancy_control(world.scene, "2017-09-01", "2017-09-30")
    assert report["expired_approvals"] == [
        {
            "post_id": "a",
            "from": "2017-05-01",
            "expires_on": "2017-09-01",
            **BOARD,
        }
    ]
    closed = vacancies(world.scene, "2017-09-01")["vacancies"][0]
    assert (closed["approval"], closed["recruitable"]) == (None, False)


def test_a_tenant_may_set_how_long_approvals_last(world: World) -> None:
    """`approval_months` is the tenant's: 6 months keeps a 5-month-old approval live."""
    world.policy = TenantPolicy(vacancy_control="required", approval_months=6)
    world.run(approve("a", "2017-05-01"))
    world.run(appoint("a", "p1", "2017-10-01"))


@pytest.mark.parametrize(
    ("day", "months", "expires"),
    [
        ("2017-05-01", 4, "2017-09-01"),
        ("2017-10-31", 4, "2018-02-28"),
        ("2019-10-31", 4, "2020-02-29"),
        ("2017-11-15", 4, "2018-03-15"),
    ],
)
def test_approvals_expire_after_calendar_months(day: str, months: int, expires: str) -> None:
    """Expiry is the approval date plus calendar months (a missing day: the month's last)."""
    assert add_months(day, months) == expires


def test_an_import_of_someone_in_post_is_recorded_through_a_freeze_and_a_ring_fence(
    world: World,
) -> None:
    """`existing: true` records a fact, not a recruitment: no freeze or ring-fence applies."""
    world.run(appoint("a", "p1", existing=True))
    world.place_at_risk("a")
    world.post("sdm", "Dir 45%", effective="2018-04-01")
    world.post("frozen", "Dir 45%", effective="2018-04-01")
    world.run({"type": "FreezeVacancies", "post_id": "frozen", "effective_date": "2018-04-01"})
    world.policy = TenantPolicy(vacancy_control="advisory")
    assert world.refused(appoint("sdm", "p2", "2018-04-01")).reason is Reason.RING_FENCED
    assert world.refused(appoint("frozen", "p3", "2018-04-01")).reason is Reason.VACANCY_FROZEN
    world.run(appoint("sdm", "p2", "2018-04-01", existing=True))
    world.run(appoint("frozen", "p3", "2018-04-01", existing=True))
    assert {c["person_ref"] for c in postholders(world.scene, "2018-04-01")} == {"p2", "p3"}


def test_an_appointment_recorded_before_vacancy_control_reads_as_approved() -> None:
    """Older `PostholderAppointed` events, without the new fields, validate and fold as before."""
    old = {"contract_id": "c1", "post_id": "a", "person_ref": "p1", "fte": "1"}
    parsed = rc.PostholderAppointed.model_validate(old)
    assert (parsed.approval, parsed.unapproved, parsed.existing) == (None, False, False)
    workforce = Workforce()
    workforce.apply(
        {
            "type": "PostholderAppointed",
            "aggregate_type": "contract",
            "aggregate_id": "c1",
            "aggregate_version": 1,
            "effective_date": "2017-06-01",
            "payload": old,
        }
    )
    contract = workforce.contracts["c1"]
    assert (contract.approved_on, contract.unapproved, contract.existing) == (None, False, False)
