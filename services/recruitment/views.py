"""Answers read off a recruitment scene (pure): vacancies, staff at risk, postholders."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from contracts.money import fte_text
from services.recruitment.grade_ladder import suitable
from services.recruitment.workforce import day_after, days_between

if TYPE_CHECKING:
    from services.recruitment.scene import Scene
    from services.recruitment.workforce import AtRisk, Contract


def _vacant_since(scene: Scene, post_id: str, day: str) -> str:
    """The first day of the current vacancy: creation, or the day after the last holder left."""
    line = scene.establishment.posts[post_id]
    since = line.created_on() or day
    deleted = line.deleted_on()
    for contract in scene.workforce.contracts_of_post(post_id):
        last = contract.last_day(deleted)
        if last is not None and last < day and last >= since:
            since = day_after(last)
    return since


def _approval(scene: Scene, post_id: str, day: str) -> dict[str, Any] | None:
    """The latest approval to recruit on `day` given since the post was last filled."""
    last_start = max(
        (c.start for c in scene.workforce.contracts_of_post(post_id) if c.start <= day),
        default="",
    )
    found = [
        approval
        for approval in scene.workforce.approvals.get(post_id, [])
        if last_start < approval["from"] <= day
    ]
    return found[-1] if found else None


def vacancy(scene: Scene, post_id: str, day: str) -> dict[str, Any] | None:
    """The post on `day` if it is established and nobody holds it."""
    post = scene.post(post_id, day)
    if post is None or scene.occupant(post_id, day) is not None:
        return None
    since = _vacant_since(scene, post_id, day)
    freeze = scene.freeze_on(post_id, day)
    approval = _approval(scene, post_id, day)
    return {
        "post_id": post_id,
        "title": post["title"],
        "grade": post["grade"],
        "fte": fte_text(Decimal(post["fte"])),
        "org_unit_id": post["org_unit_id"],
        "vacant_since": since,
        "days_vacant": days_between(since, day),
        "approval": approval,
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
    fte = sum((Decimal(item["fte"]) for item in found), Decimal(0))
    return {
        "as_of": day,
        "vacancies": found,
        "totals": {"posts": len(found), "fte": fte_text(fte)},
    }


def _alternatives(
    scene: Scene, record: AtRisk, ranks: dict[str, int], open_posts: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    held = scene.held_grade(record)
    if held is None:
        return []
    return [
        {**item, "ring_fenced": True}
        for item in open_posts
        if suitable(ranks, held, item["grade"]) and item["post_id"] != record.post_id
    ]


def at_risk(scene: Scene, day: str) -> dict[str, Any]:
    """People at risk on `day`, each with the posts at risk and suitable alternative vacancies."""
    records = scene.at_risk_on(day)
    open_posts = vacancies(scene, day)["vacancies"] if records else []
    people: dict[str, dict[str, Any]] = {}
    ladders: dict[str, dict[str, int]] = {}
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
