"""Every establishment rule, decided and folded purely (no Redis)."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import uuid4

import pytest
from grade_catalogue import njc_catalogue

from contracts import establishment as est
from contracts.decisions import DomainError
from contracts.registry import command_from_message
from contracts.rejections import Reason
from readmodels.establishment import Establishment
from readmodels.workforce import Workforce
from services.establishment.domain import decide
from services.establishment.structure import structure
from services.establishment.views import diff, find_post


class Log:
    """A pure stand-in for the service: decide, then fold, numbering events as a store would."""

    def __init__(self) -> None:
        self.projection = Establishment()
        self.catalogue = njc_catalogue()
        self.sequence = 0
        self.events: list[dict[str, Any]] = []

    def run(self, message: dict[str, Any]) -> dict[str, Any]:
        command = command_from_message(message)
        drafts = decide(command, self.projection, self.catalogue)
        for draft in drafts:
            self.sequence += 1
            event = {
                "event_id": str(uuid4()),
                "type": draft.type,
                "schema_version": 2 if draft.type == "PostCreated" else 1,
                "aggregate_type": draft.aggregate_type,
                "aggregate_id": draft.aggregate_id,
                "aggregate_version": draft.expected_version + 1,
                "sequence": self.sequence,
                "effective_date": draft.effective_date,
                "recorded_at": f"2026-01-01T00:00:{self.sequence:02d}.000000Z",
                "payload": draft.payload,
            }
            self.events.append(event)
            self.projection.apply(event, f"{self.sequence}-0")
        return self.events[-1]

    def refused(self, message: dict[str, Any]) -> DomainError:
        with pytest.raises(DomainError) as caught:
            decide(command_from_message(message), self.projection, self.catalogue)
        return caught.value


def post(post_id: str, **fields: Any) -> dict[str, Any]:
    return {
        "type": "CreatePost",
        "post_id": post_id,
        "title": fields.pop("title", post_id.title()),
        "grade": fields.pop("grade", "PO6"),
        "fte": fields.pop("fte", "1"),
        "org_unit_id": fields.pop("org_unit_id", "cf"),
        "effective_date": fields.pop("effective_date", "2017-04-01"),
        **fields,
    }


@pytest.fixture
def log() -> Log:
    log = Log()
    log.run(
        {
            "type": "CreateOrgUnit",
            "org_unit_id": "council",
            "name": "Council",
            "effective_date": "2000-01-01",
        }
    )
    log.run(
        {
            "type": "CreateOrgUnit",
            "org_unit_id": "cf",
            "name": "Children and Families",
            "parent_id": "council",
            "effective_date": "2000-01-01",
        }
    )
    log.run(
        {
            "type": "CreateOrgUnit",
            "org_unit_id": "rh",
            "name": "Resources and Housing",
            "parent_id": "council",
            "effective_date": "2000-01-01",
        }
    )
    log.run(post("director", grade="Dir 100%"))
    return log


def test_a_post_exists_from_its_effective_date(log: Log) -> None:
    """A post is absent the day before its effective date and present from it, at version 1."""
    log.run(post("a", effective_date="2018-04-01", reports_to="director"))
    assert find_post(log.projection, "a", "2018-03-31") is None
    found = find_post(log.projection, "a", "2018-04-01")
    assert found is not None
    assert found["reports_to"] == "director"
    assert found["fte"] == "1.0000"
    assert found["version"] == 1


def test_hours_fraction_fte_is_kept_exactly_and_shown_to_four_places(log: Log) -> None:
    """An FTE of 30/37 shows as 0.8108 and adds exactly into the unit's total FTE."""
    log.run(post("part", fte="30/37"))
    log.run(post("full"))
    view = structure(log.projection, "2018-01-01", "cf", Workforce())
    assert [item["fte"] for item in view["posts"] if item["post_id"] == "part"] == ["0.8108"]
    assert (view["totals"]["posts"], view["totals"]["fte"]) == (3, "2.8108")


