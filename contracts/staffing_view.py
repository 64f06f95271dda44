"""Recruitment's postholders as its followers read them, folded from `recruitment.events` (pure).

Finance costs filled posts at their holders' points from their actual start dates (the forecast);
establishment counts headcount and FTE in post. Both follow recruitment's stream read-only with
this one reading of it. A post may have several holders at once (a job share). A contract's last
day is its leaving date or the day before its post's deletion, whichever is first.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(slots=True)
class Holding:
    """One person in one post from `start` at point `scp` (None: not stated)."""

    contract_id: str
    post_id: str
    person_ref: str
    start: str
    fte: str
    scp: int | None
    end: str | None = None


class StaffingView:
    """Contracts and approvals to recruit, as far as `recruitment.events` has been read."""

    def __init__(self) -> None:
        self.contracts: dict[str, Holding] = {}
        self.by_post: dict[str, list[Holding]] = {}
        self.approved: dict[str, list[str]] = {}
        self.entry_id = "0-0"
        self.recorded_at = ""

    def apply(self, event: dict[str, Any], entry_id: str = "") -> None:
        """Fold one recruitment event in recorded order."""
        self.entry_id = entry_id or self.entry_id
        self.recorded_at = event.get("recorded_at", self.recorded_at)
        kind: str = event["type"]
        payload: dict[str, Any] = event["payload"]
        effective: str = event["effective_date"]
        if kind in {"PostholderAppointed", "RedeploymentTrialStarted"}:
            post_id = payload.get("post_id") or payload["to_post_id"]
            holding = Holding(
                payload["contract_id"],
                post_id,
                payload["person_ref"],
                effective,
                payload["fte"],
                payload.get("scp"),
            )
            self.contracts[holding.contract_id] = holding
            self.by_post.setdefault(post_id, []).append(holding)
        elif kind in {"PostholderLeft", "RedeploymentTrialEnded"}:
            self.contracts[payload["contract_id"]].end = effective
        elif kind == "RecruitmentApproved":
            self.approved.setdefault(payload["post_id"], []).append(effective)
