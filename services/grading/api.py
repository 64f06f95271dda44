"""HTTP routes of the grading service (API.md): catalogue POSTs, costs, evaluations.

Routes only translate: a body is a command that goes through the shared command path; a query
reads the catalogue as known at `known_at` (default now) for an effective date. A rule broken or
something unknown comes back as a problem body (DomainError is mapped by `eventlog.problems`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse  # noqa: TC002 - FastAPI reads route annotations

from contracts import grading as gr
from contracts.calendar import Day  # noqa: TC001 - FastAPI reads route annotations
from contracts.costing import grade_cost, grade_ranges, rates_on
from contracts.identifiers import normalise_grade
from contracts.money import fte_text, money_text, parse_fte
from contracts.rejections import Reason
from contracts.streams import DEFAULT_TENANT
from eventlog.http_params import (
    AsOf,
    KnownAt,
    TenantHeader,
    answer,
    day_of,
    moment,
    run_command,
    tenant_log,
)
from eventlog.http_writes import add_writes
from eventlog.problems import ProblemError
from services.grading.views import evaluations, pending_evaluations, scheme_view, spine_view

if TYPE_CHECKING:
    from services.grading.application import TenantGrading
    from services.grading.catalogue import Catalogue

router = APIRouter()


async def _tenant(request: Request, tenant: str) -> TenantGrading:
    found: TenantGrading = await tenant_log(request, tenant)
    return found


async def _view(request: Request, tenant: str, known_at: str | None) -> Catalogue:
    grading = await _tenant(request, tenant)
    return await grading.known_at(moment(known_at))


async def _record(request: Request, tenant: str, command: gr.GradingCommand) -> JSONResponse:
    outcome = await run_command(request, await _tenant(request, tenant), command)
    extra: dict[str, Any] = {}
    if outcome.event["type"] == "JobEvaluated":
        payload = outcome.event["payload"]
        extra = {"total_points": payload["total_points"], "grade": payload["grade"]}
    return answer(outcome, 201, extra)


WRITES: tuple[tuple[str, type[gr.GradingCommand], str], ...] = (
    (
        "/pay-spines",
        gr.PublishPaySpine,
        "Publish a scheme's point values from a date (a pay award, possibly back-dated).",
    ),
    (
        "/grades",
        gr.DefineGrade,
        "Define a grade from a date: points on a scheme, or a percentage of the Director.",
    ),
    ("/director-salary", gr.SetDirectorSalary, "Set the Director's salary from a date."),
    (
        "/on-cost-rates",
        gr.SetOnCostRates,
        "Set employer NI (with its per-person threshold), pension and levy rates from a date.",
    ),
    (
        "/evaluation-schemes",
        gr.DefineEvaluationScheme,
        "Define a job evaluation scheme from a date: factors, points per level, score bands.",
    ),
    (
        "/evaluations",
        gr.EvaluateJob,
        "Evaluate a post's job: total points and the grade they give, published as JobEvaluated.",
    ),
)
"""Every write: path, body (the command itself), and what it does. Each answers 201."""


add_writes(router, WRITES, _record)


@router.get("/grades")
async def list_grades(
    request: Request,
    as_of: AsOf = None,
    known_at: KnownAt = None,
    x_tenant: TenantHeader = DEFAULT_TENANT,
) -> dict[str, Any]:
    """Every grade defined on a date, with its salary range then."""
    day = day_of(request, as_of)
    catalogue = await _view(request, x_tenant, known_at)
    return {"as_of": day, "grades": grade_ranges(catalogue, day)}


def _grade_name(grade: str) -> str:
    try:
        return normalise_grade(grade)
    except ValueError as error:
        raise ProblemError(
            Reason.INVALID,
            str(error),
            [{"loc": ["path", "grade"], "msg": str(error), "type": "value_error"}],
        ) from None


def _fte(fte: str) -> Any:
    try:
        return parse_fte(fte)
    except (ValueError, TypeError) as error:
        raise ProblemError(
            Reason.INVALID,
            str(error),
            [{"loc": ["query", "fte"], "msg": str(error), "type": "value_error"}],
        ) from None


@router.get("/grades/{grade}/cost")
async def get_grade_cost(
    request: Request,
    grade: str,
    *,
    on: Annotated[Day | None, Query(description="the date costed (default today)")] = None,
    fte: Annotated[str, Query(description="FTE, e.g. 0.5 or 30/37")] = "1",
    scp: Annotated[int | None, Query(ge=1, description="default: top of the grade")] = None,
    known_at: KnownAt = None,
    x_tenant: TenantHeader = DEFAULT_TENANT,
) -> dict[str, Any]:
    """A post's full-year cost at a grade: salary, each on-cost and the total."""
    day = day_of(request, on)
    catalogue = await _view(request, x_tenant, known_at)
    found = grade_cost(catalogue, _grade_name(grade), day, _fte(fte), scp)
    return {
        "grade": found.grade,
        "on": found.on,
        "scp": found.scp,
        "fte": fte_text(found.fte),
        "salary": money_text(found.salary),
        "pay": money_text(found.pay),
        "employer_ni": money_text(found.employer_ni),
        "pension": money_text(found.pension),
        "levy": money_text(found.levy),
        "annual_cost": money_text(found.annual_cost),
    }


