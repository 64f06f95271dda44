"""One tenant's finance: its funding log and cost-updates log, following the other three streams.

Every figure is computed from the owners' streams as folded here (establishment's posts, grading's
catalogue, recruitment's postholders) plus finance's own funding streams, for any `known_at`.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import TYPE_CHECKING

from contracts import finance as fi
from contracts.pay_catalogue import PayCatalogueView
from contracts.streams import (
    ESTABLISHMENT_EVENTS,
    ESTABLISHMENT_PROPOSALS,
    FINANCE_COST_UPDATES,
    FINANCE_EVENTS,
    GRADING_EVENTS,
    RECRUITMENT_EVENTS,
)
from eventlog.clock import Clock, system_clock
from eventlog.command_log import CommandLog, Outcome, Submitted
from eventlog.folded_stream import Follower
from readmodels.establishment import Establishment
from readmodels.proposals import Proposals, with_proposal
from readmodels.workforce import Workforce
from services.finance.books import Books
from services.finance.domain import decide_costs, decide_funding
from services.finance.funding import committed
from services.finance.funding_book import FundingBook, PublishedCosts

if TYPE_CHECKING:
    from collections.abc import Sequence

    from redis.asyncio import Redis

    from contracts.decisions import EventDraft
    from readmodels.proposals import Proposal


class CostUpdates(CommandLog[fi.PublishCostChanges, PublishedCosts]):
    """`finance.cost-updates`: what a general ledger has been told, post by post and year."""

    def __init__(self, redis: Redis, tenant: str, clock: Clock = system_clock) -> None:
        super().__init__(redis, tenant, FINANCE_COST_UPDATES, clock)

    def new_projection(self) -> PublishedCosts:
        """Nothing published yet."""
        return PublishedCosts()

    def decide(
        self, command: fi.PublishCostChanges, projection: PublishedCosts
    ) -> Sequence[EventDraft]:
        """Publish what changed."""
        return decide_costs(command, projection)


class TenantFinance(CommandLog[fi.FinanceCommand, FundingBook]):
    """Funding streams of one tenant, and everything finance reads to cost its posts."""

    def __init__(self, redis: Redis, tenant: str, clock: Clock = system_clock) -> None:
        super().__init__(redis, tenant, FINANCE_EVENTS, clock)
        self.costs = CostUpdates(redis, tenant, clock)
        self.establishment = Follower(redis, tenant, ESTABLISHMENT_EVENTS, Establishment, clock)
        self.grading = Follower(redis, tenant, GRADING_EVENTS, PayCatalogueView, clock)
        self.staffing = Follower(redis, tenant, RECRUITMENT_EVENTS, Workforce, clock)
        self.proposals = Follower(redis, tenant, ESTABLISHMENT_PROPOSALS, Proposals, clock)

    def new_projection(self) -> FundingBook:
        """No funding streams yet."""
        return FundingBook()

    def decide(self, command: fi.FinanceCommand, projection: FundingBook) -> Sequence[EventDraft]:
        """Finance's funding rules."""
        return decide_funding(command, projection)

    async def refresh(self) -> Books:
        """Everything recorded so far, in every stream finance reads."""
        return Books(
            await self.establishment.current(),
            await self.grading.current(),
            await self.staffing.current(),
            await self.current(),
        )

    async def books_with(self, proposal_id: str) -> tuple[Proposal, Books] | None:
        """The proposal and everything as known now with it applied (None: no such proposal)."""
        proposal = (await self.proposals.current()).get(proposal_id)
        if proposal is None:
            return None
        books = await self.refresh()
        return proposal, replace(books, establishment=with_proposal(books.establishment, proposal))

    async def books(self, moment: str | None) -> Books:
        """Everything as known at `moment` (None: now)."""
        return Books(
            await self.establishment.known_at(moment),
            await self.grading.known_at(moment),
            await self.staffing.known_at(moment),
            await self.known_at(moment),
        )

    async def check_headroom(self, cause_event_id: str, effective: str) -> list[Outcome]:
        """Record any stream that has gone over (or back within) its amount."""
        if not (await self.current()).streams:
            return []
        books = await self.refresh()
        figures: dict[str, Decimal] = {
            source_id: committed(books, stream).quantize(Decimal("0.01"))
            for source_id, stream in books.funding.streams.items()
        }
        command = fi.CheckFundingHeadroom.model_validate(
            {"committed": figures, "cause_event_id": cause_event_id, "effective_date": effective}
        )
        return await self.execute([Submitted(command, None)])
