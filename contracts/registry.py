"""Type name -> model, and parsing of raw messages into typed commands and envelopes.

The only place that decides what a `type` means. Unknown types are refused, never guessed.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError

from contracts import establishment as est
from contracts import finance as fi
from contracts import grading as gr
from contracts import proposals as pr
from contracts import recruitment as rc
from contracts import tenancy as tn
from contracts.envelope import Envelope
from contracts.upcasting import current_version, upcast

COMMAND_TYPES: dict[str, type[BaseModel]] = {
    "CreateOrgUnit": est.CreateOrgUnit,
    "CreatePost": est.CreatePost,
    "RedesignatePost": est.RedesignatePost,
    "ChangePostFTE": est.ChangePostFTE,
    "TransferPost": est.TransferPost,
    "ChangeReportingLine": est.ChangeReportingLine,
    "ChangePostFunding": est.ChangePostFunding,
    "DeletePost": est.DeletePost,
    "RetractEvent": est.RetractEvent,
    "ApplyJobEvaluation": est.ApplyJobEvaluation,
}
"""Every command type, by name."""

EVENT_TYPES: dict[str, type[BaseModel]] = {
    "OrgUnitCreated": est.OrgUnitCreated,
    "PostCreated": est.PostCreated,
    "PostRedesignated": est.PostRedesignated,
    "PostFTEChanged": est.PostFTEChanged,
    "PostTransferred": est.PostTransferred,
    "ReportingLineChanged": est.ReportingLineChanged,
    "PostFundingChanged": est.PostFundingChanged,
    "PostDeleted": est.PostDeleted,
    "EventRetracted": est.EventRetracted,
    "PostGradeConfirmed": est.PostGradeConfirmed,
}
"""Every event payload type, by name."""

GRADING_COMMAND_TYPES: dict[str, type[BaseModel]] = {
    "PublishPaySpine": gr.PublishPaySpine,
    "DefineGrade": gr.DefineGrade,
    "SetDirectorSalary": gr.SetDirectorSalary,
    "SetOnCostRates": gr.SetOnCostRates,
    "DefineEvaluationScheme": gr.DefineEvaluationScheme,
    "EvaluateJob": gr.EvaluateJob,
}
"""Grading's public commands, by name (its internal ones come only from establishment events)."""

RECRUITMENT_COMMAND_TYPES: dict[str, type[BaseModel]] = {
    "AppointPostholder": rc.AppointPostholder,
    "RecordLeaver": rc.RecordLeaver,
    "ApproveRecruitment": rc.ApproveRecruitment,
    "FreezeVacancies": rc.FreezeVacancies,
    "LiftFreeze": rc.LiftFreeze,
    "StartRedeploymentTrial": rc.StartRedeploymentTrial,
    "ConcludeTrial": rc.ConcludeTrial,
    "MakeRedundant": rc.MakeRedundant,
}
"""Recruitment's public commands (deletions reach it as establishment events)."""

FINANCE_COMMAND_TYPES: dict[str, type[BaseModel]] = {
    "RegisterFundingStream": fi.RegisterFundingStream,
}
"""Finance's public commands."""

EVENT_TYPES.update(
    {
        "FundingStreamRegistered": fi.FundingStreamRegistered,
        "FundingHeadroomBreached": fi.FundingHeadroomBreached,
        "FundingHeadroomRestored": fi.FundingHeadroomRestored,
        "PostCostChanged": fi.PostCostChanged,
    }
)

EVENT_TYPES.update(
    {
        "PostholderAppointed": rc.PostholderAppointed,
        "PostholderLeft": rc.PostholderLeft,
        "RecruitmentApproved": rc.RecruitmentApproved,
        "VacancyFreezeImposed": rc.VacancyFreezeImposed,
        "VacancyFreezeLifted": rc.VacancyFreezeLifted,
        "StaffPlacedAtRisk": rc.StaffPlacedAtRisk,
        "RedeploymentTrialStarted": rc.RedeploymentTrialStarted,
        "StaffRedeployed": rc.StaffRedeployed,
        "RedeploymentTrialEnded": rc.RedeploymentTrialEnded,
        "StaffMadeRedundant": rc.StaffMadeRedundant,
    }
)

EVENT_TYPES.update(
    {
        "PayScalePublished": gr.PayScalePublished,
        "GradeDefined": gr.GradeDefined,
        "DirectorSalarySet": gr.DirectorSalarySet,
        "OnCostRatesSet": gr.OnCostRatesSet,
        "EvaluationSchemeDefined": gr.EvaluationSchemeDefined,
        "EvaluationRequested": gr.EvaluationRequested,
        "JobEvaluated": gr.JobEvaluated,
        "PostClosed": gr.PostClosed,
    }
)

EVENT_TYPES["TenantProvisioned"] = tn.TenantProvisioned

EVENT_TYPES.update(
    {
        "ProposalDrafted": pr.ProposalDrafted,
        "ProposalCommandsAdded": pr.ProposalCommandsAdded,
        "ProposalCommandRemoved": pr.ProposalCommandRemoved,
        "ProposalDecided": pr.ProposalDecided,
    }
)

