"""Recruitment rules: decide(command, scene) -> events, or a refusal with its reason (pure).

An appointment needs a post that exists on the start date with room for its FTE then and on
every later day (job shares: the holders' FTEs sum to at most the post's; without an FTE it takes
what is vacant on the start date), is not frozen, is not ring-fenced for someone at risk, and
satisfies the tenant's vacancy control (`approvals.py`). An import of someone already in post
(`existing`) is a record of fact, not a recruitment: freezes, ring-fences and vacancy control do
not apply to it. A post deleted while held puts each of its holders at risk from the deletion
date, however the facts arrive: the deletion after the appointment, or a back-dated appointment
after the deletion. A redeployment trial takes the at-risk contract's FTE into the new post.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from uuid import NAMESPACE_URL, uuid5

from contracts import recruitment as rc
from contracts.costing import grade_on
from contracts.decisions import DomainError, EventDraft
from contracts.rejections import Reason
from readmodels.workforce import CONTRACT, FREEZE, POST, TRIAL
from services.recruitment.approvals import appointment_basis
from services.recruitment.capacity import NONE, check_room, occupancy, post_fte
from services.recruitment.grade_ladder import suitable
from services.recruitment.person_identity import recorded_as

if TYPE_CHECKING:
    from contracts.envelope import Message
    from readmodels.establishment import PostState
    from readmodels.workforce import AtRisk, Contract
    from services.recruitment.scene import Scene

IDS = uuid5(NAMESPACE_URL, "urn:estab:recruitment")


def contract_id(post_id: str, person_ref: str, start: str) -> str:
    """The id of a person's contract on a post from a date (the same on every retry)."""
    return str(uuid5(IDS, f"contract|{post_id}|{person_ref}|{start}"))


class Drafts:
    """Events decided for one command, each versioned after those before it in the batch."""

    def __init__(self, scene: Scene) -> None:
        self.scene = scene
        self.events: list[EventDraft] = []
        self.seen: dict[tuple[str, str], int] = {}

    def add(self, aggregate: tuple[str, str], effective: str, event: Message) -> None:
        """Record `event` on `aggregate` from `effective`."""
        version = self.seen.get(aggregate, self.scene.workforce.version(*aggregate))
        self.seen[aggregate] = version + 1
        payload: dict[str, Any] = event.model_dump(mode="json")
        self.events.append(
            EventDraft(
                type(event).__name__, aggregate[0], aggregate[1], effective, payload, version
            )
        )


def _post(scene: Scene, post_id: str, day: str) -> PostState:
    post = scene.post(post_id, day)
    if post is not None:
        return post
    if scene.establishment.created_on(post_id) is None:
        raise DomainError(Reason.NOT_FOUND, f"post {post_id!r} does not exist")
    deleted = scene.establishment.deleted_on(post_id)
    when = f"is deleted from {deleted}" if deleted and deleted <= day else "does not exist yet"
    raise DomainError(Reason.TIMELINE_CONFLICT, f"post {post_id!r} {when} on {day}")


def _not_frozen(scene: Scene, post_id: str, day: str, what: str) -> None:
    freeze = scene.freeze_on(post_id, day)
    if freeze is not None:
        scope = f"post {freeze.post_id}" if freeze.post_id else f"org unit {freeze.org_unit_id}"
        raise DomainError(
            Reason.VACANCY_FROZEN,
            f"{what} blocked: vacancy freeze {freeze.freeze_id} on {scope} from {freeze.start} "
            f"(decided by {freeze.decided_by or 'unrecorded'}, ref {freeze.reference or '-'})",
        )


def _not_ring_fenced(scene: Scene, post_id: str, person_ref: str, day: str, grade: str) -> None:
    """Refuse a post that is a suitable alternative for some at-risk contract, to anyone else."""
    records = scene.at_risk_on(day)
    if not records or any(record.person_ref == person_ref for record in records):
        return
    held = occupancy(scene, post_id, day)
    vacant = held.vacant_fte if held else NONE
    ranks = scene.ranks(day)
    for record in records:
        grade_held = scene.held_grade(record)
        fte = Decimal(scene.workforce.contracts[record.contract_id].fte)
        if grade_held is not None and suitable(ranks, grade_held, grade) and fte <= vacant:
            raise DomainError(
                Reason.RING_FENCED,
                f"post {post_id!r} ({grade}) is a suitable alternative for staff at risk "
                f"(e.g. {record.person_ref}, {grade_held}); offer it to them first",
            )