def test_future_dated_change_applies_only_from_its_date(log: Log) -> None:
    """A future-dated redesignation leaves the post as it was until its effective date."""
    log.run(post("a"))
    log.run(
        {
            "type": "RedesignatePost",
            "post_id": "a",
            "title": "Head of Service",
            "grade": "Dir 60%",
            "effective_date": "2019-04-01",
        }
    )
    before = find_post(log.projection, "a", "2019-03-31")
    after = find_post(log.projection, "a", "2019-04-01")
    assert before is not None
    assert after is not None
    assert (before["title"], before["grade"]) == ("A", "PO6")
    assert (after["title"], after["grade"]) == ("Head of Service", "Dir 60%")


def test_back_dated_change_lands_inside_the_timeline(log: Log) -> None:
    """A back-dated FTE change applies from its date until a later change already recorded."""
    log.run(post("a"))
    log.run({"type": "ChangePostFTE", "post_id": "a", "fte": "0.5", "effective_date": "2019-01-01"})
    log.run({"type": "ChangePostFTE", "post_id": "a", "fte": "0.8", "effective_date": "2018-01-01"})
    fte = [
        found["fte"]
        for day in ("2017-12-31", "2018-06-01", "2019-06-01")
        if (found := find_post(log.projection, "a", day))
    ]
    assert fte == ["1.0000", "0.8000", "0.5000"]


def test_change_before_creation_is_refused(log: Log) -> None:
    """A change dated before the post's creation is a timeline conflict naming the creation date."""
    log.run(post("a", effective_date="2018-04-01"))
    error = log.refused(
        {"type": "ChangePostFTE", "post_id": "a", "fte": "0.5", "effective_date": "2018-03-31"}
    )
    assert error.reason is Reason.TIMELINE_CONFLICT
    assert "2018-04-01" in error.detail


def test_change_on_or_after_deletion_is_refused(log: Log) -> None:
    """A transfer or a second deletion on or after a post's deletion is a timeline conflict."""
    log.run(post("a"))
    log.run({"type": "DeletePost", "post_id": "a", "effective_date": "2018-04-01"})
    error = log.refused(
        {
            "type": "TransferPost",
            "post_id": "a",
            "org_unit_id": "rh",
            "effective_date": "2018-04-01",
        }
    )
    assert error.reason is Reason.TIMELINE_CONFLICT
    assert "deleted from 2018-04-01" in error.detail
    assert (
        log.refused({"type": "DeletePost", "post_id": "a", "effective_date": "2019-01-01"}).reason
        is Reason.TIMELINE_CONFLICT
    )


def test_deletion_before_a_recorded_later_change_is_refused(log: Log) -> None:
    """Deleting a post before a later change already recorded is a conflict naming that change."""
    log.run(post("a"))
    log.run({"type": "ChangePostFTE", "post_id": "a", "fte": "0.5", "effective_date": "2019-01-01"})
    error = log.refused({"type": "DeletePost", "post_id": "a", "effective_date": "2018-04-01"})
    assert error.reason is Reason.TIMELINE_CONFLICT
    assert "PostFTEChanged" in error.detail


def test_unknown_post_and_unit_are_not_found(log: Log) -> None:
    """Changing an unknown post, or placing a post in an unknown unit or under one, is not found."""
    assert (
        log.refused(
            {
                "type": "ChangePostFTE",
                "post_id": "ghost",
                "fte": "0.5",
                "effective_date": "2018-01-01",
            }
        ).reason
        is Reason.NOT_FOUND
    )
    assert log.refused(post("b", org_unit_id="nowhere")).reason is Reason.NOT_FOUND
    assert log.refused(post("b", reports_to="ghost")).reason is Reason.NOT_FOUND


def test_org_unit_must_exist_on_the_date(log: Log) -> None:
    """A post dated before its org unit's creation is a timeline conflict."""
    log.run(
        {
            "type": "CreateOrgUnit",
            "org_unit_id": "new",
            "name": "New team",
            "parent_id": "cf",
            "effective_date": "2018-04-01",
        }
    )
    error = log.refused(post("b", org_unit_id="new", effective_date="2018-03-01"))
    assert error.reason is Reason.TIMELINE_CONFLICT


