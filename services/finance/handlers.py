"""Establishment's and grading's events, taken up by finance: publish the budget costs they change.

Which posts and years an event re-costs is `services.finance.recost`: a post's own event, that
post; a catalogue event, the posts it prices (a grade's holders, a scheme's grades, director
grades; every post for new on-cost rates), from the year it takes effect to the current one.
`PublishCostChanges` then publishes only the figures that differ from those last published,
naming the event as the cause. Each post event is priced with the post as it stood once that
event was folded, whatever else the follower has read since, so the event named as a figure's
cause is the one that set it, however deliveries are batched; a figure the event's view shares
with the rest of its batch is computed once. A post that cannot be priced on some day
is published with `unpriced` saying why, never as a silent zero. After each batch the funding
streams' headroom is checked.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import orjson

from contracts import finance as fi
from contracts.decisions import DomainError
from contracts.money import PENNY
from contracts.streams import ESTABLISHMENT_EVENTS, FINANCE_REJECTIONS, GRADING_EVENTS
from eventlog.command_log import Submitted
from eventlog.translating import TranslatingHandler
from services.finance.costing import ZERO, Policy, annual_day, in_year, rate
from services.finance.recost import can_recost, posts_to_recost, years_to_recost
from services.finance.unpriced import Unpriced

if TYPE_CHECKING:
    from redis.asyncio import Redis

    from eventlog.subscribers import Delivery
    from services.finance.application import TenantFinance
    from services.finance.books import Books

GROUP = "finance"
"""Finance's consumer group on every stream it reads."""

BUDGET = Policy()


def figure(books: Books, post_id: str, fy: int, today: str) -> fi.CostFigure:
    """A post's budget cost in `fy` as now known: full-year (today's rate) and in-year.

    Days it cannot be priced count nothing, and `unpriced` says why (never a silent zero).
    """
    unpriced = Unpriced()
    spent = sum(in_year(books, post_id, fy, policy=BUDGET, unpriced=unpriced).values(), ZERO)
    day = annual_day(fy, today)
    try:
        annual = rate(books, post_id, day, BUDGET)
    except DomainError as error:
        unpriced.note(post_id, day, error, books.post(post_id, day))
        annual = ZERO
    return fi.CostFigure(
        post_id=post_id,
        fy=fy,
        annual_cost=annual.quantize(PENNY),
        in_year_cost=spent.quantize(PENNY),
        unpriced=unpriced.problem(post_id),
    )


class CostConsumer(TranslatingHandler[fi.PublishCostChanges]):
    """Handles batches from one tenant's establishment or grading events for finance."""

    def __init__(self, finance: TenantFinance, redis: Redis, source: str) -> None:
        super().__init__(
            finance.costs,
            redis,
            source=source,
            rejections=FINANCE_REJECTIONS,
            translate=self.translate_event,
        )
        self.finance = finance
        self.source = source
        self.books: Books | None = None
        self.memo: dict[tuple[str, int], fi.CostFigure] = {}

    def translate_event(
        self, body: dict[str, Any], _entry_id: str
    ) -> Submitted[fi.PublishCostChanges] | None:
        """The figures one event may change (None: it changes no cost)."""
        if not can_recost(body):
            return None
        assert self.books is not None
        kind = str(body.get("type"))
        posts = posts_to_recost(body, self.books.establishment, self.books.pay)
        if posts is None:
            return None
        books = self.as_at(body)
        today = self.finance.clock().date().isoformat()
        years = years_to_recost(str(body["effective_date"]), today)
        figures = []
        for post_id in posts:
            for fy in years:
                if books is not self.books:
                    figures.append(figure(books, post_id, fy, today))
                    continue
                key = (post_id, fy)
                if key not in self.memo:
                    self.memo[key] = figure(books, post_id, fy, today)
                figures.append(self.memo[key])
        command = fi.PublishCostChanges.model_validate(
            {
                "cause_event_id": body.get("event_id"),
                "cause_type": kind,
                "correlation_id": body.get("correlation_id"),
                "effective_date": body.get("effective_date"),
                "figures": figures,
            }
        )
        return Submitted(command, None)

    def as_at(self, body: dict[str, Any]) -> Books:
        """The books as establishment's log stood at this event, for the post it is about.

        The follower may have read past the event being handled (later events of its batch, or
        ones recorded since); pricing the post as it stood at the event is what makes the cause
        named for each figure the event that set it, however the deliveries were batched.
        """
        assert self.books is not None
        if body.get("aggregate_type") != "post" or self.source != ESTABLISHMENT_EVENTS:
            return self.books
        timeline = self.books.establishment.posts.get(str(body.get("aggregate_id")))
        if timeline is None:
            return self.books
        return self.books.with_post(timeline.upto(int(body["sequence"])))

    async def __call__(self, deliveries: list[Delivery]) -> None:
        """Cost the batch against everything now recorded, publish, then check headroom.

        A batch none of whose events can change a cost (grading's evaluation requests, an org
        unit created) is still read, and anything malformed in it rejected, but reads nothing
        else and checks no headroom: nothing it holds can move either.
        """
        costing = any(_may_cost(delivery) for delivery in deliveries)
        self.books = await self.finance.refresh() if costing else None
        self.memo = {}
        await super().__call__(deliveries)
        if costing:
            today = self.finance.clock().date().isoformat()
            await self.finance.check_headroom(f"batch:{deliveries[-1].entry_id}", today)


def _may_cost(delivery: Delivery) -> bool:
    """Whether a delivery can change a cost (one that cannot be read is left to be rejected)."""
    try:
        body = orjson.loads(delivery.body)
    except orjson.JSONDecodeError:
        return False
    return not isinstance(body, dict) or can_recost(body)


def establishment_costs(finance: TenantFinance, redis: Redis) -> CostConsumer:
    """Finance's consumer of `establishment.events`."""
    return CostConsumer(finance, redis, ESTABLISHMENT_EVENTS)


def grading_costs(finance: TenantFinance, redis: Redis) -> CostConsumer:
    """Finance's consumer of `grading.events`."""
    return CostConsumer(finance, redis, GRADING_EVENTS)
