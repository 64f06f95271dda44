"""The message contracts: the pinned export list, the registry, upcasting and JSON Schema."""

from __future__ import annotations

from decimal import Decimal

import pytest
from pydantic import ValidationError

import contracts
from contracts import establishment as est
from contracts.money import fte_text, parse_fte
from contracts.registry import EVENT_TYPES, UnknownTypeError, command_from_message, parse_event
from contracts.schemas import command_schemas, event_schemas
from contracts.upcasting import upcast

EXPORTED = {
    "ApplyJobEvaluation",
    "AppointPostholder",
    "ApproveRecruitment",
    "COMMAND_TYPES",
    "ChangePostFTE",
    "ChangePostFunding",
    "ChangeReportingLine",
    "CheckFundingHeadroom",
    "ClosePost",
    "ConcludeTrial",
    "CostFigure",
    "CreateOrgUnit",
    "CreatePost",
    "DefineEvaluationScheme",
    "DefineGrade",
    "DeletePost",
    "DirectorSalarySet",
    "EVENT_TYPES",
    "Envelope",
    "EvaluateJob",
    "EvaluationRequested",
    "EvaluationSchemeDefined",
    "EventRetracted",
    "FactorLevels",
    "FreezeVacancies",
    "FundingHeadroomBreached",
    "FundingHeadroomRestored",
    "FundingShare",
    "FundingStreamRegistered",
    "GradeDefined",
    "JobEvaluated",
    "LiftFreeze",
    "MakeRedundant",
    "Message",
    "OnCostRatesSet",
    "OrgUnitCreated",
    "PayScalePublished",
    "PlaceAtRisk",
    "PostClosed",
    "PostCostChanged",
    "PostCreated",
    "PostDeleted",
    "PostFTEChanged",
    "PostFundingChanged",
    "PostGradeConfirmed",
    "PostRedesignated",
    "PostTransferred",
    "PostholderAppointed",
    "PostholderLeft",
    "ProvisionTenant",
    "PublishCostChanges",
    "PublishPaySpine",
    "RecordLeaver",
    "RecruitmentApproved",
    "RedeploymentTrialEnded",
    "RedeploymentTrialStarted",
    "RedesignatePost",
    "RegisterFundingStream",
    "ReportingLineChanged",
    "RequestEvaluation",
    "RetractEvent",
    "ScoreBand",
    "SetDirectorSalary",
    "SetOnCostRates",
    "StaffMadeRedundant",
    "StaffPlacedAtRisk",
    "StaffRedeployed",
    "StartRedeploymentTrial",
    "TenantPolicy",
    "TenantProvisioned",
    "TransferPost",
    "UnknownTypeError",
    "VacancyFreezeImposed",
    "VacancyFreezeLifted",
}

API_EVENTS = {
    "OrgUnitCreated",
    "PostCreated",
    "PostRedesignated",
    "PostFTEChanged",
    "PostTransferred",
    "ReportingLineChanged",
    "PostFundingChanged",
    "PostDeleted",
    "EventRetracted",
    "PostGradeConfirmed",
    "PayScalePublished",
    "GradeDefined",
    "DirectorSalarySet",
    "OnCostRatesSet",
    "EvaluationSchemeDefined",
    "EvaluationRequested",
    "JobEvaluated",
    "PostClosed",
    "PostholderAppointed",
    "PostholderLeft",
    "RecruitmentApproved",
    "VacancyFreezeImposed",
    "VacancyFreezeLifted",
    "StaffPlacedAtRisk",
    "RedeploymentTrialStarted",
    "StaffRedeployed",
    "RedeploymentTrialEnded",
    "StaffMadeRedundant",
    "FundingStreamRegistered",
    "FundingHeadroomBreached",
    "FundingHeadroomRestored",
    "PostCostChanged",
    "TenantProvisioned",
    "ProposalDrafted",
    "ProposalCommandsAdded",
    "ProposalCommandRemoved",
    "ProposalDecided",
}


def test_exports_are_pinned() -> None:
    """`contracts.__all__` is exactly the pinned set of exported names."""
    assert set(contracts.__all__) == EXPORTED