def test_duplicate_ids_are_refused(log: Log) -> None:
    """Creating a post or an org unit with an id already in use is refused as already existing."""
    assert log.refused(post("director")).reason is Reason.ALREADY_EXISTS
    assert (
        log.refused(
            {
                "type": "CreateOrgUnit",
                "org_unit_id": "cf",
                "name": "Again",
                "effective_date": "2018-01-01",
            }
        ).reason
        is Reason.ALREADY_EXISTS
    )


def test_reporting_line_cycle_is_refused(log: Log) -> None:
    """A reporting line that would loop, even to the post itself, is refused naming the cycle."""
    log.run(post("a", reports_to="director"))
    log.run(post("b", reports_to="a"))
    error = log.refused(
        {
            "type": "ChangeReportingLine",
            "post_id": "a",
            "reports_to": "b",
            "effective_date": "2018-01-01",
        }
    )
    assert error.reason is Reason.REPORTING_CYCLE
    assert "a -> b -> a" in error.detail
    self_loop = log.refused(
        {
            "type": "ChangeReportingLine",
            "post_id": "a",
            "reports_to": "a",
            "effective_date": "2018-01-01",
        }
    )
    assert self_loop.reason is Reason.REPORTING_CYCLE


def test_cycle_formed_only_by_a_future_change_is_refused(log: Log) -> None:
    """A line forming a cycle only with a later recorded change is refused naming that date."""
    log.run(post("a", reports_to="director"))
    log.run(post("b", reports_to="director"))
    log.run(
        {
            "type": "ChangeReportingLine",
            "post_id": "b",
            "reports_to": "a",
            "effective_date": "2019-01-01",
        }
    )
    error = log.refused(
        {
            "type": "ChangeReportingLine",
            "post_id": "a",
            "reports_to": "b",
            "effective_date": "2018-01-01",
        }
    )
    assert error.reason is Reason.REPORTING_CYCLE
    assert "2019-01-01" in error.detail


def test_manager_must_outlive_the_line(log: Log) -> None:
    """Reporting to a manager post due to be deleted is a timeline conflict naming its deletion."""
    log.run(post("boss"))
    log.run({"type": "DeletePost", "post_id": "boss", "effective_date": "2019-01-01"})
    error = log.refused(post("a", reports_to="boss"))
    assert error.reason is Reason.TIMELINE_CONFLICT
    assert "deleted from 2019-01-01" in error.detail


def test_post_with_reports_cannot_be_deleted(log: Log) -> None:
    """A post with reports cannot be deleted until their line is moved; then it can be."""
    log.run(post("a", reports_to="director"))
    error = log.refused(
        {"type": "DeletePost", "post_id": "director", "effective_date": "2018-01-01"}
    )
    assert error.reason is Reason.TIMELINE_CONFLICT
    assert "'a' reports to 'director'" in error.detail
    log.run(
        {
            "type": "ChangeReportingLine",
            "post_id": "a",
            "reports_to": None,
            "effective_date": "2018-01-01",
        }
    )
    log.run({"type": "DeletePost", "post_id": "director", "effective_date": "2018-01-01"})
    assert find_post(log.projection, "director", "2018-01-01") is None


def test_stale_expected_version_conflicts(log: Log) -> None:
    """A change expecting a version that has since moved on is a version conflict."""
    log.run(post("a"))
    log.run(
        {
            "type": "ChangePostFTE",
            "post_id": "a",
            "fte": "0.5",
            "effective_date": "2018-01-01",
            "expected_version": 1,
        }
    )
    error = log.refused(
        {
            "type": "ChangePostFTE",
            "post_id": "a",
            "fte": "0.6",
            "effective_date": "2018-01-01",
            "expected_version": 1,
        }
    )
    assert error.reason is Reason.VERSION_CONFLICT


@pytest.mark.parametrize(
    "change",
    [
        {"type": "RedesignatePost", "title": "A", "grade": "po6"},
        {"type": "ChangePostFTE", "fte": "1.0000"},
        {"type": "TransferPost", "org_unit_id": "cf"},
        {"type": "ChangeReportingLine", "reports_to": None},
        {"type": "ChangePostFunding", "funding": []},
    ],
)
def test_a_change_that_changes_nothing_is_refused(log: Log, change: dict[str, Any]) -> None:
    """A change of any kind that leaves the post as it already is is refused as no-change."""
    log.run(post("a"))
    error = log.refused({**change, "post_id": "a", "effective_date": "2018-01-01"})
    assert error.reason is Reason.NO_CHANGE


