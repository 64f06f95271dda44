"""Answers read off a recruitment scene (pure): vacancies, staff at risk, postholders, control.

A post is vacant to the extent nobody holds it: a 1.0 post held by one 0.5 contract is listed
with 0.5 vacant FTE; a post fully held by a job share is not listed at all.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from contracts.money import fte_text
from readmodels.workforce import days_between
from services.recruitment.approvals import expired_unused, live_approval
from services.recruitment.capacity import NONE, Occupancy, vacant_since
from services.recruitment.grade_ladder import suitable

if TYPE_CHECKING:
    from readmodels.workforce import AtRisk, Contract
    from services.recruitment.grade_ladder import Ranks
    from services.recruitment.scene import Scene


def vacancy(scene: Scene, post_id: str, day: str) -> dict[str, Any] | None:
    """The post on `day` if it is established and some of its FTE is not held."""
    post = scene.post(post_id, day)
    if post is None:
        return None
    held = Occupancy.of(post, scene.holders(post_id, day))
    if held.vacant_fte <= NONE:
        return None
    since = vacant_since(scene, post_id, day)
    freeze = scene.freeze_on(post_id, day)
    approval = live_approval(scene, post_id, day)
    return {
        "post_id": post_id,
        "title": post.title,
        "grade": post.grade,
        "fte": fte_text(held.post_fte),
        "vacant_fte": fte_text(held.vacant_fte),
        "fte_in_post": fte_text(held.fte_in_post),
        "headcount": held.headcount,
        "org_unit_id": post.org_unit_id,
        "vacant_since": since,
        "days_vacant": days_between(since, day),
        "approval": approval.view() if approval else None,
        "freeze": freeze.view() if freeze else None,
        "recruitable": approval is not None and freeze is None,
    }


def vacancies(scene: Scene, day: str, org_unit_id: str | None = None) -> dict[str, Any]:
    """Every vacancy on `day` (under an org unit, if given), with totals, by post id."""
    units = scene.establishment.units_under(org_unit_id, day) if org_unit_id else None
    found = []
    for post_id in sorted(scene.establishment.posts):
        item = vacancy(scene, post_id, day)
        if item is not None and (units is None or item["org_unit_id"] in units):
            found.append(item)
    fte = sum((Decimal(item["fte"]) for item in found), NONE)
    vacant = sum((Decimal(item["vacant_fte"]) for item in found), NONE)
    return {
        "as_of": day,
        "vacancies": found,
        "totals": {"posts": len(found), "fte": fte_text(fte), "vacant_fte": fte_text(vacant)},
    }


OpenPosts = dict[str, list[tuple[Decimal, dict[str, Any]]]]
"""Vacancies by grade, each with its vacant FTE: a grade's suitability is decided once."""


def _alternatives(
    scene: Scene, record: AtRisk, ranks: Ranks, open_posts: OpenPosts
) -> list[dict[str, Any]]:
    """Vacancies of a suitable grade with room for the at-risk contract's FTE (a trial takes it)."""
    held = scene.held_grade(record)
    if held is None:
        return []
    fte = Decimal(scene.workforce.contracts[record.contract_id].fte)
    found = [
        item
        for grade, items in open_posts.items()
        if suitable(ranks, held, grade)
        for vacant, item in items
        if vacant >= fte and item["post_id"] != record.post_id
    ]
    return [{**item, "ring_fenced": True} for item in sorted(found, key=lambda i: i["post_id"])]


def _by_grade(scene: Scene, day: str) -> OpenPosts:
    grouped: OpenPosts = {}
    for item in vacancies(scene, day)["vacancies"]:
        grouped.setdefault(item["grade"], []).append((Decimal(item["vacant_fte"]), item))
    return grouped


