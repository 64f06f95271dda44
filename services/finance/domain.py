"""Finance rules (pure): funding streams and their headroom, and which cost figures to publish.

A cost figure is published only when it differs from the one last published for its post and
year, so re-running a cause (a redelivered event) publishes nothing twice: the cost-updates stream
is itself the record of what a general ledger has been told. Whether a figure could be priced is
part of it: a post that cannot be priced is published with `unpriced` saying why, never as a
silent 0.00, and is published again once it can be.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from contracts import finance as fi
from contracts.decisions import DomainError, EventDraft
from contracts.money import PENNY
from contracts.rejections import Reason
from services.finance.funding_book import NOTHING, POST_COST, STREAM, Published

if TYPE_CHECKING:
    from contracts.envelope import Message
    from services.finance.funding_book import FundingBook, PublishedCosts


def _payload(event: Message) -> dict[str, Any]:
    dumped: dict[str, Any] = event.model_dump(mode="json")
    return dumped


def decide_funding(command: fi.FinanceCommand, book: FundingBook) -> list[EventDraft]:
    """Register a funding stream, or record a change in whether streams are over-committed.

    Raises:
        DomainError: the stream exists already.
    """
    if isinstance(command, fi.RegisterFundingStream):
        if command.source_id in book.streams:
            raise DomainError(
                Reason.ALREADY_EXISTS, f"funding stream {command.source_id!r} already exists"
            )
        event = fi.FundingStreamRegistered.model_validate(
            command.model_dump(include=set(fi.FundingStreamRegistered.model_fields))
        )
        return [
            EventDraft(
                "FundingStreamRegistered",
                STREAM,
                command.source_id,
                command.start_date.isoformat(),
                _payload(event),
                book.version(STREAM, command.source_id),
            )
        ]
    drafts = []
    for source_id, committed in sorted(command.committed.items()):
        stream = book.streams.get(source_id)
        if stream is None or (committed > stream.amount) == stream.breached:
            continue
        over = committed > stream.amount
        kind = fi.FundingHeadroomBreached if over else fi.FundingHeadroomRestored
        change = kind(
            source_id=source_id,
            amount=stream.amount,
            committed=committed,
            cause_event_id=command.cause_event_id,
        )
        drafts.append(
            EventDraft(
                kind.__name__,
                STREAM,
                source_id,
                command.effective_date.isoformat(),
                _payload(change),
                book.version(STREAM, source_id),
            )
        )
    return drafts


def decide_costs(command: fi.PublishCostChanges, published: PublishedCosts) -> list[EventDraft]:
    """A `PostCostChanged` for every figure that differs from the last one published."""
    drafts = []
    for figure in command.figures:
        after = Published(
            figure.annual_cost.quantize(PENNY), figure.in_year_cost.quantize(PENNY), figure.unpriced
        )
        before = published.last.get((figure.post_id, figure.fy), NOTHING)
        if after == before:
            continue
        event = fi.PostCostChanged(
            post_id=figure.post_id,
            fy=figure.fy,
            annual_cost_before=before.annual,
            annual_cost_after=after.annual,
            in_year_cost_before=before.in_year,
            in_year_cost_after=after.in_year,
            cause_event_id=command.cause_event_id,
            cause_type=command.cause_type,
            unpriced=after.unpriced,
        )
        key = f"{figure.post_id}:{figure.fy}"
        drafts.append(
            EventDraft(
                "PostCostChanged",
                POST_COST,
                key,
                command.effective_date.isoformat(),
                _payload(event),
                published.version(POST_COST, key),
            )
        )
    return drafts