def test_regrade_without_a_new_cost_clears_the_old_explicit_cost(log: Log) -> None:
    """A regrade with no new cost clears the explicit budgeted cost from its effective date."""
    log.run(post("a", grade="Dir 80%", budgeted_annual_cost="126000.00"))
    event = log.run(
        {
            "type": "RedesignatePost",
            "post_id": "a",
            "grade": "Dir 70%",
            "effective_date": "2018-04-01",
        }
    )
    assert event["payload"]["budgeted_annual_cost_cleared"] is True
    after = find_post(log.projection, "a", "2018-04-01")
    before = find_post(log.projection, "a", "2018-03-31")
    assert after is not None
    assert before is not None
    assert (before["budgeted_annual_cost"], after["budgeted_annual_cost"]) == ("126000.00", None)


def test_funding_split_replaces_the_base_budget(log: Log) -> None:
    """From its date, a funding change gives the post exactly the new sources and shares."""
    log.run(post("a"))
    log.run(
        {
            "type": "ChangePostFunding",
            "post_id": "a",
            "effective_date": "2018-04-01",
            "funding": [
                {"source_id": "pip", "share": "0.5"},
                {"source_id": "base", "share": "0.5"},
            ],
        }
    )
    found = find_post(log.projection, "a", "2018-04-01")
    assert found is not None
    assert found["funding"] == [
        {"source_id": "pip", "share": "0.5"},
        {"source_id": "base", "share": "0.5"},
    ]


def test_retraction_removes_the_event_from_every_later_view(log: Log) -> None:
    """A retracted change vanishes from views, bumps the version, and cannot be retracted again."""
    log.run(post("a"))
    wrong = log.run(
        {"type": "ChangePostFTE", "post_id": "a", "fte": "0.5", "effective_date": "2018-01-01"}
    )
    log.run({"type": "RetractEvent", "event_id": wrong["event_id"], "reason": "keyed wrongly"})
    found = find_post(log.projection, "a", "2018-06-01")
    assert found is not None
    assert found["fte"] == "1.0000"
    assert found["version"] == 3
    again = log.refused({"type": "RetractEvent", "event_id": wrong["event_id"], "reason": "x"})
    assert again.reason is Reason.NO_CHANGE


def test_creation_cannot_be_retracted_while_changes_rest_on_it(log: Log) -> None:
    """A creation that later changes or posts rest on cannot be retracted: a timeline conflict."""
    created = log.run(post("a"))
    log.run({"type": "ChangePostFTE", "post_id": "a", "fte": "0.5", "effective_date": "2018-01-01"})
    error = log.refused({"type": "RetractEvent", "event_id": created["event_id"], "reason": "x"})
    assert error.reason is Reason.TIMELINE_CONFLICT
    unit = log.refused(
        {"type": "RetractEvent", "event_id": log.events[1]["event_id"], "reason": "x"}
    )
    assert unit.reason is Reason.TIMELINE_CONFLICT


def test_retracting_an_unknown_event_is_not_found(log: Log) -> None:
    """Retracting an event id that was never recorded is not found."""
    error = log.refused({"type": "RetractEvent", "event_id": "nope", "reason": "x"})
    assert error.reason is Reason.NOT_FOUND


def test_structure_of_a_unit_includes_its_sub_units(log: Log) -> None:
    """A unit's structure lists the posts of its sub-units but not those of other units."""
    log.run(
        {
            "type": "CreateOrgUnit",
            "org_unit_id": "team",
            "name": "Team",
            "parent_id": "cf",
            "effective_date": "2000-01-01",
        }
    )
    log.run(post("in-team", org_unit_id="team"))
    log.run(post("elsewhere", org_unit_id="rh"))
    view = structure(log.projection, "2018-01-01", "cf", Workforce())
    ids = [item["post_id"] for item in view["posts"]]
    assert ids == ["director", "in-team"]


