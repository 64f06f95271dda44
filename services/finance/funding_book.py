"""Finance's own stream folded: funding streams and whether each is over-committed (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

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


@dataclass(slots=True)
class Folded:
    """A folded event, told its stream id once appended."""

    entry_id: str


class FundingBook:
    """Every funding stream of one tenant, as recorded."""

    def __init__(self) -> None:
        self.streams: dict[str, FundingStream] = {}
        self.versions: dict[tuple[str, str], int] = {}
        self.entry_id = "0-0"
        self.recorded_at = ""

    def version(self, aggregate_type: str, aggregate_id: str) -> int:
        """How many events an aggregate has (0: none)."""
        return self.versions.get((aggregate_type, aggregate_id), 0)

    def apply(self, event: dict[str, Any], entry_id: str = "") -> Folded:
        """Fold one finance event in recorded order."""
        self.entry_id = entry_id or self.entry_id
        self.recorded_at = event.get("recorded_at", self.recorded_at)
        self.versions[event["aggregate_type"], event["aggregate_id"]] = event["aggregate_version"]
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
        return Folded(entry_id)


class PublishedCosts:
    """The last cost published on `finance.cost-updates` for each post and financial year."""

    def __init__(self) -> None:
        self.last: dict[tuple[str, int], tuple[Decimal, Decimal]] = {}
        self.versions: dict[tuple[str, str], int] = {}
        self.entry_id = "0-0"
        self.recorded_at = ""

    def version(self, aggregate_type: str, aggregate_id: str) -> int:
        """How many events an aggregate has (0: none)."""
        return self.versions.get((aggregate_type, aggregate_id), 0)

    def apply(self, event: dict[str, Any], entry_id: str = "") -> Folded:
        """Fold one cost update in recorded order."""
        self.entry_id = entry_id or self.entry_id
        self.recorded_at = event.get("recorded_at", self.recorded_at)
        self.versions[event["aggregate_type"], event["aggregate_id"]] = event["aggregate_version"]
        payload: dict[str, Any] = event["payload"]
        self.last[payload["post_id"], int(payload["fy"])] = (
            Decimal(payload["annual_cost_after"]),
            Decimal(payload["in_year_cost_after"]),
        )
        return Folded(entry_id)