def _check_point(scene: Scene, grade: str, scp: int | None, day: str) -> None:
    definition = grade_on(scene.pay, grade, day)
    if scp is None or definition is None or definition.scp_min is None:
        return
    assert definition.scp_max is not None
    if not definition.scp_min <= scp <= definition.scp_max:
        raise DomainError(
            Reason.INVALID,
            f"point {scp} is outside {grade} ({definition.scp_min}-{definition.scp_max}) on {day}",
        )


def _appointed_fte(scene: Scene, command: rc.AppointPostholder, post: PostState) -> Decimal:
    """The FTE asked for (at most the post's), or whatever of the post is vacant on the start."""
    start = command.start_date.isoformat()
    if command.fte is not None:
        if command.fte > post_fte(post):
            detail = f"FTE {command.fte} is above the post's {post.fte}"
            raise DomainError(Reason.INVALID, detail)
        return command.fte
    held = occupancy(scene, command.post_id, start)
    if held is None or held.vacant_fte <= NONE:
        raise DomainError(
            Reason.POST_FILLED,
            f"post {command.post_id!r} has no vacant FTE on {start}"
            + (f": held by {held.holders_text()}" if held else ""),
        )
    return held.vacant_fte


def _appoint(command: rc.AppointPostholder, drafts: Drafts, sealed: str | None) -> None:
    scene = drafts.scene
    start = command.start_date.isoformat()
    post = _post(scene, command.post_id, start)
    fte = _appointed_fte(scene, command, post)
    check_room(scene, command.post_id, command.person_ref, start, fte)
    if not command.existing:
        _not_frozen(scene, command.post_id, start, "appointment")
        _not_ring_fenced(scene, command.post_id, command.person_ref, start, post.grade)
    basis = appointment_basis(scene, command, command.post_id)
    _check_point(scene, post.grade, command.scp, start)
    key = contract_id(command.post_id, command.person_ref, start)
    appointed = rc.PostholderAppointed(
        contract_id=key,
        post_id=command.post_id,
        person_ref=command.person_ref,
        person_ref_sealed=sealed,
        scp=command.scp,
        fte=fte,
        approval=basis.approval,
        unapproved=basis.unapproved,
        existing=command.existing,
    )
    drafts.add((CONTRACT, key), start, appointed)
    deleted = scene.deleted_on(command.post_id)
    if deleted is not None:
        at_risk = rc.StaffPlacedAtRisk(
            contract_id=key, post_id=command.post_id, person_ref=command.person_ref
        )
        drafts.add((CONTRACT, key), deleted, at_risk)


def _current_contract(scene: Scene, post_id: str, person_ref: str, day: str) -> Contract:
    held = [c for c in scene.workforce.contracts_of_post(post_id) if c.person_ref == person_ref]
    if not held:
        raise DomainError(Reason.NOT_FOUND, f"{person_ref} has never held post {post_id!r}")
    for contract in held:
        if contract.end is None and contract.start <= day:
            return contract
    raise DomainError(
        Reason.TIMELINE_CONFLICT,
        f"{person_ref} holds post {post_id!r} on no open contract that started by {day}",
    )


def _leave(command: rc.RecordLeaver, drafts: Drafts) -> None:
    end = command.end_date.isoformat()
    contract = _current_contract(drafts.scene, command.post_id, command.person_ref, end)
    left = rc.PostholderLeft(
        contract_id=contract.contract_id,
        post_id=command.post_id,
        person_ref=command.person_ref,
        reason=command.reason,
    )
    drafts.add((CONTRACT, contract.contract_id), end, left)


def _approve(command: rc.ApproveRecruitment, drafts: Drafts) -> None:
    day = command.effective_date.isoformat()
    _post(drafts.scene, command.post_id, day)
    _not_frozen(drafts.scene, command.post_id, day, "approval to recruit")
    approved = rc.RecruitmentApproved(
        post_id=command.post_id, decided_by=command.decided_by, reference=command.reference
    )
    drafts.add((POST, command.post_id), day, approved)