SERVICE_OF_COMMAND: dict[str, str] = {
    **dict.fromkeys(COMMAND_TYPES, "establishment"),
    **dict.fromkeys(est.COMMAND_FOR_EVENT, "establishment"),
    **dict.fromkeys(GRADING_COMMAND_TYPES, "grading"),
    **dict.fromkeys(RECRUITMENT_COMMAND_TYPES, "recruitment"),
    **dict.fromkeys(FINANCE_COMMAND_TYPES, "finance"),
}
"""Which service records each command type (a scenario may mix them)."""

_ESTABLISHMENT_COMMAND: TypeAdapter[est.EstablishmentCommand] = TypeAdapter(
    est.EstablishmentCommand
)

_GRADING_COMMAND: TypeAdapter[gr.GradingCommand] = TypeAdapter(gr.GradingCommand)
_RECRUITMENT_COMMAND: TypeAdapter[rc.RecruitmentCommand] = TypeAdapter(rc.RecruitmentCommand)


class UnknownTypeError(ValueError):
    """A message whose `type` is not in the registry."""

    def __init__(self, type_name: object) -> None:
        super().__init__(f"unknown message type {type_name!r}")
        self.type_name = type_name


def command_from_message(raw: dict[str, Any]) -> est.EstablishmentCommand:
    """Validate a raw message as an establishment command.

    A message typed as an event (`PostCreated`, …) is an HR system stating its own fact; it is
    taken as the matching command and validated exactly like one.

    Raises:
        UnknownTypeError: `type` is missing or not a known command or event.
        pydantic.ValidationError: the fields do not make a valid command.
    """
    type_name = raw.get("type")
    if type_name in est.COMMAND_FOR_EVENT:
        renames = est.FIELD_RENAMES_FOR_EVENT.get(str(type_name), {})
        raw = {renames.get(key, key): value for key, value in raw.items()}
        raw["type"] = est.COMMAND_FOR_EVENT[str(type_name)]
    elif type_name not in COMMAND_TYPES:
        raise UnknownTypeError(type_name)
    model = COMMAND_TYPES[str(raw["type"])]
    return _ESTABLISHMENT_COMMAND.validate_python(model.model_validate(raw))


def _public_command(types: dict[str, type[BaseModel]], raw: dict[str, Any]) -> BaseModel:
    """Validate `raw` as the command `types` names for its `type`.

    Raises:
        UnknownTypeError: `type` is not one of `types`.
        pydantic.ValidationError: the fields do not make a valid command.
    """
    model = types.get(str(raw.get("type")))
    if model is None:
        raise UnknownTypeError(raw.get("type"))
    return model.model_validate(raw)


def grading_command_from_message(raw: dict[str, Any]) -> gr.GradingCommand:
    """Validate a raw message as one of grading's public commands.

    Raises:
        UnknownTypeError: `type` is not a grading command.
        pydantic.ValidationError: the fields do not make a valid command.
    """
    return _GRADING_COMMAND.validate_python(_public_command(GRADING_COMMAND_TYPES, raw))


def recruitment_command_from_message(raw: dict[str, Any]) -> rc.RecruitmentCommand:
    """Validate a raw message as one of recruitment's public commands.

    Raises:
        UnknownTypeError: `type` is not a recruitment command.
        pydantic.ValidationError: the fields do not make a valid command.
    """
    return _RECRUITMENT_COMMAND.validate_python(_public_command(RECRUITMENT_COMMAND_TYPES, raw))


def any_command_from_message(raw: dict[str, Any]) -> BaseModel:
    """Validate a raw message as a command of whichever service records its type.

    Raises:
        UnknownTypeError: no service records that type.
        pydantic.ValidationError: the fields do not make a valid command.
    """
    service = SERVICE_OF_COMMAND.get(str(raw.get("type")))
    if service == "grading":
        return grading_command_from_message(raw)
    if service == "finance":
        return fi.RegisterFundingStream.model_validate(raw)
    if service == "recruitment":
        return recruitment_command_from_message(raw)
    return command_from_message(raw)


def parse_event(raw: dict[str, Any]) -> Envelope[BaseModel]:
    """Validate a stored event body (as JSON-decoded) into a typed envelope, upcasting it first.

    Raises:
        UnknownTypeError: the event type is not registered.
        pydantic.ValidationError: the body does not match the envelope or payload schema.
    """
    type_name = raw.get("type")
    payload_model = EVENT_TYPES.get(str(type_name))
    if payload_model is None:
        raise UnknownTypeError(type_name)
    version = int(raw.get("schema_version", 1))
    lifted = {
        **raw,
        "payload": upcast(str(type_name), version, dict(raw.get("payload", {}))),
        "schema_version": current_version(str(type_name)),
    }
    return Envelope[payload_model].model_validate(lifted)  # type: ignore[valid-type]


__all__ = [
    "COMMAND_TYPES",
    "EVENT_TYPES",
    "FINANCE_COMMAND_TYPES",
    "GRADING_COMMAND_TYPES",
    "RECRUITMENT_COMMAND_TYPES",
    "SERVICE_OF_COMMAND",
    "UnknownTypeError",
    "ValidationError",
    "any_command_from_message",
    "command_from_message",
    "grading_command_from_message",
    "parse_event",
]
