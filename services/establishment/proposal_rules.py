"""The rules of the proposals stream: what drafting, adding, removing and deciding record (pure).

Commands added to a draft are checked as the live path would check them, on top of the live
log and the proposal's earlier commands (`what_if.applied`); a refused one refuses the whole
request, naming it, and nothing is added. The events each command decides are recorded beside
it, so services that follow the proposals stream can show a view with the proposal applied
without establishment's rules (`readmodels.proposals.with_proposal`). A CreatePost without a
post id is given one derived from the proposal and its number, so later commands in the
proposal can name it and approving records the same id. Decisions follow draft -> submitted ->
approved | rejected | withdrawn.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import NAMESPACE_URL, uuid5

from pydantic import ValidationError

from contracts import proposals as pr
from contracts.decisions import DomainError, EventDraft
from contracts.registry import UnknownTypeError, command_from_message
from contracts.rejections import Reason

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from readmodels.proposals import Proposal, Proposals
    from services.establishment.what_if import WhatIf

PROPOSED_POSTS = uuid5(NAMESPACE_URL, "urn:estab:proposed-post-id")
"""Namespace of the post ids a proposal's CreatePost commands are given."""


def decide_proposal(
    command: pr.ProposalCommand,
    proposals: Proposals,
    check: Callable[[Sequence[dict[str, Any]], str], WhatIf],
) -> list[EventDraft]:
    """The events `command` records; `check` applies commands to the live establishment.

    Raises:
        DomainError: no such proposal, not allowed in its status, or a command refused.
    """
    if isinstance(command, pr.DraftProposal):
        if proposals.get(command.proposal_id) is not None:
            raise DomainError(Reason.ALREADY_EXISTS, f"proposal {command.proposal_id!r} exists")
        fields = command.model_dump(mode="json", include=set(pr.ProposalDrafted.model_fields))
        payload = pr.ProposalDrafted.model_validate(fields).model_dump(mode="json")
        return [
            _draft(
                command.proposal_id,
                "ProposalDrafted",
                command.implementation_date.isoformat(),
                payload,
                0,
            )
        ]
    proposal = _found(proposals, command.proposal_id)
    if isinstance(command, pr.AddProposalCommands):
        return [_added(command, proposal, check)]
    if isinstance(command, pr.RemoveProposalCommand):
        _open(proposal, "remove a command from")
        if command.number > len(proposal.commands):
            message = f"proposal {proposal.proposal_id!r} has {len(proposal.commands)} commands"
            raise DomainError(Reason.NOT_FOUND, f"no command {command.number}: {message}")
        payload = {"proposal_id": proposal.proposal_id, "number": command.number}
        return [
            _draft(
                proposal.proposal_id,
                "ProposalCommandRemoved",
                proposal.implementation_date,
                payload,
                proposal.version,
            )
        ]
    return [_decided(command, proposal)]


def proposed_commands(
    proposal_id: str, start: int, messages: Sequence[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Each message validated as an establishment command and stored in its settled form.

    Raises:
        DomainError: a message is not a valid establishment command (naming its number).
    """
    settled = []
    for number, message in enumerate(messages, start=start):
        try:
            command = command_from_message(message)
        except (UnknownTypeError, ValidationError) as error:
            raise DomainError(Reason.INVALID, f"command {number}: {error}") from None
        if getattr(command, "post_id", "") is None:
            post_id = str(uuid5(PROPOSED_POSTS, f"{proposal_id}:{number}"))
            command = command.model_copy(update={"post_id": post_id})
        settled.append(command.model_dump(mode="json", exclude_none=True))
    return settled


def _added(
    command: pr.AddProposalCommands,
    proposal: Proposal,
    check: Callable[[Sequence[dict[str, Any]], str], WhatIf],
) -> EventDraft:
    _open(proposal, "add commands to")
    start = len(proposal.commands) + 1
    settled = proposed_commands(proposal.proposal_id, start, command.commands)
    view = check([*proposal.commands, *settled], proposal.proposal_id)
    conflicts = [conflict for conflict in view.conflicts if conflict.number >= start]
    if conflicts:
        named = "; ".join(
            f"command {item.number} ({item.type}): {item.detail}" for item in conflicts
        )
        raise DomainError(conflicts[0].reason, f"nothing added: {named}")
    events = [[draft.fact() for draft in drafts] for drafts in view.decided[start - 1 :]]
    payload = {"proposal_id": proposal.proposal_id, "commands": settled, "events": events}
    return _draft(
        proposal.proposal_id,
        "ProposalCommandsAdded",
        proposal.implementation_date,
        payload,
        proposal.version,
    )


def _decided(command: pr.DecideProposal, proposal: Proposal) -> EventDraft:
    allowed = pr.ALLOWED_FROM[command.decision]
    if proposal.status not in allowed:
        raise DomainError(
            Reason.PROPOSAL_STATUS,
            f"cannot {command.decision} proposal {proposal.proposal_id!r}: it is "
            f"{proposal.status}, and only a {' or '.join(allowed)} proposal can be",
        )
    payload = {
        "proposal_id": proposal.proposal_id,
        "decision": command.decision,
        "status": pr.STATUS_AFTER[command.decision],
        "decided_by": command.decided_by,
        "decision_date": command.decision_date.isoformat(),
        "reference": command.reference,
    }
    return _draft(
        proposal.proposal_id,
        "ProposalDecided",
        command.decision_date.isoformat(),
        payload,
        proposal.version,
    )


def _found(proposals: Proposals, proposal_id: str) -> Proposal:
    proposal = proposals.get(proposal_id)
    if proposal is None:
        raise DomainError(Reason.NOT_FOUND, f"no proposal {proposal_id!r}")
    return proposal


def _open(proposal: Proposal, doing: str) -> None:
    """Refuse a change to a proposal that is no longer a draft."""
    if proposal.status != "draft":
        raise DomainError(
            Reason.PROPOSAL_STATUS,
            f"cannot {doing} proposal {proposal.proposal_id!r}: it is {proposal.status}, "
            "not a draft",
        )


def _draft(
    proposal_id: str, kind: str, day: str, payload: dict[str, Any], version: int
) -> EventDraft:
    return EventDraft(kind, pr.PROPOSAL, proposal_id, day, payload, version)