def test_diff_lists_created_deleted_changed_and_transfers(log: Log) -> None:
    """A diff lists new, deleted, changed and moved-in posts; council-wide, a move is a change."""
    log.run(post("going"))
    log.run(post("staying", grade="Dir 80%"))
    log.run(post("moving", org_unit_id="rh"))
    day = "2018-04-01"
    log.run({"type": "DeletePost", "post_id": "going", "effective_date": day})
    log.run(post("new", effective_date=day))
    log.run(
        {"type": "RedesignatePost", "post_id": "staying", "grade": "Dir 70%", "effective_date": day}
    )
    log.run(
        {"type": "TransferPost", "post_id": "moving", "org_unit_id": "cf", "effective_date": day}
    )
    changes = diff(log.projection, "2018-03-31", day, "cf")
    assert [item["post_id"] for item in changes["created"]] == ["new"]
    assert [item["post_id"] for item in changes["deleted"]] == ["going"]
    assert [item["post_id"] for item in changes["changed"]] == ["staying"]
    assert [item["post_id"] for item in changes["transferred_in"]] == ["moving"]
    whole = diff(log.projection, "2018-03-31", day)
    assert [item["post_id"] for item in whole["changed"]] == ["moving", "staying"]


def test_event_typed_message_is_taken_as_its_command(log: Log) -> None:
    """A message typed as the PostCreated event is taken as a CreatePost with its date."""
    command = command_from_message({**post("hr-fact"), "type": "PostCreated"})
    assert isinstance(command, est.CreatePost)
    assert command.effective_date == date(2017, 4, 1)


def evaluation(post_id: str, grade: str, effective: str = "2018-06-01") -> dict[str, Any]:
    return {
        "type": "ApplyJobEvaluation",
        "post_id": post_id,
        "grade": grade,
        "total_points": 700,
        "evaluation_event_id": "grading-event-1",
        "effective_date": effective,
    }


def test_an_evaluation_that_agrees_confirms_the_grade_from_its_date(log: Log) -> None:
    """An evaluation agreeing with the grade only confirms it, evaluated from its date."""
    log.run(post("a", grade="PO5", effective_date="2018-04-01"))
    confirmed = log.run(evaluation("a", "PO5"))
    assert confirmed["type"] == "PostGradeConfirmed"
    assert [event["type"] for event in log.events[-2:]] == ["PostCreated", "PostGradeConfirmed"]
    before = find_post(log.projection, "a", "2018-05-31")
    after = find_post(log.projection, "a", "2018-06-01")
    assert before is not None
    assert after is not None
    assert (before["grade"], before["job_evaluation"]) == ("PO5", "pending")
    assert (after["grade"], after["job_evaluation"]) == ("PO5", "evaluated")


def test_an_evaluation_that_differs_regrades_then_confirms(log: Log) -> None:
    """A differing evaluation regrades (clearing the cost) then confirms, as versions 2 and 3."""
    log.run(post("a", grade="PO5", budgeted_annual_cost="50000", effective_date="2018-04-01"))
    log.run(evaluation("a", "PO6"))
    regrade, confirm = log.events[-2:]
    assert (regrade["type"], regrade["payload"]["grade"]) == ("PostRedesignated", "PO6")
    assert regrade["payload"]["budgeted_annual_cost_cleared"] is True
    assert confirm["type"] == "PostGradeConfirmed"
    assert (regrade["aggregate_version"], confirm["aggregate_version"]) == (2, 3)
    after = find_post(log.projection, "a", "2018-06-01")
    assert after is not None
    assert (after["grade"], after["job_evaluation"], after["budgeted_annual_cost"]) == (
        "PO6",
        "evaluated",
        None,
    )


def test_a_regrade_by_hr_puts_the_post_back_to_pending(log: Log) -> None:
    """An HR regrade after an evaluation puts the post back to pending from its date."""
    log.run(post("a", grade="PO5", effective_date="2018-04-01"))
    log.run(evaluation("a", "PO5"))
    log.run(
        {
            "type": "RedesignatePost",
            "post_id": "a",
            "grade": "PO6",
            "effective_date": "2019-04-01",
        }
    )
    later = find_post(log.projection, "a", "2019-04-01")
    assert later is not None
    assert later["job_evaluation"] == "pending"


