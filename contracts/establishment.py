"""Establishment messages: commands HR sends and the events the establishment service records.

Commands are imperative (`CreatePost`), events past tense (`PostCreated`). A command's body
fields are exactly what API.md lists; the event payloads hold the facts, while the envelope holds
the dates and identities.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import Field, model_validator

from contracts.calendar import Day
from contracts.envelope import Message
from contracts.identifiers import CommandId, GradeCode, Identifier, Note, Reference, Title, Version
from contracts.money import Fte, Money, RecordedFte, Share

BASE_BUDGET = "base"
"""The funding source id of the council's own base budget."""


class FundingShare(Message):
    """Part of a post's cost met by one funding source."""

    source_id: Identifier
    share: Share


def check_funding(funding: tuple[FundingShare, ...]) -> tuple[FundingShare, ...]:
    """A post's funding: distinct sources whose shares add up to exactly 1 (or none: base)."""
    if not funding:
        return funding
    sources = [item.source_id for item in funding]
    if len(set(sources)) != len(sources):
        raise ValueError("each funding source may appear only once")
    total = sum((item.share for item in funding), Decimal(0))
    if total != 1:
        raise ValueError(f"funding shares must add up to 1, got {format(total, 'f')}")
    return funding


class CommandFields(Message):
    """What every command may carry besides its own fields."""

    command_id: CommandId | None = None
    actor: Reference | None = Field(
        default=None,
        description="who asks: on a command stream, the sender; over HTTP it is the bearer "
        "token's identity and may not be sent",
        json_schema_extra={"readOnly": True},
    )
    on_behalf_of: Reference | None = Field(
        default=None, description="whom the sender acts for (a ticket, a manager), recorded"
    )
    correlation_id: CommandId | None = None


class PostCommandFields(CommandFields):
    """Fields of a change to an existing post."""

    expected_version: Version | None = None
    effective_date: Day


# --- bodies (what HTTP clients send; path parameters are added to make the command) ---


class CreateOrgUnit(CommandFields):
    """Create an organisational unit (directorate, service, team) under an optional parent."""

    type: Literal["CreateOrgUnit"] = "CreateOrgUnit"
    org_unit_id: Identifier
    name: Title
    parent_id: Identifier | None = None
    effective_date: Day


class CreatePost(CommandFields):
    """Establish a post: an approved position, filled or not."""

    type: Literal["CreatePost"] = "CreatePost"
    post_id: Identifier | None = None
    title: Title
    grade: GradeCode
    fte: Fte
    org_unit_id: Identifier
    reports_to: Identifier | None = None
    funding: tuple[FundingShare, ...] = ()
    budgeted_annual_cost: Money | None = None
    effective_date: Day

    @model_validator(mode="after")
    def _funding_adds_up(self) -> CreatePost:
        check_funding(self.funding)
        return self


class RedesignatePostBody(PostCommandFields):
    """Change a post's title and/or grade (re-designation, re-grading)."""

    title: Title | None = None
    grade: GradeCode | None = None
    budgeted_annual_cost: Money | None = None

    @model_validator(mode="after")
    def _changes_something(self) -> RedesignatePostBody:
        if self.title is None and self.grade is None and self.budgeted_annual_cost is None:
            raise ValueError("give at least one of title, grade or budgeted_annual_cost")
        return self


class ChangePostFTEBody(PostCommandFields):
    """Change a post's full-time equivalent."""

    fte: Fte


class TransferPostBody(PostCommandFields):
    """Move a post to another org unit."""

    org_unit_id: Identifier


class ChangeReportingLineBody(PostCommandFields):
    """Point a post's line management at another post (None: top of the structure)."""

    reports_to: Identifier | None


class ChangePostFundingBody(PostCommandFields):
    """Replace a post's funding split (empty: the base budget)."""

    funding: tuple[FundingShare, ...]

    @model_validator(mode="after")
    def _funding_adds_up(self) -> ChangePostFundingBody:
        check_funding(self.funding)
        return self


class DeletePostBody(PostCommandFields):
    """Remove a post from the establishment from a date."""

    reason: Note | None = None


class RetractEventBody(CommandFields):
    """Cancel a recorded event; the original stays in the log."""

    reason: Note = Field(min_length=1)


# --- commands (bodies plus their path identity) ---


class RedesignatePost(RedesignatePostBody):
    """`RedesignatePostBody` for one post."""

    type: Literal["RedesignatePost"] = "RedesignatePost"
    post_id: Identifier


class ChangePostFTE(ChangePostFTEBody):
    """`ChangePostFTEBody` for one post."""

    type: Literal["ChangePostFTE"] = "ChangePostFTE"
    post_id: Identifier


