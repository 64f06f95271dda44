"""Collective consultation for a proposal: who it puts at risk and how long to consult (pure).

The rule (reference/PAY_AND_RULES.md, TULRCA s.188): 20 to 99 proposed redundancies at one
establishment within 90 days need consultation at least 30 days before the first dismissal;
100 or more, at least 45 days; from 20, the employer notifies the Secretary of State (HR1)
before consultation starts. Under 20 there is no statutory minimum, but the tenant's own policy
period still applies. People are counted, not contracts: a job-sharer on two deleted posts is
one proposed redundancy. Those already at risk at the same establishment (the tenant, or the
proposal's org unit and everything under it) within the 90 days before the proposal takes
effect count too.

It is a query over two shared read models (recruitment's workforce, establishment's posts), so
recruitment's `GET /consultation` and finance's `GET /proposals/compare` give the same answer.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from readmodels.workforce import day_before

if TYPE_CHECKING:
    from readmodels.establishment import Establishment
    from readmodels.proposals import Proposal
    from readmodels.workforce import Contract, Workforce

WINDOW_DAYS = 90
THRESHOLD = 20
LARGE = 100
MINIMUM_DAYS = 30
LARGE_MINIMUM_DAYS = 45


def consultation(
    workforce: Workforce,
    establishment: Establishment,
    proposal: Proposal,
    start: str,
    policy_days: int = 0,
) -> dict[str, Any]:
    """What consulting on `proposal` requires, if consultation starts on `start`."""
    effective = proposal.implementation_date
    scope = _scope(establishment, proposal.org_unit_id, day_before(effective))
    people: dict[str, dict[str, Any]] = {}
    for facts in proposal.events:
        for fact in facts:
            if fact["type"] != "PostDeleted":
                continue
            post_id, on = fact["aggregate_id"], fact["effective_date"]
            for contract in _holders(workforce, establishment, post_id, day_before(on)):
                _count(people, contract.person_ref, post_id, "proposed", on)
    window_start = (date.fromisoformat(effective) - timedelta(days=WINDOW_DAYS)).isoformat()
    for record in workforce.at_risk.values():
        post = establishment.post(record.post_id, day_before(record.since))
        inside = scope is None or (post is not None and post.org_unit_id in scope)
        if inside and window_start <= record.since <= effective and record.open_on(record.since):
            _count(people, record.person_ref, record.post_id, "already at risk", record.since)
    count = len(people)
    statutory = LARGE_MINIMUM_DAYS if count >= LARGE else MINIMUM_DAYS if count >= THRESHOLD else 0
    minimum = max(statutory, policy_days)
    earliest = (date.fromisoformat(start) + timedelta(days=minimum)).isoformat()
    return {
        "proposal_id": proposal.proposal_id,
        "proposed_redundancies": count,
        "establishment": proposal.org_unit_id or "the whole tenant",
        "window_days": WINDOW_DAYS,
        "threshold": THRESHOLD,
        "statutory_minimum_days": statutory,
        "policy_days": policy_days,
        "minimum_days": minimum,
        "hr1_required": count >= THRESHOLD,
        "consultation_start": start,
        "earliest_dismissal_date": earliest,
        "implementation_date": effective,
        "dismissal_before_implementation": earliest <= effective,
        "people": sorted(people.values(), key=lambda person: person["person_ref"]),
    }


def _holders(
    workforce: Workforce, establishment: Establishment, post_id: str, day: str
) -> list[Contract]:
    """Every contract in force on the post on `day` (on trial or appointed)."""
    deleted = establishment.deleted_on(post_id)
    return [c for c in workforce.contracts_of_post(post_id) if c.covers(day, deleted)]


def _scope(establishment: Establishment, org_unit_id: str | None, day: str) -> set[str] | None:
    """The units counted as the establishment (None: the whole tenant)."""
    return None if org_unit_id is None else establishment.units_under(org_unit_id, day)


def _count(people: dict[str, dict[str, Any]], person: str, post_id: str, why: str, on: str) -> None:
    """Note one person once, with every post and reason that counts them."""
    entry = people.setdefault(person, {"person_ref": person, "posts": []})
    entry["posts"].append({"post_id": post_id, "counted_as": why, "from": on})