def test_an_evaluation_outside_the_posts_life_is_refused(log: Log) -> None:
    """An evaluation before creation or from deletion conflicts; for an unknown post, not found."""
    log.run(post("a", grade="PO5", effective_date="2018-04-01"))
    log.run({"type": "DeletePost", "post_id": "a", "effective_date": "2018-09-01"})
    assert log.refused(evaluation("a", "PO6", "2018-03-01")).reason is Reason.TIMELINE_CONFLICT
    assert log.refused(evaluation("a", "PO6", "2018-09-01")).reason is Reason.TIMELINE_CONFLICT
    assert log.refused(evaluation("nobody", "PO6")).reason is Reason.NOT_FOUND


def test_a_grade_the_catalogue_does_not_define_is_refused_naming_the_closest(log: Log) -> None:
    """A post on a grade in no catalogue is `unknown-grade`, naming near misses; nothing folds."""
    refused = log.refused(post("p", grade="PO7"))
    assert refused.reason is Reason.UNKNOWN_GRADE
    assert "'PO7'" in refused.detail
    assert "PO6" in refused.detail
    assert "p" not in log.projection.posts


def test_a_grade_is_matched_ignoring_case_and_recorded_as_the_catalogue_spells_it(
    log: Log,
) -> None:
    """`po6` and ` PO6 ` are the catalogue's `PO6`; `dir 52.5` is `Dir 52.5%`."""
    log.run(post("lower", grade="po6"))
    log.run(post("spaced", grade="  PO6 "))
    log.run(post("chief", grade="dir 52.5"))
    grades = {
        key: found["grade"]
        for key in ("lower", "spaced", "chief")
        if (found := find_post(log.projection, key, "2018-01-01"))
    }
    assert grades == {"lower": "PO6", "spaced": "PO6", "chief": "Dir 52.5%"}


def test_a_grade_defined_only_later_is_refused_on_an_earlier_date(log: Log) -> None:
    """The catalogue starts on 1 April 2017: a PO6 post from 2016 names when PO6 begins."""
    refused = log.refused(post("early", effective_date="2016-04-01"))
    assert refused.reason is Reason.UNKNOWN_GRADE
    assert "only from 2017-04-01" in refused.detail


def test_a_regrade_to_an_unknown_grade_is_refused(log: Log) -> None:
    """Re-grading checks the new grade against the catalogue on the change's date."""
    log.run(post("p"))
    message = {
        "type": "RedesignatePost",
        "post_id": "p",
        "grade": "Band 5",
        "effective_date": "2019-04-01",
    }
    assert log.refused(message).reason is Reason.UNKNOWN_GRADE


def test_structure_counts_who_is_in_post_with_a_job_share_as_two_people(log: Log) -> None:
    """Two 0.5 holders on a 1.0 post: 1.0 FTE in post, headcount 2, nothing vacant."""
    log.run(post("shared"))
    log.run(post("empty"))
    staffing = Workforce()
    for number, person in enumerate(("e1", "e2"), start=1):
        staffing.apply(
            {
                "type": "PostholderAppointed",
                "aggregate_type": "contract",
                "aggregate_id": f"c{number}",
                "aggregate_version": 1,
                "effective_date": "2017-06-01",
                "recorded_at": f"2026-01-01T00:00:0{number}.000000Z",
                "payload": {
                    "contract_id": f"c{number}",
                    "post_id": "shared",
                    "person_ref": person,
                    "fte": "0.5",
                },
            }
        )
    view = structure(log.projection, "2018-01-01", "cf", staffing)
    shown = {item["post_id"]: item for item in view["posts"]}
    assert (shown["shared"]["fte_in_post"], shown["shared"]["headcount"]) == ("1.0000", 2)
    assert shown["shared"]["vacant_fte"] == "0.0000"
    assert (shown["empty"]["headcount"], shown["empty"]["vacant_fte"]) == (0, "1.0000")
    totals = view["totals"]
    assert (totals["headcount"], totals["fte_in_post"]) == (2, "1.0000")
    assert totals["vacant_fte"] == "2.0000"  # the empty post and the fixture's director