def at_risk(scene: Scene, day: str) -> dict[str, Any]:
    """People at risk on `day`, each with the posts at risk and suitable alternative vacancies."""
    records = scene.at_risk_on(day)
    open_posts = _by_grade(scene, day) if records else {}
    people: dict[str, dict[str, Any]] = {}
    ladders: dict[str, Ranks] = {}
    for record in sorted(records, key=lambda item: (item.person_ref, item.post_id)):
        contract = scene.workforce.contracts[record.contract_id]
        trial = _trial(scene, record)
        on = max(day, record.since)
        ranks = ladders.get(on) or ladders.setdefault(on, scene.ranks(on))
        entry = people.setdefault(record.person_ref, {"person_ref": record.person_ref, "posts": []})
        entry["posts"].append(
            {
                "post_id": record.post_id,
                "grade": scene.held_grade(record),
                "contract_id": record.contract_id,
                "fte": fte_text(Decimal(contract.fte)),
                "at_risk_since": record.since,
                "trial": trial,
                "alternatives": _alternatives(scene, record, ranks, open_posts),
            }
        )
    listed = list(people.values())
    return {
        "as_of": day,
        "people": listed,
        "totals": {"people": len(listed), "posts": len(records)},
    }


def _trial(scene: Scene, record: AtRisk) -> dict[str, Any] | None:
    for trial_id in reversed(record.trials):
        trial = scene.workforce.contracts[trial_id]
        return {"post_id": trial.post_id, "start": trial.start, "end": trial.end or trial.trial_end}
    return None


def contract_view(scene: Scene, contract: Contract) -> dict[str, Any]:
    """A contract as the API shows it."""
    deleted = scene.deleted_on(contract.post_id)
    return {
        "contract_id": contract.contract_id,
        "person_ref": contract.person_ref,
        "post_id": contract.post_id,
        "start_date": contract.start,
        "last_day": contract.last_day(deleted),
        "fte": fte_text(Decimal(contract.fte)),
        "scp": contract.scp,
        "kind": contract.kind,
        "approved_on": contract.approved_on,
        "unapproved": contract.unapproved,
        "existing": contract.existing,
    }


def postholders(
    scene: Scene, day: str, person_ref: str | None = None, post_id: str | None = None
) -> list[dict[str, Any]]:
    """Contracts in force on `day`, for one person or post if given."""
    contracts = (
        scene.workforce.contracts_of_person(person_ref)
        if person_ref
        else scene.workforce.contracts_of_post(post_id)
        if post_id
        else list(scene.workforce.contracts.values())
    )
    return [
        contract_view(scene, contract)
        for contract in contracts
        if contract.covers(day, scene.deleted_on(contract.post_id))
    ]


def roster(
    scene: Scene, day: str, person_ref: str | None = None, post_id: str | None = None
) -> dict[str, Any]:
    """`postholders` with totals: contracts, headcount (distinct people) and FTE in post."""
    contracts = postholders(scene, day, person_ref, post_id)
    fte = sum((Decimal(contract["fte"]) for contract in contracts), NONE)
    return {
        "as_of": day,
        "contracts": contracts,
        "totals": {
            "contracts": len(contracts),
            "headcount": len({contract["person_ref"] for contract in contracts}),
            "fte_in_post": fte_text(fte),
        },
    }


def vacancy_control(scene: Scene, start: str, end: str) -> dict[str, Any]:
    """A period's exceptions to vacancy control.

    Appointments starting in [start, end] made without a live approval, and approvals whose
    expiry falls in it with no appointment relying on them.
    """
    unapproved = [
        contract_view(scene, contract)
        for contract in sorted(
            scene.workforce.contracts.values(), key=lambda item: (item.start, item.post_id)
        )
        if contract.unapproved and start <= contract.start <= end
    ]
    expired = expired_unused(scene, start, end)
    return {
        "from": start,
        "to": end,
        "vacancy_control": scene.policy.vacancy_control,
        "approval_months": scene.policy.approval_months,
        "unapproved_appointments": unapproved,
        "expired_approvals": expired,
        "totals": {"unapproved_appointments": len(unapproved), "expired_approvals": len(expired)},
    }