def test_every_event_in_the_api_is_registered() -> None:
    """The event registry holds exactly the event types the API lists."""
    assert set(EVENT_TYPES) == API_EVENTS


def test_unknown_types_are_refused() -> None:
    """A message with an unknown or missing type, or an unknown event, raises UnknownTypeError."""
    with pytest.raises(UnknownTypeError):
        command_from_message({"type": "LaunchRocket"})
    with pytest.raises(UnknownTypeError):
        command_from_message({"title": "no type"})
    with pytest.raises(UnknownTypeError):
        parse_event({"type": "Nope", "payload": {}})


def test_messages_are_frozen() -> None:
    """A parsed command is its typed model, and assigning to one of its fields raises."""
    command = command_from_message(
        {"type": "ChangePostFTE", "post_id": "p", "fte": "0.5", "effective_date": "2018-01-01"}
    )
    assert isinstance(command, est.ChangePostFTE)
    with pytest.raises(ValidationError):
        command.fte = Decimal(1)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        ("1", "1.0000"),
        ("0.5", "0.5000"),
        (0.81, "0.8100"),
        ("30/37", "0.8108"),
        ("18.5/37", "0.5000"),
    ],
)
def test_fte_accepts_decimals_and_hours_fractions(given: object, shown: str) -> None:
    """An FTE given as a decimal, a float or hours over 37 is shown to four places."""
    assert fte_text(parse_fte(given)) == shown


@pytest.mark.parametrize("bad", ["0", "1.5", "-0.5", "0.12345", "40/37", "x", True, "1/0"])
def test_fte_outside_the_range_is_refused(bad: object) -> None:
    """An FTE outside (0, 1], past four places, non-numeric, boolean or over zero is refused."""
    with pytest.raises((ValueError, TypeError)):
        parse_fte(bad)


def test_grades_are_normalised() -> None:
    """A grade typed as `dir 52.5` is recorded as `Dir 52.5%`."""
    command = command_from_message(
        {
            "type": "RedesignatePost",
            "post_id": "p",
            "grade": "dir 52.5",
            "effective_date": "2018-01-01",
        }
    )
    assert isinstance(command, est.RedesignatePost)
    assert command.grade == "Dir 52.5%"


def test_funding_shares_must_add_up_to_one() -> None:
    """Funding shares that do not total 1 fail validation, saying they must add up to 1."""
    with pytest.raises(ValidationError, match="add up to 1"):
        command_from_message(
            {
                "type": "ChangePostFunding",
                "post_id": "p",
                "effective_date": "2018-01-01",
                "funding": [{"source_id": "a", "share": "0.5"}],
            }
        )


def test_post_created_v1_is_upcast_to_funding_shares() -> None:
    """A v1 PostCreated's funding_source becomes a single full share, and parses as version 2."""
    v1 = {
        "post_id": "p",
        "title": "T",
        "grade": "PO6",
        "fte": "1",
        "org_unit_id": "u",
        "funding_source": "partners-in-practice",
    }
    lifted = upcast("PostCreated", 1, v1)
    assert "funding_source" not in lifted
    assert lifted["funding"] == [{"source_id": "partners-in-practice", "share": "1"}]
    stored = {
        "event_id": "e1",
        "type": "PostCreated",
        "schema_version": 1,
        "tenant": "leeds",
        "aggregate_type": "post",
        "aggregate_id": "p",
        "aggregate_version": 1,
        "sequence": 1,
        "effective_date": "2018-04-01",
        "recorded_at": "2018-01-30T10:00:00.000000Z",
        "actor": "hr",
        "prev_hash": "0" * 64,
        "hash": "x",
        "payload": v1,
    }
    event = parse_event(stored)
    assert event.schema_version == 2
    assert isinstance(event.payload, est.PostCreated)
    assert event.payload.funding[0].source_id == "partners-in-practice"


def test_json_schemas_cover_every_message() -> None:
    """Event schemas cover exactly the API's events, and command schemas cover every service."""
    commands, events = command_schemas(), event_schemas()
    assert set(events) == API_EVENTS
    assert "fte" in commands["CreatePost"]["properties"]
    assert "payload" in events["PostCreated"]["properties"]
    assert {"RegisterFundingStream", "AppointPostholder", "PublishPaySpine"} <= set(commands)
