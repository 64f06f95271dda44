"""Finance's own stream folded: funding streams and whether each is over-committed (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from eventlog.folding import FoldPosition

if TYPE_CHECKING:
    from eventlog.folding import Folded

STREAM = "funding_stream"
POST_COST = "post_cost"


@dataclass(slots=True)
class FundingStream:
    """A grant: `amount` over [start, end], `contingent` of it not yet secured."""

    source_id: str
    name: str
    amount: Decimal
    start: str
    end: str
    contingent: Decimal
    breached: bool = False


class FundingBook(FoldPosition):
    """Every funding stream of one tenant, as recorded."""

    def __init__(self) -> None:
        super().__init__()
        self.streams: dict[str, FundingStream] = {}

    def apply(self, event: dict[str, Any], entry_id: str = "") -> Folded:
        """Fold one finance event in recorded order."""
        folded = self.advance(event, entry_id)
        kind: str = event["type"]
        payload: dict[str, Any] = event["payload"]
        if kind == "FundingStreamRegistered":
            self.streams[payload["source_id"]] = FundingStream(
                payload["source_id"],
                payload["name"],
                Decimal(payload["amount"]),
                payload["start_date"],
                payload["end_date"],
                Decimal(payload.get("contingent_amount") or 0),
            )
        elif kind == "FundingHeadroomBreached":
            self.streams[payload["source_id"]].breached = True
        elif kind == "FundingHeadroomRestored":
            self.streams[payload["source_id"]].breached = False
        return folded


@dataclass(frozen=True, slots=True)
class Published:
    """A post's costs for a year as last published, and why they were unpriced (if they were)."""

    annual: Decimal
    in_year: Decimal
    unpriced: str | None = None


NOTHING = Published(Decimal(0), Decimal(0))
"""What a general ledger knows of a post and year before any update."""


class PublishedCosts(FoldPosition):
    """The last cost published on `finance.cost-updates` for each post and financial year."""

    def __init__(self) -> None:
        super().__init__()
        self.last: dict[tuple[str, int], Published] = {}

    def apply(self, event: dict[str, Any], entry_id: str = "") -> Folded:
        """Fold one cost update in recorded order."""
        folded = self.advance(event, entry_id)
        payload: dict[str, Any] = event["payload"]
        self.last[payload["post_id"], int(payload["fy"])] = Published(
            Decimal(payload["annual_cost_after"]),
            Decimal(payload["in_year_cost_after"]),
            payload.get("unpriced"),
        )
        return folded
