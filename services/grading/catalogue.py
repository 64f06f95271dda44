"""The grading stream folded: the grade catalogue and job evaluations, as recorded (pure).

Folds decoded event bodies (validated once, on write) in recorded order. Which events count for a
`known_at` view is settled by which events were folded; which count for an effective date is
settled by each series' `at`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from contracts.pay_catalogue import PayCatalogue
from contracts.series import Dated, Series
from eventlog.folding import Folded, FoldPosition

SCHEME = "evaluation_scheme"
POST = "post"


@dataclass(frozen=True, slots=True)
class EvaluationScheme:
    """Points per level of each factor, and score bands -> grade (sorted by points)."""

    name: str
    factors: dict[str, dict[int, int]]
    bands: tuple[tuple[int, int | None, str], ...]


@dataclass(slots=True)
class PostCase:
    """What grading knows of one post: when it exists, what was proposed, what was evaluated."""

    post_id: str
    proposed: Series[str] = field(default_factory=Series)
    evaluations: list[dict[str, Any]] = field(default_factory=list)
    closed_on: str | None = None


class Catalogue(PayCatalogue, FoldPosition):
    """One tenant's grading facts: the pay catalogue, evaluation schemes, posts and evaluations."""

    def __init__(self) -> None:
        PayCatalogue.__init__(self)
        FoldPosition.__init__(self)
        self.schemes: dict[str, Series[EvaluationScheme]] = {}
        self.posts: dict[str, PostCase] = {}
        self.sequence = 0

    def apply(self, event: dict[str, Any], entry_id: str = "") -> Folded:
        """Fold one stored (or provisional) event in recorded order."""
        folded = self.advance(event, entry_id)
        kind: str = event["type"]
        payload: dict[str, Any] = event["payload"]
        self.sequence = event["sequence"]
        effective: str = event["effective_date"]
        if not self.fold_pay(kind, payload, effective, self.sequence, event["event_id"]):
            self._fold(kind, payload, effective, event)
        return folded

    def _fold(
        self, kind: str, payload: dict[str, Any], effective: str, event: dict[str, Any]
    ) -> None:
        sequence = self.sequence
        event_id: str = event["event_id"]
        if kind == "EvaluationSchemeDefined":
            scheme = EvaluationScheme(
                name=payload["scheme"],
                factors={
                    name: {int(level): int(points) for level, points in factor["levels"].items()}
                    for name, factor in payload["factors"].items()
                },
                bands=tuple(
                    (band["min_points"], band.get("max_points"), band["grade"])
                    for band in payload["bands"]
                ),
            )
            self.schemes.setdefault(scheme.name, Series()).add(
                Dated(effective, sequence, scheme, event_id)
            )
        else:
            self._fold_post(kind, payload, effective, event)

    def _fold_post(
        self, kind: str, payload: dict[str, Any], effective: str, event: dict[str, Any]
    ) -> None:
        case = self.posts.setdefault(payload["post_id"], PostCase(payload["post_id"]))
        if kind == "EvaluationRequested":
            case.proposed.add(
                Dated(effective, self.sequence, payload["proposed_grade"], event["event_id"])
            )
        elif kind == "JobEvaluated":
            case.evaluations.append(
                {
                    "event_id": event["event_id"],
                    "effective_date": effective,
                    "recorded_at": event.get("recorded_at"),
                    **payload,
                }
            )
        elif kind == "PostClosed":
            case.closed_on = effective if case.closed_on is None else min(case.closed_on, effective)
