"""HTTP routes of the recruitment service (API.md), and the as-of / known-at views.

Appointments, leavers, vacancy control and redeployment are written; vacancies, staff at risk and
postholders are read for any `as_of` and `known_at`, and a period's exceptions to vacancy control
for any `known_at`. Routes only translate; rules are in `domain.py`, answers in `views.py`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import structlog
from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse  # noqa: TC002 - FastAPI reads route annotations

from contracts import recruitment as rc
from contracts.calendar import Day  # noqa: TC001 - FastAPI reads route annotations
from contracts.rejections import Reason
from contracts.streams import DEFAULT_TENANT
from eventlog.http_params import (
    AsOf,
    KnownAt,
    ProposalId,
    TenantHeader,
    answer,
    day_of,
    moment,
    now,
    run_command,
    tenant_log,
)
from eventlog.http_writes import add_writes
from eventlog.problems import ProblemError
from readmodels.consultation import consultation
from services.recruitment.erasure import erase_person
from services.recruitment.handlers import GROUP
from services.recruitment.proposal_scene import scene_with
from services.recruitment.revealed_answers import revealed
from services.recruitment.views import at_risk, roster, vacancies, vacancy_control

if TYPE_CHECKING:
    from services.recruitment.application import TenantRecruitment
    from services.recruitment.scene import Scene

router = APIRouter()
log = structlog.get_logger()


async def _tenant(request: Request, tenant: str) -> TenantRecruitment:
    found: TenantRecruitment = await tenant_log(request, tenant)
    return found


async def _revealed(
    recruitment: TenantRecruitment, scene: Scene, document: dict[str, Any]
) -> dict[str, Any]:
    """`document` naming people by their references (erased ones as `erased`)."""
    return await revealed(recruitment.person_keys, scene.workforce, document)


async def _scene(
    recruitment: TenantRecruitment, known_at: str | None, proposal: str | None
) -> Scene:
    """Everything as known at `known_at`, or as it would be now with `proposal` applied."""
    if proposal is None:
        return await recruitment.scene(moment(known_at))
    if known_at is not None:
        raise ProblemError(
            Reason.INVALID, "a proposal is applied to everything as known now: no known_at"
        )
    found = (await recruitment.proposals.current()).get(proposal)
    if found is None:
        raise ProblemError(Reason.NOT_FOUND, f"no proposal {proposal!r}")
    return scene_with(await recruitment.scene(None), found)


async def _person(recruitment: TenantRecruitment, person_ref: str | None) -> str | None:
    """The pseudonym a query's `person_ref` stands for (itself if it was never sealed)."""
    if person_ref is None:
        return None
    found = await recruitment.person_keys.pseudonyms([person_ref], create=False)
    return found.get(person_ref, person_ref)


async def _record(request: Request, tenant: str, command: rc.RecruitmentCommand) -> JSONResponse:
    accepted = await run_command(request, await _tenant(request, tenant), command)
    return answer(accepted, 201)


WRITES: tuple[tuple[str, type[rc.RecruitmentCommand], str], ...] = (
    ("/appointments", rc.AppointPostholder, "Appoint a person to a post from a start date."),
    ("/leavers", rc.RecordLeaver, "Record a postholder leaving; end_date is the last day."),
    ("/approvals", rc.ApproveRecruitment, "Approve recruitment to a post from a date."),
    ("/freezes", rc.FreezeVacancies, "Freeze vacancies on a post or an org unit."),
    (
        "/redeployments",
        rc.StartRedeploymentTrial,
        "Start an at-risk person's 4-week trial in a suitable alternative post.",
    ),
    (
        "/redeployments/outcome",
        rc.ConcludeTrial,
        "End a trial: redeployed into the post, or returned to being at risk.",
    ),
    ("/redundancies", rc.MakeRedundant, "Make an at-risk person redundant from a date."),
)
"""Every write whose body is the command itself: path, command, what it does. Each answers 201."""


add_writes(router, WRITES, _record)


@router.post("/freezes/{freeze_id}/lift", status_code=201)
async def lift_freeze(
    request: Request,
    freeze_id: str,
    body: rc.LiftFreezeBody,
    x_tenant: TenantHeader = DEFAULT_TENANT,
) -> JSONResponse:
    """Lift a vacancy freeze from a date."""
    command = rc.LiftFreeze.model_validate({**body.model_dump(), "freeze_id": freeze_id})
    return await _record(request, x_tenant, command)