def _freeze(command: rc.FreezeVacancies, drafts: Drafts) -> None:
    scene = drafts.scene
    day = command.effective_date.isoformat()
    if command.post_id is not None:
        _post(scene, command.post_id, day)
    elif command.org_unit_id not in scene.establishment.units:
        raise DomainError(Reason.NOT_FOUND, f"org unit {command.org_unit_id!r} does not exist")
    freeze_id = command.freeze_id or str(
        uuid5(
            IDS, f"freeze|{command.command_id or ''}|{command.post_id}|{command.org_unit_id}|{day}"
        )
    )
    if freeze_id in scene.workforce.freezes:
        raise DomainError(Reason.ALREADY_EXISTS, f"freeze {freeze_id!r} already exists")
    imposed = rc.VacancyFreezeImposed(
        freeze_id=freeze_id,
        post_id=command.post_id,
        org_unit_id=command.org_unit_id,
        decided_by=command.decided_by,
        reference=command.reference,
        reason=command.reason,
    )
    drafts.add((FREEZE, freeze_id), day, imposed)


def _lift(command: rc.LiftFreeze, drafts: Drafts) -> None:
    day = command.effective_date.isoformat()
    freeze = drafts.scene.workforce.freezes.get(command.freeze_id)
    if freeze is None:
        raise DomainError(Reason.NOT_FOUND, f"freeze {command.freeze_id!r} does not exist")
    if freeze.lifted_on is not None:
        raise DomainError(Reason.NO_CHANGE, f"freeze {freeze.freeze_id!r} was lifted already")
    if day <= freeze.start:
        raise DomainError(Reason.TIMELINE_CONFLICT, f"the freeze starts on {freeze.start}")
    lifted = rc.VacancyFreezeLifted(
        freeze_id=freeze.freeze_id, decided_by=command.decided_by, reference=command.reference
    )
    drafts.add((FREEZE, freeze.freeze_id), day, lifted)


def _place_at_risk(command: rc.PlaceAtRisk, drafts: Drafts) -> None:
    scene = drafts.scene
    day = command.effective_date.isoformat()
    for contract in scene.workforce.contracts_of_post(command.post_id):
        held_then = contract.start < day and (contract.end is None or contract.end >= day)
        if held_then and contract.contract_id not in scene.workforce.at_risk:
            at_risk = rc.StaffPlacedAtRisk(
                contract_id=contract.contract_id,
                post_id=command.post_id,
                person_ref=contract.person_ref,
                source_event_id=command.source_event_id,
            )
            drafts.add((CONTRACT, contract.contract_id), day, at_risk)


def _record_at_risk(scene: Scene, person_ref: str, post_id: str | None, day: str) -> AtRisk:
    open_records = [
        record
        for record in scene.at_risk_on(day)
        if record.person_ref == person_ref and post_id in {None, record.post_id}
    ]
    if not open_records:
        raise DomainError(Reason.NOT_FOUND, f"{person_ref} is not at risk on {day}")
    return open_records[0]


def _open_trial(scene: Scene, record: AtRisk) -> Contract | None:
    for trial_id in record.trials:
        trial = scene.workforce.contracts[trial_id]
        if trial.kind == TRIAL and trial.end is None:
            return trial
    return None


