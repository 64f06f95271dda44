"""HTTP routes of the establishment service (API.md): command POSTs and as-of / known-at GETs.

Routes only translate: a body becomes a command, the command goes through the same path as the
stream's, and an outcome or a view becomes JSON. The tenant is the `X-Tenant` header.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response

from contracts import establishment as est
from contracts.calendar import Day  # noqa: TC001 - FastAPI reads route annotations
from contracts.rejections import Reason
from contracts.streams import DEFAULT_TENANT, ESTABLISHMENT_EVENTS, RECRUITMENT_EVENTS
from eventlog.http_params import (
    AsOf,
    KnownAt,
    ProposalId,
    TenantHeader,
    answer,
    moment,
    now,
    run_command,
    tenant_log,
    today,
)
from eventlog.problems import ProblemError
from services.establishment.application import TenantEstablishment, with_post_id
from services.establishment.diff_report import diff_text
from services.establishment.proposal_routes import proposal_applied
from services.establishment.proposal_routes import router as proposal_router
from services.establishment.structure import structure_json
from services.establishment.tenant_routes import router as tenant_router
from services.establishment.views import UnknownOrgUnitError, diff, find_post, org_units

if TYPE_CHECKING:
    from contracts.envelope import Message
    from readmodels.establishment import Establishment

router = APIRouter()
router.include_router(tenant_router)
router.include_router(proposal_router)


async def _tenant(request: Request, tenant: str) -> TenantEstablishment:
    found: TenantEstablishment = await tenant_log(request, tenant)
    return found


async def _view(
    request: Request,
    tenant: str,
    establishment: TenantEstablishment,
    stamp: str | None,
    proposal: str | None,
) -> Establishment:
    """The establishment as known at `stamp`, or as it would be now with `proposal` applied."""
    if proposal is None:
        return await establishment.known_at(stamp)
    if stamp is not None:
        raise ProblemError(
            Reason.INVALID, "a proposal is applied to the establishment as known now: no known_at"
        )
    return (await proposal_applied(request, tenant, proposal)).establishment


async def _record(
    request: Request, tenant: str, command: est.EstablishmentCommand, status: int
) -> JSONResponse:
    accepted = await run_command(request, await _tenant(request, tenant), with_post_id(command))
    return answer(accepted, status)


@router.post("/org-units", status_code=201)
async def create_org_unit(
    request: Request, body: est.CreateOrgUnit, x_tenant: TenantHeader = DEFAULT_TENANT
) -> JSONResponse:
    """Create an org unit under an optional parent."""
    return await _record(request, x_tenant, body, 201)


@router.post("/posts", status_code=201)
async def create_post(
    request: Request, body: est.CreatePost, x_tenant: TenantHeader = DEFAULT_TENANT
) -> JSONResponse:
    """Establish a post."""
    return await _record(request, x_tenant, body, 201)


POST_CHANGES: tuple[tuple[str, type[Message], type[est.PostCommand], str], ...] = (
    (
        "redesignate",
        est.RedesignatePostBody,
        est.RedesignatePost,
        "Change a post's title, grade or explicit budgeted cost.",
    ),
    ("fte", est.ChangePostFTEBody, est.ChangePostFTE, "Change a post's FTE."),
    ("transfer", est.TransferPostBody, est.TransferPost, "Move a post to another org unit."),
    (
        "reporting-line",
        est.ChangeReportingLineBody,
        est.ChangeReportingLine,
        "Point a post's line management at another post, or at the top.",
    ),
    (
        "funding",
        est.ChangePostFundingBody,
        est.ChangePostFunding,
        "Replace a post's funding split.",
    ),
    (
        "delete",
        est.DeletePostBody,
        est.DeletePost,
        "Remove a post from the establishment from a date.",
    ),
)
"""Every change to an existing post: path suffix, body, command, and what it does."""


def _add_post_change(
    suffix: str, body_model: type[Message], command_model: type[est.PostCommand], doc: str
) -> None:
    """Register `POST /posts/{post_id}/<suffix>`: the body plus the path's post id."""

    async def endpoint(
        request: Request, post_id: str, body: Message, x_tenant: TenantHeader = DEFAULT_TENANT
    ) -> JSONResponse:
        command = command_model.model_validate({**body.model_dump(), "post_id": post_id})
        return await _record(request, x_tenant, command, 200)

    endpoint.__annotations__ = {**endpoint.__annotations__, "body": body_model}
    endpoint.__doc__ = doc
    endpoint.__name__ = f"post_{suffix.replace('-', '_')}"
    router.add_api_route(f"/posts/{{post_id}}/{suffix}", endpoint, methods=["POST"])


for _suffix, _body, _command, _doc in POST_CHANGES:
    _add_post_change(_suffix, _body, _command, _doc)


