"""HTTP routes of the finance service (API.md): ledgers, savings, funding streams, sensitivity.

Every query reads the books as known at `known_at` (default now). Routes only translate; the
figures come from `ledger.py`, `savings.py` and `funding.py`.
"""

from __future__ import annotations

from datetime import date  # noqa: TC003 - FastAPI reads route annotations at runtime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse  # noqa: TC002 - FastAPI reads route annotations

from contracts import finance as fi  # noqa: TC001 - FastAPI reads route annotations at runtime
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
    run_command,
    tenant_log,
)
from eventlog.problems import ProblemError
from services.finance.chart_routes import router as charts
from services.finance.costing import FORECAST, Policy
from services.finance.funding import sensitivity, stream_view
from services.finance.ledger import UnknownOrgUnitError, ledger
from services.finance.proposal_books import books_for
from services.finance.proposal_routes import router as proposals
from services.finance.savings import statement

if TYPE_CHECKING:
    from services.finance.application import TenantFinance

router = APIRouter()

Year = Annotated[int, Query(ge=1990, le=2200, description="start year: 2018 is 2018/19")]


async def _tenant(request: Request, tenant: str) -> TenantFinance:
    found: TenantFinance = await tenant_log(request, tenant)
    return found


def _not_found(error: LookupError) -> ProblemError:
    return ProblemError(Reason.NOT_FOUND, str(error).strip("'\""))


@router.get("/ledger")
async def get_ledger(
    request: Request,
    fy: Year,
    *,
    as_of: AsOf = None,
    known_at: KnownAt = None,
    group_by: Literal["org_unit", "grade", "funding", "post"] = "org_unit",
    basis: Literal["budget", "forecast"] = "budget",
    org_unit_id: str | None = None,
    vacancy_factor: Annotated[Decimal, Query(ge=0, le=1)] = Decimal(0),
    proposal: ProposalId = None,
    x_tenant: TenantHeader = DEFAULT_TENANT,
) -> dict[str, Any]:
    """Full-year and in-year cost of a financial year, grouped.

    The forecast splits obligations (filled posts) from commitments (approved vacancies). With
    `proposal`, as if its commands were recorded now.
    """
    day = day_of(request, as_of)
    finance = await _tenant(request, x_tenant)
    books = await books_for(finance, known_at, proposal)
    policy = Policy(basis=basis, vacancy_factor=vacancy_factor if basis == FORECAST else Decimal(0))
    try:
        return ledger(
            books, fy, as_of=day, group_by=group_by, policy=policy, org_unit_id=org_unit_id
        )
    except UnknownOrgUnitError as error:
        raise _not_found(error) from None


@router.get("/savings")
async def get_savings(
    request: Request,
    start: Annotated[Day, Query(alias="from")],
    end: Annotated[Day, Query(alias="to")],
    *,
    org_unit_id: str | None = None,
    known_at: KnownAt = None,
    costs: Literal["explicit", "grades"] = "explicit",
    price_on: date | None = None,
    rates_on: date | None = None,
    proposal: ProposalId = None,
    x_tenant: TenantHeader = DEFAULT_TENANT,
) -> dict[str, Any]:
    """A savings statement between two effective dates (seed 000's Table 1 shape).

    Priced at `price_on`'s pay (default `to`) and `rates_on`'s on-cost rates (default `price_on`).
    With `proposal`, the savings it would make, as if its commands were recorded now.
    """
    if start > end:
        raise ProblemError(
            Reason.INVALID,
            f"from ({start}) is after to ({end})",
            [{"loc": ["query", "from"], "msg": "after to", "type": "value_error"}],
        )
    finance = await _tenant(request, x_tenant)
    books = await books_for(finance, known_at, proposal)
    policy = Policy(
        explicit_costs=costs == "explicit",
        price_on=price_on.isoformat() if price_on else None,
        rates_on=rates_on.isoformat() if rates_on else None,
    )
    try:
        return statement(books, start.isoformat(), end.isoformat(), policy, org_unit_id)
    except UnknownOrgUnitError as error:
        raise _not_found(error) from None


@router.post("/funding-streams", status_code=201)
async def register_funding_stream(
    request: Request, body: fi.RegisterFundingStream, x_tenant: TenantHeader = DEFAULT_TENANT
) -> JSONResponse:
    """Register a grant or other funding stream; its headroom is checked at once."""
    finance = await _tenant(request, x_tenant)
    accepted = await run_command(request, finance, body)
    await finance.check_headroom(accepted.event["event_id"], body.start_date.isoformat())
    return answer(accepted, 201)


@router.get("/funding-streams/{source_id}")
async def get_funding_stream(
    request: Request,
    source_id: str,
    known_at: KnownAt = None,
    x_tenant: TenantHeader = DEFAULT_TENANT,
) -> dict[str, Any]:
    """A stream's amount, what its posts commit per year, headroom and warnings."""
    finance = await _tenant(request, x_tenant)
    books = await finance.books(moment(known_at))
    stream = books.funding.streams.get(source_id)
    if stream is None:
        raise ProblemError(Reason.NOT_FOUND, f"funding stream {source_id!r} does not exist")
    return stream_view(books, stream)


@router.get("/sensitivity")
async def get_sensitivity(
    request: Request,
    fy: Year,
    months: Annotated[int, Query(ge=-24, le=24, description="delay; negative = earlier")],
    *,
    org_unit_id: str | None = None,
    known_at: KnownAt = None,
    x_tenant: TenantHeader = DEFAULT_TENANT,
) -> dict[str, Any]:
    """The in-year forecast cost change if postholders started `months` later (or earlier)."""
    finance = await _tenant(request, x_tenant)
    books = await finance.books(moment(known_at))
    try:
        return sensitivity(books, fy, months, org_unit_id)
    except UnknownOrgUnitError as error:
        raise _not_found(error) from None


router.include_router(charts)
router.include_router(proposals)
