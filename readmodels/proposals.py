"""`establishment.proposals` folded: each proposal's status, commands and decisions (pure).

The one reading of the proposals stream: establishment decides against it and answers from it,
and every service that shows a view with a proposal applied follows the stream with it. Each
event type has one fold function, in `FOLDS`; payloads come through `payload_of` (upcast).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from contracts.upcasting import current_version
from eventlog.folding import FoldPosition
from readmodels.establishment import POST
from readmodels.establishment_overlay import EstablishmentOverlay
from readmodels.reading import payload_of

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from eventlog.folding import Folded
    from readmodels.establishment import Establishment


@dataclass(frozen=True, slots=True)
class ProposalDecision:
    """One decision: submit, approve, reject or withdraw, by whom, when, under what."""

    decision: str
    decided_by: str
    decision_date: str
    reference: str | None
    recorded_at: str


@dataclass(frozen=True, slots=True)
class Proposal:
    """A proposal as recorded: what it would do, from when, and where it stands."""

    proposal_id: str
    title: str
    implementation_date: str
    org_unit_id: str | None
    description: str | None
    drafted_at: str
    status: str = "draft"
    commands: tuple[dict[str, Any], ...] = ()
    events: tuple[tuple[dict[str, Any], ...], ...] = ()
    """For each command, the events it decided when it was added (what followers fold)."""
    decisions: tuple[ProposalDecision, ...] = ()
    version: int = 1


def _drafted(_: Proposal | None, payload: Mapping[str, Any], event: Mapping[str, Any]) -> Proposal:
    return Proposal(
        payload["proposal_id"],
        payload["title"],
        payload["implementation_date"],
        payload.get("org_unit_id"),
        payload.get("description"),
        event["recorded_at"],
    )


def _added(state: Proposal | None, payload: Mapping[str, Any], _: Mapping[str, Any]) -> Proposal:
    assert state is not None
    commands = payload["commands"]
    facts = payload.get("events") or [[] for _ in commands]
    return replace(
        state,
        commands=(*state.commands, *commands),
        events=(*state.events, *(tuple(items) for items in facts)),
    )


def _removed(state: Proposal | None, payload: Mapping[str, Any], _: Mapping[str, Any]) -> Proposal:
    assert state is not None
    index = payload["number"] - 1
    return replace(
        state,
        commands=(*state.commands[:index], *state.commands[index + 1 :]),
        events=(*state.events[:index], *state.events[index + 1 :]),
    )


def _decided(
    state: Proposal | None, payload: Mapping[str, Any], event: Mapping[str, Any]
) -> Proposal:
    assert state is not None
    decision = ProposalDecision(
        payload["decision"],
        payload["decided_by"],
        payload["decision_date"],
        payload.get("reference"),
        event["recorded_at"],
    )
    return replace(state, status=payload["status"], decisions=(*state.decisions, decision))


FOLDS: dict[str, Callable[[Proposal | None, Mapping[str, Any], Mapping[str, Any]], Proposal]] = {
    "ProposalDrafted": _drafted,
    "ProposalCommandsAdded": _added,
    "ProposalCommandRemoved": _removed,
    "ProposalDecided": _decided,
}
"""One fold per event type of the proposals stream."""


class Proposals(FoldPosition):
    """Every proposal of one tenant, as recorded."""

    def __init__(self) -> None:
        super().__init__()
        self.by_id: dict[str, Proposal] = {}

    def apply(self, event: dict[str, Any], entry_id: str = "") -> Folded:
        """Fold one proposals event in recorded order."""
        folded = self.advance(event, entry_id)
        proposal_id: str = event["aggregate_id"]
        state = FOLDS[event["type"]](self.by_id.get(proposal_id), payload_of(event), event)
        self.by_id[proposal_id] = replace(state, version=event["aggregate_version"])
        return folded

    def get(self, proposal_id: str) -> Proposal | None:
        """The proposal, or None if it was never drafted."""
        return self.by_id.get(proposal_id)


def with_proposal(live: Establishment, proposal: Proposal) -> Establishment:
    """`live` overlaid (copied on write) with the events the proposal's commands decided.

    For services that follow the proposals stream: they see the proposal applied without
    establishment's rules. Establishment itself re-decides the commands against the live log
    (`services.establishment.what_if`), which also finds the ones the live log has overtaken.
    """
    view = EstablishmentOverlay(live)
    for number, facts in enumerate(proposal.events, start=1):
        for index, fact in enumerate(facts):
            timelines = view.posts if fact["aggregate_type"] == POST else view.units
            timeline = timelines.get(fact["aggregate_id"])
            view.apply(
                {
                    **fact,
                    "event_id": f"{proposal.proposal_id}:{number}:{index}",
                    "schema_version": current_version(fact["type"]),
                    "aggregate_version": (timeline.version if timeline else 0) + 1,
                    "sequence": view.sequence + 1,
                    "recorded_at": view.recorded_at,
                }
            )
    return view
