"""Recruitment's view with a proposal applied: its posts, and the people it would put at risk.

Establishment's posts come with the events the proposal's commands decided folded onto an
overlay (`readmodels.proposals.with_proposal`); on an overlay of recruitment's own record
(`WorkforceOverlay`), each post the proposal deletes is put through recruitment's own rule, as
the live `PostDeleted` would be (`PlaceAtRisk`), so `/at-risk` and `/vacancies` answer as if
the proposal were recorded.
Nothing is written (pure).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from contracts import recruitment as rc
from readmodels.proposals import with_proposal
from readmodels.workforce_overlay import WorkforceOverlay
from services.recruitment.domain import decide
from services.recruitment.scene import Scene

if TYPE_CHECKING:
    from readmodels.proposals import Proposal


def scene_with(scene: Scene, proposal: Proposal) -> Scene:
    """`scene` as it would be with `proposal`'s commands recorded now."""
    proposed = Scene(
        WorkforceOverlay(scene.workforce),
        with_proposal(scene.establishment, proposal),
        scene.pay,
        scene.policy,
    )
    for number, facts in enumerate(proposal.events, start=1):
        for index, fact in enumerate(facts):
            if fact["type"] != "PostDeleted":
                continue
            command = rc.PlaceAtRisk(
                post_id=fact["aggregate_id"],
                effective_date=date.fromisoformat(fact["effective_date"]),
                source_event_id=f"{proposal.proposal_id}:{number}:{index}",
            )
            for draft in decide(command, proposed):
                proposed.workforce.apply(draft.folded(recorded_at=proposed.workforce.recorded_at))
    return proposed