class TransferPost(TransferPostBody):
    """`TransferPostBody` for one post."""

    type: Literal["TransferPost"] = "TransferPost"
    post_id: Identifier


class ChangeReportingLine(ChangeReportingLineBody):
    """`ChangeReportingLineBody` for one post."""

    type: Literal["ChangeReportingLine"] = "ChangeReportingLine"
    post_id: Identifier


class ChangePostFunding(ChangePostFundingBody):
    """`ChangePostFundingBody` for one post."""

    type: Literal["ChangePostFunding"] = "ChangePostFunding"
    post_id: Identifier


class DeletePost(DeletePostBody):
    """`DeletePostBody` for one post."""

    type: Literal["DeletePost"] = "DeletePost"
    post_id: Identifier


class RetractEvent(RetractEventBody):
    """`RetractEventBody` naming the event to cancel."""

    type: Literal["RetractEvent"] = "RetractEvent"
    event_id: Identifier


class ApplyJobEvaluation(CommandFields):
    """Grading's evaluation of a post: confirm its grade, or change it, from a date."""

    type: Literal["ApplyJobEvaluation"] = "ApplyJobEvaluation"
    post_id: Identifier
    grade: GradeCode
    total_points: int = Field(ge=0)
    evaluation_event_id: Identifier
    effective_date: Day


EstablishmentCommand = (
    CreateOrgUnit
    | CreatePost
    | RedesignatePost
    | ChangePostFTE
    | TransferPost
    | ChangeReportingLine
    | ChangePostFunding
    | DeletePost
    | RetractEvent
    | ApplyJobEvaluation
)

PostCommand = (
    RedesignatePost
    | ChangePostFTE
    | TransferPost
    | ChangeReportingLine
    | ChangePostFunding
    | DeletePost
)


# --- events (payloads; the envelope carries dates, ids and versions) ---


class OrgUnitCreated(Message):
    """An org unit exists from the envelope's effective date."""

    org_unit_id: Identifier
    name: Title
    parent_id: Identifier | None = None


class PostCreated(Message):
    """A post is established from the envelope's effective date."""

    post_id: Identifier
    title: Title
    grade: GradeCode
    fte: RecordedFte
    org_unit_id: Identifier
    reports_to: Identifier | None = None
    funding: tuple[FundingShare, ...] = ()
    budgeted_annual_cost: Money | None = None


class PostRedesignated(Message):
    """A post's title, grade or explicit budgeted cost changed.

    A change of grade without a new explicit cost clears the old explicit cost, which belonged to
    the old grade; `budgeted_annual_cost_cleared` records that.
    """

    post_id: Identifier
    title: Title | None = None
    grade: GradeCode | None = None
    budgeted_annual_cost: Money | None = None
    budgeted_annual_cost_cleared: bool = False


class PostFTEChanged(Message):
    """A post's FTE changed."""

    post_id: Identifier
    fte: RecordedFte


class PostTransferred(Message):
    """A post moved to another org unit."""

    post_id: Identifier
    org_unit_id: Identifier


class ReportingLineChanged(Message):
    """A post now reports to another post (None: the top of the structure)."""

    post_id: Identifier
    reports_to: Identifier | None


class PostFundingChanged(Message):
    """A post's funding split changed (empty: the base budget)."""

    post_id: Identifier
    funding: tuple[FundingShare, ...]


class PostDeleted(Message):
    """A post is removed from the establishment from the envelope's effective date."""

    post_id: Identifier
    reason: str | None = None


class EventRetracted(Message):
    """An earlier event is cancelled in every view known at or after this event's recording."""

    retracted_event_id: Identifier
    retracted_type: str
    reason: str


class PostGradeConfirmed(Message):
    """Job evaluation confirmed the post's grade (after re-grading it, if it differed)."""

    post_id: Identifier
    grade: GradeCode
    total_points: int = Field(ge=0)
    evaluation_event_id: Identifier


COMMAND_FOR_EVENT: dict[str, str] = {
    "OrgUnitCreated": "CreateOrgUnit",
    "PostCreated": "CreatePost",
    "PostRedesignated": "RedesignatePost",
    "PostFTEChanged": "ChangePostFTE",
    "PostTransferred": "TransferPost",
    "ReportingLineChanged": "ChangeReportingLine",
    "PostFundingChanged": "ChangePostFunding",
    "PostDeleted": "DeletePost",
    "EventRetracted": "RetractEvent",
}
"""HR systems may publish their own facts typed as events; each is taken as this command."""

FIELD_RENAMES_FOR_EVENT: dict[str, dict[str, str]] = {
    "EventRetracted": {"retracted_event_id": "event_id"},
}
"""Event-typed messages whose field names differ from the matching command's."""
