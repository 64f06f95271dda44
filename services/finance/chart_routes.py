"""`GET /charts/org` and `GET /charts/savings`: the pictures, as `image/svg+xml`.

The org chart's DOT is rendered by Graphviz's `dot` (the Debian package `graphviz`), in a
thread so the event loop keeps serving, and with a time limit; a machine without it answers
503 saying what to install. The waterfall is drawn in Python.
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
from datetime import date  # noqa: TC003 - FastAPI reads route annotations at runtime
from typing import TYPE_CHECKING, Annotated

from fastapi import APIRouter, Query, Request, Response

from contracts.calendar import Day  # noqa: TC001 - FastAPI reads route annotations
from contracts.rejections import Reason
from contracts.streams import DEFAULT_TENANT
from eventlog.http_params import AsOf, KnownAt, TenantHeader, day_of, moment, tenant_log
from eventlog.problems import ProblemError
from services.finance.costing import Policy
from services.finance.ledger import UnknownOrgUnitError
from services.finance.org_chart import org_chart
from services.finance.savings import baseline, statement
from services.finance.savings_chart import savings_chart

if TYPE_CHECKING:
    from services.finance.application import TenantFinance

router = APIRouter()

SVG = "image/svg+xml"
RENDER_SECONDS = 30


async def _tenant(request: Request, tenant: str) -> TenantFinance:
    found: TenantFinance = await tenant_log(request, tenant)
    return found


class DotMissingError(RuntimeError):
    """Graphviz's `dot` is not on this machine."""


def _render(source: str) -> bytes:
    """SVG of the DOT `source`, laid out by `dot` within RENDER_SECONDS."""
    dot = shutil.which("dot")
    if dot is None:
        raise DotMissingError
    done = subprocess.run(  # noqa: S603 - Graphviz's dot, our own DOT on stdin
        [dot, "-Tsvg"],
        input=source.encode(),
        capture_output=True,
        timeout=RENDER_SECONDS,
        check=True,
    )
    return done.stdout


@router.get("/charts/org", response_class=Response, responses={200: {"content": {SVG: {}}}})
async def get_org_chart(
    request: Request,
    as_of: AsOf = None,
    known_at: KnownAt = None,
    org_unit_id: str | None = None,
    x_tenant: TenantHeader = DEFAULT_TENANT,
) -> Response:
    """The org chart on a date: units as boxes with their posts, vacancies and people at risk."""
    day = day_of(request, as_of)
    finance = await _tenant(request, x_tenant)
    books = await finance.books(moment(known_at))
    if org_unit_id is not None and books.establishment.unit(org_unit_id, day) is None:
        raise ProblemError(Reason.NOT_FOUND, f"org unit {org_unit_id!r} does not exist on {day}")
    source = org_chart(books, day, org_unit_id)
    try:
        svg = await asyncio.to_thread(_render, source)
    except DotMissingError:
        raise ProblemError(
            Reason.UNAVAILABLE, "Graphviz's `dot` is not installed (Debian package graphviz)"
        ) from None
    return Response(svg, media_type=SVG)


@router.get("/charts/savings", response_class=Response, responses={200: {"content": {SVG: {}}}})
async def get_savings_chart(
    request: Request,
    start: Annotated[Day, Query(alias="from")],
    end: Annotated[Day, Query(alias="to")],
    *,
    org_unit_id: str | None = None,
    known_at: KnownAt = None,
    price_on: date | None = None,
    x_tenant: TenantHeader = DEFAULT_TENANT,
) -> Response:
    """The savings statement between two dates as a waterfall."""
    if start > end:
        raise ProblemError(Reason.INVALID, f"from ({start}) is after to ({end})")
    finance = await _tenant(request, x_tenant)
    books = await finance.books(moment(known_at))
    policy = Policy(price_on=price_on.isoformat() if price_on else None)
    first, last = start.isoformat(), end.isoformat()
    try:
        shown = statement(books, first, last, policy, org_unit_id)
        start_cost = baseline(books, first, last, policy, org_unit_id)
    except UnknownOrgUnitError as error:
        raise ProblemError(Reason.NOT_FOUND, str(error).strip("'\"")) from None
    title = f"Savings {first} to {last}" + (f", {org_unit_id}" if org_unit_id else "")
    return Response(savings_chart(shown, start_cost, title), media_type=SVG)