@router.post("/events/{event_id}/retract")
async def retract(
    request: Request,
    event_id: str,
    body: est.RetractEventBody,
    x_tenant: TenantHeader = DEFAULT_TENANT,
) -> JSONResponse:
    """Cancel a recorded event by recording a correction; the original stays in the log."""
    command = est.RetractEvent.model_validate({**body.model_dump(), "event_id": event_id})
    return await _record(request, x_tenant, command, 200)


@router.get("/posts/{post_id}")
async def get_post(
    request: Request,
    post_id: str,
    as_of: AsOf = None,
    known_at: KnownAt = None,
    x_tenant: TenantHeader = DEFAULT_TENANT,
) -> dict[str, Any]:
    """One post as of a date, as known at a time."""
    day = as_of or today(request)
    establishment = await _tenant(request, x_tenant)
    projection = await establishment.known_at(moment(known_at))
    found = find_post(projection, post_id, day.isoformat())
    if found is None:
        raise ProblemError(Reason.NOT_FOUND, f"post {post_id!r} does not exist on {day}")
    return found


@router.get("/posts/{post_id}/history")
async def post_history(
    request: Request, post_id: str, x_tenant: TenantHeader = DEFAULT_TENANT
) -> list[dict[str, Any]]:
    """The post's events in recorded order, full envelopes."""
    establishment = await _tenant(request, x_tenant)
    events = await establishment.history(post_id)
    if events is None:
        raise ProblemError(Reason.NOT_FOUND, f"post {post_id!r} has no events")
    return events


@router.get("/structure")
async def get_structure(
    request: Request,
    *,
    as_of: AsOf = None,
    known_at: KnownAt = None,
    org_unit_id: str | None = None,
    proposal: ProposalId = None,
    x_tenant: TenantHeader = DEFAULT_TENANT,
) -> Response:
    """Every post on a date (under an org unit and its sub-units), with totals.

    Each post and the totals also carry who is in post (recruitment's postholders as known at
    `known_at`): `fte_in_post`, `headcount` and `vacant_fte`. With `proposal`, as if its
    commands were recorded now.
    """
    day = as_of or today(request)
    stamp = moment(known_at)
    establishment = await _tenant(request, x_tenant)
    projection = await _view(request, x_tenant, establishment, stamp, proposal)
    staffing = await establishment.staffing.known_at(stamp)
    stamps: dict[str, Any] = {
        "as_of": day.isoformat(),
        "known_at": stamp or now(request),
        "log_position": {
            ESTABLISHMENT_EVENTS: projection.entry_id,
            RECRUITMENT_EVENTS: staffing.entry_id,
        },
    }
    try:
        body = structure_json(projection, day.isoformat(), org_unit_id, staffing, stamps)
    except UnknownOrgUnitError as error:
        raise ProblemError(Reason.NOT_FOUND, str(error)) from None
    return Response(body, media_type="application/json")


@router.get(
    "/diff",
    response_model=None,
    responses={
        200: {
            "content": {"text/plain": {}},
            "description": "JSON, or with format=text the change report people read",
        }
    },
)
async def get_diff(
    request: Request,
    *,
    start: Annotated[Day, Query(alias="from")],
    end: Annotated[Day, Query(alias="to")],
    known_at: KnownAt = None,
    org_unit_id: str | None = None,
    shape: Annotated[Literal["json", "text"], Query(alias="format")] = "json",
    proposal: ProposalId = None,
    x_tenant: TenantHeader = DEFAULT_TENANT,
) -> dict[str, Any] | PlainTextResponse:
    """What changed between two effective dates (`format=text`: a readable change report).

    With `proposal`, what the proposal would change, as if its commands were recorded now.
    """
    stamp = moment(known_at)
    establishment = await _tenant(request, x_tenant)
    projection = await _view(request, x_tenant, establishment, stamp, proposal)
    try:
        changes = diff(projection, start.isoformat(), end.isoformat(), org_unit_id)
    except UnknownOrgUnitError as error:
        raise ProblemError(Reason.NOT_FOUND, str(error)) from None
    report = {"from": start.isoformat(), "to": end.isoformat(), "known_at": stamp, **changes}
    return PlainTextResponse(diff_text(report)) if shape == "text" else report


@router.get("/org-units")
async def get_org_units(
    request: Request,
    as_of: AsOf = None,
    known_at: KnownAt = None,
    x_tenant: TenantHeader = DEFAULT_TENANT,
) -> dict[str, Any]:
    """The org tree on a date."""
    day = as_of or today(request)
    establishment = await _tenant(request, x_tenant)
    projection = await establishment.known_at(moment(known_at))
    return {"as_of": day.isoformat(), "org_units": org_units(projection, day.isoformat())}
