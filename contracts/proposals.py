"""Redesign proposals: a named set of establishment commands, decided on before it is recorded.

A proposal lives in a stream of its own (`establishment.proposals`), never in the live log: it
is drafted, given commands (the same establishment commands the live path takes, checked on top
of the live log and the proposal's earlier commands), submitted, and approved, rejected or
withdrawn, each decision with who made it, when and under which report. Approval appends its
commands to the live log in one append.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator

from contracts.calendar import Day
from contracts.envelope import Message
from contracts.establishment import CommandFields
from contracts.identifiers import Identifier, Note, Reference, Title

PROPOSAL = "proposal"
"""The aggregate type of a proposal's events."""

MAX_COMMANDS = 2_000
"""The most commands one request may add (a bulk transfer of a directorate fits)."""

Decision = Literal["submit", "approve", "reject", "withdraw"]
Status = Literal["draft", "submitted", "approved", "rejected", "withdrawn"]

STATUS_AFTER: dict[str, str] = {
    "submit": "submitted",
    "approve": "approved",
    "reject": "rejected",
    "withdraw": "withdrawn",
}
ALLOWED_FROM: dict[str, tuple[str, ...]] = {
    "submit": ("draft",),
    "approve": ("submitted",),
    "reject": ("submitted",),
    "withdraw": ("draft", "submitted"),
}
"""Which status each decision may be taken from: draft -> submitted -> approved | rejected |
withdrawn (a draft may be withdrawn too)."""


class DraftProposalBody(CommandFields):
    """Start a proposal: a title, the date it would take effect, and what it is about."""

    proposal_id: Identifier | None = None
    title: Title
    implementation_date: Day
    org_unit_id: Identifier | None = Field(
        default=None, description="the unit it redesigns (counted as one establishment)"
    )
    description: Note | None = None


class DraftProposal(DraftProposalBody):
    """`DraftProposalBody` with its id settled."""

    type: Literal["DraftProposal"] = "DraftProposal"
    proposal_id: Identifier


class AddProposalCommandsBody(CommandFields):
    """Establishment commands to add to a draft, in order (`{"type": "CreatePost", ...}`).

    Its `command_id` makes a retried (or reloaded) addition record nothing the second time.
    """

    commands: list[dict[str, Any]] = Field(min_length=1, max_length=MAX_COMMANDS)

    @field_validator("commands")
    @classmethod
    def _storable(cls, commands: list[dict[str, Any]]) -> list[dict[str, Any]]:
        for number, command in enumerate(commands, start=1):
            _check_storable(command, number)
        return commands


class AddProposalCommands(AddProposalCommandsBody):
    """Add validated establishment commands (as messages) to a draft proposal."""

    type: Literal["AddProposalCommands"] = "AddProposalCommands"
    proposal_id: Identifier


def _check_storable(value: object, number: int) -> None:
    """Refuse what the log cannot store: JSON there holds 64-bit integers and valid UTF-8."""
    if isinstance(value, str):
        try:
            value.encode()
        except UnicodeEncodeError:
            raise ValueError(f"command {number}: text that is not valid Unicode") from None
        return
    if isinstance(value, int) and not isinstance(value, bool) and not -(2**63) <= value < 2**64:
        raise ValueError(f"command {number}: the number {value} is out of range")
    if isinstance(value, dict):
        for key, item in value.items():
            _check_storable(key, number)
            _check_storable(item, number)
    elif isinstance(value, list):
        for item in value:
            _check_storable(item, number)


class RemoveProposalCommand(CommandFields):
    """Take one command (numbered from 1, as listed) out of a draft proposal."""

    type: Literal["RemoveProposalCommand"] = "RemoveProposalCommand"
    proposal_id: Identifier
    number: int = Field(ge=1)


class DecisionBody(CommandFields):
    """Who decided, when, and under which report or delegation."""

    decided_by: Reference = Field(min_length=1)
    decision_date: Day
    reference: Note | None = None


class DecideProposal(DecisionBody):
    """Submit, approve, reject or withdraw a proposal."""

    type: Literal["DecideProposal"] = "DecideProposal"
    proposal_id: Identifier
    decision: Decision


ProposalCommand = DraftProposal | AddProposalCommands | RemoveProposalCommand | DecideProposal


# --- events (payloads) ---


class ProposalDrafted(Message):
    """A proposal was started."""

    proposal_id: Identifier
    title: Title
    implementation_date: Day
    org_unit_id: Identifier | None = None
    description: Note | None = None


class ProposalCommandsAdded(Message):
    """Commands added to a draft, each an establishment command message, in order.

    `events` holds, for each command, the events it decided when it was added (type, aggregate,
    effective date, payload): what a follower folds to see the proposal applied.
    """

    proposal_id: Identifier
    commands: list[dict[str, Any]]
    events: list[list[dict[str, Any]]] = Field(default_factory=list)


class ProposalCommandRemoved(Message):
    """A command taken out of a draft (its number as it was listed)."""

    proposal_id: Identifier
    number: int = Field(ge=1)


class ProposalDecided(Message):
    """A decision on a proposal and the status it leaves it in."""

    proposal_id: Identifier
    decision: Decision
    status: Status
    decided_by: Reference
    decision_date: Day
    reference: Note | None = None