@router.get("/pay-spines/{scheme}")
async def get_pay_spine(
    request: Request,
    scheme: str,
    as_of: AsOf = None,
    known_at: KnownAt = None,
    x_tenant: TenantHeader = DEFAULT_TENANT,
) -> dict[str, Any]:
    """A scheme's point values on a date."""
    day = day_of(request, as_of)
    return spine_view(await _view(request, x_tenant, known_at), scheme, day)


@router.get("/on-cost-rates")
async def get_on_cost_rates(
    request: Request,
    as_of: AsOf = None,
    known_at: KnownAt = None,
    x_tenant: TenantHeader = DEFAULT_TENANT,
) -> dict[str, Any]:
    """The on-cost rates in force on a date."""
    day = day_of(request, as_of)
    rates = rates_on(await _view(request, x_tenant, known_at), day)
    return {
        "as_of": day,
        "employer_ni_rate": format(rates.employer_ni_rate, "f"),
        "ni_threshold": money_text(rates.ni_threshold),
        "pension_rate": format(rates.pension_rate, "f"),
        "apprenticeship_levy_rate": format(rates.apprenticeship_levy_rate, "f"),
    }


@router.get("/evaluation-schemes/{scheme}")
async def get_evaluation_scheme(
    request: Request,
    scheme: str,
    as_of: AsOf = None,
    known_at: KnownAt = None,
    x_tenant: TenantHeader = DEFAULT_TENANT,
) -> dict[str, Any]:
    """A job evaluation scheme as in force on a date."""
    day = day_of(request, as_of)
    return scheme_view(await _view(request, x_tenant, known_at), scheme, day)


@router.get("/evaluations")
async def list_evaluations(
    request: Request,
    post_id: str | None = None,
    known_at: KnownAt = None,
    x_tenant: TenantHeader = DEFAULT_TENANT,
) -> dict[str, Any]:
    """Job evaluations recorded, optionally for one post, in recorded order."""
    return {"evaluations": evaluations(await _view(request, x_tenant, known_at), post_id)}


@router.get("/evaluations/pending")
async def list_pending(
    request: Request,
    as_of: AsOf = None,
    known_at: KnownAt = None,
    x_tenant: TenantHeader = DEFAULT_TENANT,
) -> dict[str, Any]:
    """Posts whose grade on a date is proposed and not yet evaluated."""
    day = day_of(request, as_of)
    catalogue = await _view(request, x_tenant, known_at)
    return {"as_of": day, "posts": pending_evaluations(catalogue, day)}