def _start_trial(command: rc.StartRedeploymentTrial, drafts: Drafts) -> None:
    scene = drafts.scene
    start = command.trial_start.isoformat()
    record = _record_at_risk(scene, command.person_ref, command.from_post_id, start)
    if _open_trial(scene, record) is not None:
        raise DomainError(Reason.TIMELINE_CONFLICT, f"{command.person_ref} is already on trial")
    post = _post(scene, command.to_post_id, start)
    fte = Decimal(scene.workforce.contracts[record.contract_id].fte)
    check_room(scene, command.to_post_id, command.person_ref, start, fte)
    held = scene.held_grade(record)
    if held is None or not suitable(scene.ranks(start), held, post.grade):
        raise DomainError(
            Reason.INVALID,
            f"post {command.to_post_id!r} ({post.grade}) is not a suitable alternative for "
            f"{held}: same grade or one either side by salary, in the same grade family",
        )
    _check_point(scene, post.grade, command.scp, start)
    key = contract_id(command.to_post_id, command.person_ref, start)
    trial_end = command.trial_start + timedelta(days=rc.TRIAL_DAYS - 1)
    started = rc.RedeploymentTrialStarted(
        contract_id=key,
        at_risk_contract_id=record.contract_id,
        person_ref=command.person_ref,
        from_post_id=record.post_id,
        to_post_id=command.to_post_id,
        trial_end=trial_end,
        scp=command.scp,
        fte=fte,
    )
    drafts.add((CONTRACT, record.contract_id), start, started)


def _conclude(command: rc.ConcludeTrial, drafts: Drafts) -> None:
    scene = drafts.scene
    day = command.effective_date.isoformat()
    trials = [
        contract
        for contract in scene.workforce.contracts_of_person(command.person_ref)
        if contract.kind == TRIAL
        and contract.end is None
        and contract.post_id == command.to_post_id
    ]
    if not trials:
        raise DomainError(
            Reason.NOT_FOUND, f"{command.person_ref} is on no trial in {command.to_post_id!r}"
        )
    trial = trials[0]
    if day < trial.start:
        raise DomainError(Reason.TIMELINE_CONFLICT, f"the trial starts on {trial.start}")
    assert trial.at_risk_contract_id is not None
    fields = {
        "contract_id": trial.contract_id,
        "at_risk_contract_id": trial.at_risk_contract_id,
        "person_ref": command.person_ref,
        "to_post_id": command.to_post_id,
    }
    event: Message = (
        rc.StaffRedeployed.model_validate(fields)
        if command.outcome == "redeployed"
        else rc.RedeploymentTrialEnded.model_validate(fields)
    )
    drafts.add((CONTRACT, trial.at_risk_contract_id), day, event)


def _redundant(command: rc.MakeRedundant, drafts: Drafts) -> None:
    scene = drafts.scene
    day = command.effective_date.isoformat()
    record = _record_at_risk(scene, command.person_ref, command.post_id, day)
    if _open_trial(scene, record) is not None:
        raise DomainError(
            Reason.TIMELINE_CONFLICT, f"{command.person_ref} is on a redeployment trial"
        )
    made = rc.StaffMadeRedundant(
        contract_id=record.contract_id, person_ref=command.person_ref, post_id=command.post_id
    )
    drafts.add((CONTRACT, record.contract_id), day, made)


def decide(command: rc.RecruitmentCommand, scene: Scene) -> list[EventDraft]:
    """The events `command` records, checked against everything known so far.

    Raises:
        DomainError: the command contradicts the record.
    """
    ref = getattr(command, "person_ref", None)
    if ref is None:
        return _decide(command, scene, None)
    person, sealed = recorded_as(scene, ref, appointing=isinstance(command, rc.AppointPostholder))
    if person == ref:
        return _decide(command, scene, sealed)
    try:
        return _decide(command.model_copy(update={"person_ref": person}), scene, sealed)
    except DomainError as error:
        raise DomainError(error.reason, error.detail.replace(person, ref)) from error


def _decide(command: rc.RecruitmentCommand, scene: Scene, sealed: str | None) -> list[EventDraft]:
    drafts = Drafts(scene)
    match command:
        case rc.AppointPostholder():
            _appoint(command, drafts, sealed)
        case rc.RecordLeaver():
            _leave(command, drafts)
        case rc.ApproveRecruitment():
            _approve(command, drafts)
        case rc.FreezeVacancies():
            _freeze(command, drafts)
        case rc.LiftFreeze():
            _lift(command, drafts)
        case rc.PlaceAtRisk():
            _place_at_risk(command, drafts)
        case rc.StartRedeploymentTrial():
            _start_trial(command, drafts)
        case rc.ConcludeTrial():
            _conclude(command, drafts)
        case rc.MakeRedundant():
            _redundant(command, drafts)
    return drafts.events
