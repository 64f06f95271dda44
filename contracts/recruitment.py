"""Recruitment messages: postholders, vacancy control, staff at risk and redeployment.

People appear in commands as an opaque `person_ref` (contracts.people) and in events only as a
pseudonym, the reference itself sealed under the person's own key (eventlog.person_keys), so
erasing the key erases the person from every view while every figure stays. A contract
is one person holding one post from a start date; a person may hold several (one per post), and a
post may have several holders at once (a job share) whose FTEs fit within the post's.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from contracts.calendar import Day
from contracts.envelope import Message
from contracts.establishment import CommandFields
from contracts.identifiers import Identifier, Note, Reference, Title
from contracts.money import Fte, RecordedFte
from contracts.people import LeaverReason, PersonRef

TRIAL_DAYS = 28
"""The statutory trial period in a suitable alternative post: 4 weeks."""


class Decision(Message):
    """Who decided, and the minute or paper that records it."""

    decided_by: Title | None = None
    reference: Reference | None = None


# --- commands (HTTP bodies) ---


class AppointPostholder(CommandFields):
    """Appoint a person to a post from a start date, optionally at a spinal point."""

    type: Literal["AppointPostholder"] = "AppointPostholder"
    post_id: Identifier
    person_ref: PersonRef
    start_date: Day
    scp: int | None = Field(default=None, ge=1, le=200)
    fte: Fte | None = None
    """The contract's FTE (default: whatever of the post's FTE is vacant on the start date)."""
    existing: bool = False
    """Recording someone already in post (an import of an existing establishment), not a new
    recruitment: vacancy control does not apply."""


class RecordLeaver(CommandFields):
    """A postholder leaves a post; `end_date` is their last day in it."""

    type: Literal["RecordLeaver"] = "RecordLeaver"
    post_id: Identifier
    person_ref: PersonRef
    end_date: Day
    reason: LeaverReason | None = None
    """Why, as a code; free text is refused (it ends up holding health details)."""


class ApproveRecruitment(CommandFields, Decision):
    """Approval to recruit to a post, from a date."""

    type: Literal["ApproveRecruitment"] = "ApproveRecruitment"
    post_id: Identifier
    effective_date: Day


class FreezeVacancies(CommandFields, Decision):
    """Vacancy control: no approvals or appointments to a post, or anywhere in an org unit."""

    type: Literal["FreezeVacancies"] = "FreezeVacancies"
    freeze_id: Identifier | None = None
    post_id: Identifier | None = None
    org_unit_id: Identifier | None = None
    effective_date: Day
    reason: Note | None = None

    @model_validator(mode="after")
    def _one_scope(self) -> FreezeVacancies:
        if (self.post_id is None) == (self.org_unit_id is None):
            raise ValueError("freeze exactly one of post_id or org_unit_id")
        return self


class LiftFreezeBody(CommandFields, Decision):
    """End a vacancy freeze from a date (the freeze is named in the path)."""

    effective_date: Day


class LiftFreeze(LiftFreezeBody):
    """`LiftFreezeBody` naming the freeze."""

    type: Literal["LiftFreeze"] = "LiftFreeze"
    freeze_id: Identifier


class StartRedeploymentTrial(CommandFields):
    """An at-risk person starts a 4-week trial in a suitable alternative post."""

    type: Literal["StartRedeploymentTrial"] = "StartRedeploymentTrial"
    person_ref: PersonRef
    to_post_id: Identifier
    trial_start: Day
    from_post_id: Identifier | None = None
    scp: int | None = Field(default=None, ge=1, le=200)


class ConcludeTrial(CommandFields):
    """A redeployment trial ends: the person stays in the post, or returns to being at risk."""

    type: Literal["ConcludeTrial"] = "ConcludeTrial"
    person_ref: PersonRef
    to_post_id: Identifier
    outcome: Literal["redeployed", "returned"]
    effective_date: Day


class MakeRedundant(CommandFields):
    """An at-risk person is made redundant from a date."""

    type: Literal["MakeRedundant"] = "MakeRedundant"
    person_ref: PersonRef
    post_id: Identifier
    effective_date: Day


class PlaceAtRisk(CommandFields):
    """Recruitment learns that a post is deleted: whoever holds it then is at risk."""

    type: Literal["PlaceAtRisk"] = "PlaceAtRisk"
    post_id: Identifier
    effective_date: Day
    source_event_id: Identifier


RecruitmentCommand = (
    AppointPostholder
    | RecordLeaver
    | ApproveRecruitment
    | FreezeVacancies
    | LiftFreeze
    | StartRedeploymentTrial
    | ConcludeTrial
    | MakeRedundant
    | PlaceAtRisk
)


# --- events (payloads; the envelope's effective date is the start, end or decision date) ---


class ApprovalBasis(Decision):
    """The approval to recruit that an appointment relied on: when it was given, and by whom."""

    approved_on: Day


class PostholderAppointed(Message):
    """A person holds a post from the envelope's effective date.

    What the decision was based on travels with it (events recorded before vacancy control
    existed read as approved and not an import): `approval` is the live approval relied on,
    `unapproved` marks an appointment recorded without one (advisory vacancy control), and
    `existing` an import of someone already in post, to which vacancy control does not apply.
    """

    contract_id: Identifier
    post_id: Identifier
    person_ref: Identifier
    """The person's pseudonym (`pn-…`), or their reference itself in events recorded before
    references were sealed."""
    person_ref_sealed: str | None = None
    """The HR system's reference, sealed under the person's key (eventlog.person_sealing)."""
    scp: int | None = None
    fte: RecordedFte
    approval: ApprovalBasis | None = None
    unapproved: bool = False
    existing: bool = False


class PostholderLeft(Message):
    """A contract ends; the envelope's effective date is the last day in post."""

    contract_id: Identifier
    post_id: Identifier
    person_ref: Identifier
    reason: LeaverReason | None = None


class RecruitmentApproved(Decision):
    """Approval to recruit to a post from the envelope's effective date."""

    post_id: Identifier


class VacancyFreezeImposed(Decision):
    """A vacancy freeze on a post or an org unit (and its sub-units) from the effective date."""

    freeze_id: Identifier
    post_id: Identifier | None = None
    org_unit_id: Identifier | None = None
    reason: str | None = None


class VacancyFreezeLifted(Decision):
    """A vacancy freeze ends from the envelope's effective date."""

    freeze_id: Identifier


class StaffPlacedAtRisk(Message):
    """A postholder's post is deleted: they are at risk of redundancy from the deletion date."""

    contract_id: Identifier
    post_id: Identifier
    person_ref: Identifier
    source_event_id: Identifier | None = None


class RedeploymentTrialStarted(Message):
    """An at-risk person is on trial in another post from the effective date for 4 weeks."""

    contract_id: Identifier
    at_risk_contract_id: Identifier
    person_ref: Identifier
    from_post_id: Identifier
    to_post_id: Identifier
    trial_end: Day
    scp: int | None = None
    fte: RecordedFte


class StaffRedeployed(Message):
    """The trial succeeded: the person holds the new post; no longer at risk."""

    contract_id: Identifier
    at_risk_contract_id: Identifier
    person_ref: Identifier
    to_post_id: Identifier


class RedeploymentTrialEnded(Message):
    """The trial did not lead to redeployment: the person is at risk again."""

    contract_id: Identifier
    at_risk_contract_id: Identifier
    person_ref: Identifier
    to_post_id: Identifier


class StaffMadeRedundant(Message):
    """An at-risk person is made redundant from the effective date."""

    contract_id: Identifier
    person_ref: Identifier
    post_id: Identifier
