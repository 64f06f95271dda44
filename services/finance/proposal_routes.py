"""`GET /proposals/compare?ids=A,B` and `GET /proposals/{id}/outturn?fy=Y`, as finance prices them.

Compare sets proposals side by side; outturn sets an approved proposal's modelled saving beside
what the ledger now shows for the same posts (services.finance.outturn).

For each: the net annual saving and FTE of its savings statement from the day before its
implementation date to that date (seed 000's Table 1 shape, explicit costs first); the posts it
deletes and creates (externally funded ones apart); and the in-year saving for the financial
year it starts in (the budget ledger's in-year cost now, less the same with the proposal
applied); and the people it puts at risk with the collective consultation they need, from the
same rule over the same read models as recruitment's `GET /consultation?proposal=ID`.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Query, Request

from contracts.money import money_text
from contracts.rejections import Reason
from contracts.streams import DEFAULT_TENANT
from eventlog.http_params import TenantHeader, day_of, tenant_log
from eventlog.problems import ProblemError
from readmodels.consultation import consultation
from readmodels.proposals import with_proposal
from readmodels.workforce import day_before
from services.finance.costing import Policy
from services.finance.fiscal import fy_of
from services.finance.ledger import ledger
from services.finance.outturn import outturn
from services.finance.savings import statement

if TYPE_CHECKING:
    from readmodels.proposals import Proposal
    from services.finance.application import TenantFinance
    from services.finance.books import Books

router = APIRouter()

MAX_COMPARED = 10


@router.get("/proposals/compare")
async def compare(
    request: Request,
    ids: Annotated[str, Query(description="proposal ids, comma-separated", max_length=1000)],
    x_tenant: TenantHeader = DEFAULT_TENANT,
) -> dict[str, Any]:
    """Each proposal's saving, FTE, posts deleted and created, and in-year saving."""
    wanted = [item.strip() for item in ids.split(",") if item.strip()]
    if not wanted or len(wanted) > MAX_COMPARED:
        raise ProblemError(Reason.INVALID, f"ids: give 1 to {MAX_COMPARED} proposal ids")
    finance: TenantFinance = await tenant_log(request, x_tenant)
    live = await finance.refresh()
    compared = []
    for proposal_id in wanted:
        found = await finance.books_with(proposal_id)
        if found is None:
            raise ProblemError(Reason.NOT_FOUND, f"no proposal {proposal_id!r}")
        compared.append(_figures(*found, live, day_of(request, None)))
    return {"proposals": compared}


@router.get("/proposals/{proposal_id}/outturn")
async def get_outturn(
    request: Request,
    proposal_id: str,
    fy: Annotated[int, Query(ge=1990, le=2200, description="start year: 2018 is 2018/19")],
    x_tenant: TenantHeader = DEFAULT_TENANT,
) -> dict[str, Any]:
    """An approved proposal's modelled saving for `fy` against the ledger now, line by line."""
    finance: TenantFinance = await tenant_log(request, x_tenant)
    proposal = (await finance.proposals.current()).get(proposal_id)
    if proposal is None:
        raise ProblemError(Reason.NOT_FOUND, f"no proposal {proposal_id!r}")
    submitted = [item for item in proposal.decisions if item.decision == "submit"]
    if proposal.status != "approved" or not submitted:
        raise ProblemError(
            Reason.PROPOSAL_STATUS,
            f"proposal {proposal_id!r} is {proposal.status}: only an approved one has an outturn",
        )
    baseline = await finance.books(submitted[-1].recorded_at)
    modelled = replace(baseline, establishment=with_proposal(baseline.establishment, proposal))
    return outturn(baseline, modelled, await finance.refresh(), proposal, fy)


def _figures(proposal: Proposal, books: Books, live: Books, today: str) -> dict[str, Any]:
    """One proposal's column of the comparison (consultation as if it started `today`)."""
    day = proposal.implementation_date
    year = fy_of(day)
    change = statement(books, day_before(day), day, Policy(), proposal.org_unit_id)
    budget = Policy()
    now = ledger(live, year, as_of=day, group_by="org_unit", policy=budget)
    then = ledger(books, year, as_of=day, group_by="org_unit", policy=budget)
    in_year = Decimal(now["totals"]["in_year_cost"]) - Decimal(then["totals"]["in_year_cost"])
    need = consultation(live.staffing, live.establishment, proposal, today)
    return {
        "proposal_id": proposal.proposal_id,
        "title": proposal.title,
        "status": proposal.status,
        "implementation_date": day,
        "net_annual_saving": money_text(-Decimal(change["net"]["annual_cost"])),
        "fte_change": change["net"]["fte"],
        "posts_deleted": change["deleted"]["posts"],
        "posts_created": change["created"]["posts"],
        "posts_externally_funded": change["externally_funded"]["posts"],
        "fy": year,
        "in_year_saving": money_text(in_year),
        "people_at_risk": need["proposed_redundancies"],
        "consultation_days": need["minimum_days"],
        "hr1_required": need["hr1_required"],
        "savings": change,
    }