@router.get("/vacancies")
async def get_vacancies(
    request: Request,
    *,
    as_of: AsOf = None,
    known_at: KnownAt = None,
    org_unit_id: str | None = None,
    proposal: ProposalId = None,
    x_tenant: TenantHeader = DEFAULT_TENANT,
) -> dict[str, Any]:
    """Posts with FTE nobody holds on a date: how much, how long, approval, freeze.

    With `proposal`, as if its commands were recorded now.
    """
    day = day_of(request, as_of)
    recruitment = await _tenant(request, x_tenant)
    scene = await _scene(recruitment, known_at, proposal)
    return vacancies(scene, day, org_unit_id)


@router.get("/at-risk")
async def get_at_risk(
    request: Request,
    as_of: AsOf = None,
    known_at: KnownAt = None,
    proposal: ProposalId = None,
    x_tenant: TenantHeader = DEFAULT_TENANT,
) -> dict[str, Any]:
    """People whose post is deleted, each with suitable alternative vacancies (ring-fenced).

    With `proposal`, the people it would put at risk too, as if its commands were recorded now.
    """
    day = day_of(request, as_of)
    recruitment = await _tenant(request, x_tenant)
    scene = await _scene(recruitment, known_at, proposal)
    answer = await _revealed(recruitment, scene, at_risk(scene, day))
    answer["people"].sort(key=lambda person: person["person_ref"])
    return answer


@router.get("/consultation")
async def get_consultation(
    request: Request,
    *,
    proposal: Annotated[str, Query(description="the proposal to consult on")],
    start: Annotated[
        Day | None, Query(description="when consultation starts (default today)")
    ] = None,
    policy_days: Annotated[
        int, Query(ge=0, le=365, description="the tenant's own minimum consultation period")
    ] = 0,
    x_tenant: TenantHeader = DEFAULT_TENANT,
) -> dict[str, Any]:
    """Collective consultation a proposal needs: people at risk, minimum days, HR1."""
    recruitment = await _tenant(request, x_tenant)
    found = (await recruitment.proposals.current()).get(proposal)
    if found is None:
        raise ProblemError(Reason.NOT_FOUND, f"no proposal {proposal!r}")
    scene = await recruitment.scene(None)
    day = day_of(request, start)
    return await _revealed(
        recruitment,
        scene,
        consultation(scene.workforce, scene.establishment, found, day, policy_days),
    )


@router.get("/postholders")
async def get_postholders(
    request: Request,
    *,
    as_of: AsOf = None,
    known_at: KnownAt = None,
    person_ref: str | None = None,
    post_id: str | None = None,
    x_tenant: TenantHeader = DEFAULT_TENANT,
) -> dict[str, Any]:
    """Contracts in force on a date (for one person or post, if given), with headcount and FTE."""
    day = day_of(request, as_of)
    recruitment = await _tenant(request, x_tenant)
    scene = await recruitment.scene(moment(known_at))
    person = await _person(recruitment, person_ref)
    return await _revealed(recruitment, scene, roster(scene, day, person, post_id))


@router.post("/people/{person_ref}/erase")
async def erase(
    request: Request, person_ref: str, x_tenant: TenantHeader = DEFAULT_TENANT
) -> dict[str, object]:
    """Erase a person: destroy their key, so every view shows them as `erased`; figures stay."""
    erased = await erase_person(await _tenant(request, x_tenant), GROUP, person_ref)
    identity = request.state.grant.identity
    log.info("person erased", tenant=x_tenant, person_id=erased.person_id, actor=identity)
    return erased.view()


@router.get("/vacancy-control")
async def get_vacancy_control(
    request: Request,
    start: Annotated[Day, Query(alias="from")],
    end: Annotated[Day, Query(alias="to")],
    known_at: KnownAt = None,
    x_tenant: TenantHeader = DEFAULT_TENANT,
) -> dict[str, Any]:
    """A period's exceptions: unapproved appointments started, approvals expired unused."""
    if start > end:
        raise ProblemError(
            Reason.INVALID,
            f"from ({start}) is after to ({end})",
            [{"loc": ["query", "from"], "msg": "after to", "type": "value_error"}],
        )
    stamp = moment(known_at)
    recruitment = await _tenant(request, x_tenant)
    scene = await recruitment.scene(stamp)
    report = await _revealed(
        recruitment, scene, vacancy_control(scene, start.isoformat(), end.isoformat())
    )
    return {**report, "known_at": stamp or now(request)}
