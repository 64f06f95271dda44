"""HTTP routes of redesign proposals (API.md): draft, add and remove commands, decide, read.

Routes only translate: bodies become proposal commands for `TenantProposals`, whose rules
check every added command on top of the live log; approval appends the commands to the live
log (all or nothing) and answers `409 proposal-conflict` listing each command that no longer
applies. `GET /proposals/{id}` shows the proposal with the conflicts it would meet now.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any
from uuid import uuid4

from fastapi import APIRouter, Path, Request
from fastapi.responses import JSONResponse  # noqa: TC002 - FastAPI reads route annotations

from contracts import proposals as pr
from contracts.rejections import Reason
from contracts.streams import DEFAULT_TENANT
from eventlog.command_log import Accepted, Refused
from eventlog.http_params import TenantHeader, answer, as_caller, run_command, tenant_log
from eventlog.problems import ProblemError
from services.establishment.proposal_log import ProposalConflictError

if TYPE_CHECKING:
    from readmodels.proposals import Proposal
    from services.establishment.application import TenantEstablishment
    from services.establishment.proposal_log import TenantProposals
    from services.establishment.what_if import WhatIf

router = APIRouter()

Decision = Annotated[pr.Decision, Path(description="submit, approve, reject or withdraw")]


async def _proposals(request: Request, tenant: str) -> TenantProposals:
    found: TenantEstablishment = await tenant_log(request, tenant)
    return found.proposals


async def proposal_applied(request: Request, tenant: str, proposal_id: str) -> WhatIf:
    """The live establishment with the proposal applied, or 404 naming the proposal."""
    found = await (await _proposals(request, tenant)).applied_view(proposal_id)
    if found is None:
        raise ProblemError(Reason.NOT_FOUND, f"no proposal {proposal_id!r}")
    return found[1]


@router.post("/proposals", status_code=201)
async def draft_proposal(
    request: Request, body: pr.DraftProposalBody, x_tenant: TenantHeader = DEFAULT_TENANT
) -> JSONResponse:
    """Start a draft proposal (its id given, or made)."""
    fields = body.model_dump(exclude_none=True)
    command = pr.DraftProposal.model_validate(
        {**fields, "proposal_id": body.proposal_id or str(uuid4())}
    )
    accepted = await run_command(request, await _proposals(request, x_tenant), command)
    return answer(accepted, 201)


@router.post("/proposals/{proposal_id}/commands", status_code=201)
async def add_commands(
    request: Request,
    proposal_id: str,
    body: pr.AddProposalCommandsBody,
    x_tenant: TenantHeader = DEFAULT_TENANT,
) -> JSONResponse:
    """Add establishment commands to a draft, each checked as the live path would check it."""
    fields = body.model_dump(exclude_none=True)
    command = pr.AddProposalCommands.model_validate({**fields, "proposal_id": proposal_id})
    accepted = await run_command(request, await _proposals(request, x_tenant), command)
    return answer(accepted, 201)


@router.delete("/proposals/{proposal_id}/commands/{number}")
async def remove_command(
    request: Request, proposal_id: str, number: int, x_tenant: TenantHeader = DEFAULT_TENANT
) -> JSONResponse:
    """Take command `number` (as listed, from 1) out of a draft."""
    command = pr.RemoveProposalCommand(proposal_id=proposal_id, number=number)
    accepted = await run_command(request, await _proposals(request, x_tenant), command)
    return answer(accepted, 200)


@router.post("/proposals/{proposal_id}/{decision}", status_code=201)
async def decide(
    request: Request,
    proposal_id: str,
    decision: Decision,
    body: pr.DecisionBody,
    x_tenant: TenantHeader = DEFAULT_TENANT,
) -> JSONResponse:
    """Submit, approve, reject or withdraw; approving records the commands in the live log."""
    fields = body.model_dump(exclude_none=True)
    command = as_caller(
        request,
        pr.DecideProposal.model_validate(
            {**fields, "proposal_id": proposal_id, "decision": decision}
        ),
    )
    proposals = await _proposals(request, x_tenant)
    if decision != "approve":
        return answer(await run_command(request, proposals, command), 201)
    key = f"command:{command.command_id}" if command.command_id else None
    try:
        outcome = await proposals.approve(command, key)
    except ProposalConflictError as error:
        raise ProblemError(
            Reason.PROPOSAL_CONFLICT,
            f"proposal {error.proposal_id!r} no longer applies: "
            + "; ".join(
                f"command {item.number} ({item.type}, post {item.post_id}): {item.detail}"
                for item in error.conflicts
            ),
            [item.view() for item in error.conflicts],
        ) from None
    if isinstance(outcome, Refused):
        raise ProblemError(outcome.reason, outcome.detail, outcome.errors)
    assert isinstance(outcome, Accepted)
    return answer(outcome, 201)


@router.get("/proposals")
async def list_proposals(
    request: Request, x_tenant: TenantHeader = DEFAULT_TENANT
) -> dict[str, Any]:
    """Every proposal, newest first: id, title, implementation date, status, commands."""
    held = await (await _proposals(request, x_tenant)).current()
    shown = sorted(held.by_id.values(), key=lambda item: item.drafted_at, reverse=True)
    return {"proposals": [_summary(proposal) for proposal in shown]}


@router.get("/proposals/{proposal_id}")
async def get_proposal(
    request: Request, proposal_id: str, x_tenant: TenantHeader = DEFAULT_TENANT
) -> dict[str, Any]:
    """The proposal: status, commands (numbered), decisions, and conflicts it would meet now."""
    found = await (await _proposals(request, x_tenant)).applied_view(proposal_id)
    if found is None:
        raise ProblemError(Reason.NOT_FOUND, f"no proposal {proposal_id!r}")
    proposal, view = found
    return {
        **_summary(proposal),
        "description": proposal.description,
        "commands": [
            {"number": number, **command}
            for number, command in enumerate(proposal.commands, start=1)
        ],
        "decisions": [
            {
                "decision": item.decision,
                "decided_by": item.decided_by,
                "decision_date": item.decision_date,
                "reference": item.reference,
                "recorded_at": item.recorded_at,
            }
            for item in proposal.decisions
        ],
        "conflicts": [item.view() for item in view.conflicts],
    }


def _summary(proposal: Proposal) -> dict[str, Any]:
    return {
        "proposal_id": proposal.proposal_id,
        "title": proposal.title,
        "implementation_date": proposal.implementation_date,
        "org_unit_id": proposal.org_unit_id,
        "status": proposal.status,
        "version": proposal.version,
        "drafted_at": proposal.drafted_at,
        "command_count": len(proposal.commands),
    }
