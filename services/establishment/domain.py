"""Establishment rules: decide(command, projection) -> events, or a refusal with its reason (pure).

A command is checked against the whole timeline of what it touches, not just the latest state:
a change effective before a post was created, or on or after its deletion, contradicts the
timeline; a reporting line must point at a post that exists for as long as the line holds and
must not close a loop on any date it is in force; a post cannot be deleted while others still
report to it; a post's grade must be one grading's catalogue defines on the date. Decisions
always use everything recorded so far (`known_at` = now).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from contracts import establishment as est
from contracts.decisions import DomainError, EventDraft
from contracts.rejections import Reason
from readmodels.establishment import ORG_UNIT, POST, Establishment
from services.establishment.grades import catalogue_grade
from services.establishment.reporting import NEVER, check_manager, deleted_on, line_ends

if TYPE_CHECKING:
    from datetime import date
    from decimal import Decimal

    from contracts.envelope import Message
    from contracts.pay_catalogue import PayCatalogue
    from readmodels.establishment import Funding, PostState
    from readmodels.timeline import Timeline


def _payload(model: Message) -> dict[str, Any]:
    dumped: dict[str, Any] = model.model_dump(mode="json")
    return dumped


def _iso(day: date) -> str:
    return day.isoformat()


def _post(projection: Establishment, post_id: str) -> Timeline[PostState]:
    timeline = projection.posts.get(post_id)
    if timeline is None or timeline.first("PostCreated") is None:
        raise DomainError(Reason.NOT_FOUND, f"post {post_id!r} does not exist")
    return timeline


def _check_version(timeline: Timeline[PostState], expected: int | None) -> None:
    if expected is not None and expected != timeline.version:
        raise DomainError(
            Reason.VERSION_CONFLICT,
            f"{timeline.aggregate_id!r} is at version {timeline.version}, not {expected}",
        )


def _live_state(timeline: Timeline[PostState], effective: str) -> PostState:
    """The post's state on `effective`, refusing dates outside its life."""
    created = timeline.first("PostCreated")
    assert created is not None
    if effective < created.effective:
        raise DomainError(
            Reason.TIMELINE_CONFLICT,
            f"post {timeline.aggregate_id!r} is created on {created.effective}; "
            f"a change effective {effective} comes before it",
        )
    deleted = deleted_on(timeline)
    if deleted is not None and effective >= deleted:
        raise DomainError(
            Reason.TIMELINE_CONFLICT,
            f"post {timeline.aggregate_id!r} is deleted from {deleted}; "
            f"a change effective {effective} comes on or after it",
        )
    state = timeline.at(effective)
    assert state is not None
    return state


def _check_unit(projection: Establishment, org_unit_id: str, effective: str) -> None:
    unit = projection.units.get(org_unit_id)
    if unit is None or unit.first("OrgUnitCreated") is None:
        raise DomainError(Reason.NOT_FOUND, f"org unit {org_unit_id!r} does not exist")
    if unit.at(effective) is None:
        created = unit.first("OrgUnitCreated")
        since = created.effective if created else "?"
        raise DomainError(
            Reason.TIMELINE_CONFLICT,
            f"org unit {org_unit_id!r} exists only from {since}, not on {effective}",
        )


def _same_cost(stored: Decimal | None, given: Decimal | None) -> bool:
    return given is None or (stored is not None and stored == given)


def _same_funding(held: tuple[Funding, ...], given: tuple[est.FundingShare, ...]) -> bool:
    return {(item.source_id, item.share) for item in held} == {
        (item.source_id, item.share) for item in given
    }


def _new_post(
    command: est.CreatePost, projection: Establishment, catalogue: PayCatalogue
) -> list[EventDraft]:
    post_id = command.post_id
    assert post_id is not None
    effective = _iso(command.effective_date)
    if post_id in projection.posts:
        raise DomainError(Reason.ALREADY_EXISTS, f"post {post_id!r} already exists")
    grade = catalogue_grade(catalogue, command.grade, effective)
    _check_unit(projection, command.org_unit_id, effective)
    if command.reports_to is not None:
        check_manager(projection, post_id, command.reports_to, effective, NEVER)
    payload = _payload(
        est.PostCreated(
            post_id=post_id,
            title=command.title,
            grade=grade,
            fte=command.fte,
            org_unit_id=command.org_unit_id,
            reports_to=command.reports_to,
            funding=command.funding,
            budgeted_annual_cost=command.budgeted_annual_cost,
        )
    )
    return [EventDraft("PostCreated", POST, post_id, effective, payload, 0)]


def _new_unit(command: est.CreateOrgUnit, projection: Establishment) -> list[EventDraft]:
    effective = _iso(command.effective_date)
    if command.org_unit_id in projection.units:
        raise DomainError(Reason.ALREADY_EXISTS, f"org unit {command.org_unit_id!r} already exists")
    if command.parent_id is not None:
        _check_unit(projection, command.parent_id, effective)
    payload = _payload(
        est.OrgUnitCreated(
            org_unit_id=command.org_unit_id, name=command.name, parent_id=command.parent_id
        )
    )
    return [EventDraft("OrgUnitCreated", ORG_UNIT, command.org_unit_id, effective, payload, 0)]


def _check_deletion(
    projection: Establishment, timeline: Timeline[PostState], effective: str
) -> None:
    later = [change for change in timeline.changes if change.effective > effective]
    if later:
        raise DomainError(
            Reason.TIMELINE_CONFLICT,
            f"post {timeline.aggregate_id!r} has a {later[0].type} effective "
            f"{later[0].effective}, after the deletion date {effective}",
        )
    post_id = timeline.aggregate_id
    for other_id in sorted(projection.reports_to_refs.get(post_id, ())):
        other = projection.posts[other_id]
        for index, change in enumerate(other.changes):
            state = other.states[index]
            holds_until = (
                other.changes[index + 1].effective if index + 1 < len(other.changes) else NEVER
            )
            if state and state.reports_to == post_id and holds_until > effective:
                raise DomainError(
                    Reason.TIMELINE_CONFLICT,
                    f"post {other_id!r} reports to {post_id!r} on or after {effective} "
                    f"(from {change.effective}); move its reporting line first",
                )


def _redesignation(command: est.RedesignatePost, state: PostState) -> Message:
    regraded = command.grade is not None and command.grade != state.grade
    cleared = (
        regraded and command.budgeted_annual_cost is None and state.budgeted_annual_cost is not None
    )
    unchanged = (
        command.title in {None, state.title}
        and command.grade in {None, state.grade}
        and _same_cost(state.budgeted_annual_cost, command.budgeted_annual_cost)
    )
    if unchanged and not cleared:
        raise DomainError(Reason.NO_CHANGE, "the post already has that title, grade and cost")
    return est.PostRedesignated(
        post_id=command.post_id,
        title=command.title,
        grade=command.grade,
        budgeted_annual_cost=command.budgeted_annual_cost,
        budgeted_annual_cost_cleared=cleared,
    )


def _fte_change(command: est.ChangePostFTE, state: PostState) -> Message:
    if state.fte == command.fte:
        raise DomainError(Reason.NO_CHANGE, f"the post's FTE is already {state.fte}")
    return est.PostFTEChanged(post_id=command.post_id, fte=command.fte)


def _funding_change(command: est.ChangePostFunding, state: PostState) -> Message:
    if _same_funding(state.funding, command.funding):
        raise DomainError(Reason.NO_CHANGE, "the post already has that funding")
    return est.PostFundingChanged(post_id=command.post_id, funding=command.funding)


def _transfer(
    command: est.TransferPost, state: PostState, projection: Establishment, effective: str
) -> Message:
    if state.org_unit_id == command.org_unit_id:
        raise DomainError(Reason.NO_CHANGE, f"the post is already in {command.org_unit_id!r}")
    _check_unit(projection, command.org_unit_id, effective)
    return est.PostTransferred(post_id=command.post_id, org_unit_id=command.org_unit_id)


def _reporting_change(
    command: est.ChangeReportingLine,
    state: PostState,
    projection: Establishment,
    timeline: Timeline[PostState],
    effective: str,
) -> Message:
    if state.reports_to == command.reports_to:
        raise DomainError(Reason.NO_CHANGE, "the post already has that reporting line")
    if command.reports_to is not None:
        ends = line_ends(timeline, effective)
        check_manager(projection, command.post_id, command.reports_to, effective, ends)
    return est.ReportingLineChanged(post_id=command.post_id, reports_to=command.reports_to)


def _post_change(
    command: est.PostCommand, projection: Establishment, catalogue: PayCatalogue
) -> list[EventDraft]:
    timeline = _post(projection, command.post_id)
    _check_version(timeline, command.expected_version)
    effective = _iso(command.effective_date)
    state = _live_state(timeline, effective)
    event: Message
    match command:
        case est.RedesignatePost():
            if command.grade is not None:
                grade = catalogue_grade(catalogue, command.grade, effective)
                command = command.model_copy(update={"grade": grade})
            event = _redesignation(command, state)
        case est.ChangePostFTE():
            event = _fte_change(command, state)
        case est.TransferPost():
            event = _transfer(command, state, projection, effective)
        case est.ChangeReportingLine():
            event = _reporting_change(command, state, projection, timeline, effective)
        case est.ChangePostFunding():
            event = _funding_change(command, state)
        case est.DeletePost():
            _check_deletion(projection, timeline, effective)
            event = est.PostDeleted(post_id=command.post_id, reason=command.reason)
    return [
        EventDraft(
            type(event).__name__,
            POST,
            command.post_id,
            effective,
            _payload(event),
            timeline.version,
        )
    ]


def _evaluation(command: est.ApplyJobEvaluation, projection: Establishment) -> list[EventDraft]:
    """Confirm the evaluated grade, re-grading the post first if the evaluation differs."""
    timeline = _post(projection, command.post_id)
    effective = _iso(command.effective_date)
    state = _live_state(timeline, effective)
    events: list[Message] = []
    if state.grade != command.grade:
        regrade = est.RedesignatePost(
            post_id=command.post_id, grade=command.grade, effective_date=command.effective_date
        )
        events.append(_redesignation(regrade, state))
    events.append(
        est.PostGradeConfirmed(
            post_id=command.post_id,
            grade=command.grade,
            total_points=command.total_points,
            evaluation_event_id=command.evaluation_event_id,
        )
    )
    return [
        EventDraft(type(event).__name__, POST, command.post_id, effective, _payload(event), version)
        for version, event in enumerate(events, start=timeline.version)
    ]


def _retraction(command: est.RetractEvent, projection: Establishment) -> list[EventDraft]:
    located = projection.located.get(command.event_id)
    if located is None:
        raise DomainError(Reason.NOT_FOUND, f"event {command.event_id!r} does not exist")
    aggregate_type, aggregate_id = located
    timeline = projection.timeline(aggregate_type, aggregate_id)
    assert timeline is not None
    change = timeline.change_of(command.event_id)
    if change is None:
        raise DomainError(
            Reason.NO_CHANGE,
            f"event {command.event_id!r} is a retraction or is already retracted",
        )
    if change.type in {"PostCreated", "OrgUnitCreated"}:
        _check_creation_retractable(projection, timeline, change.type)
    payload = _payload(
        est.EventRetracted(
            retracted_event_id=command.event_id,
            retracted_type=change.type,
            reason=command.reason,
        )
    )
    return [
        EventDraft(
            "EventRetracted",
            aggregate_type,
            aggregate_id,
            change.effective,
            payload,
            timeline.version,
        )
    ]


def _check_creation_retractable(
    projection: Establishment, timeline: Timeline[PostState], kind: str
) -> None:
    """A creation can be cancelled only while nothing else rests on it."""
    aggregate_id = timeline.aggregate_id
    if len(timeline.changes) > 1:
        raise DomainError(
            Reason.TIMELINE_CONFLICT,
            f"{aggregate_id!r} has later changes; retract those before its creation",
        )
    if kind == "PostCreated":
        dependants = sorted(projection.reports_to_refs.get(aggregate_id, ()))
    else:
        dependants = sorted(
            post_id
            for post_id, post in projection.posts.items()
            if any(change.payload.get("org_unit_id") == aggregate_id for change in post.changes)
        ) + sorted(
            unit_id
            for unit_id, unit in projection.units.items()
            if any(change.payload.get("parent_id") == aggregate_id for change in unit.changes)
        )
    if dependants:
        raise DomainError(
            Reason.TIMELINE_CONFLICT,
            f"{aggregate_id!r} is referred to by {', '.join(dependants[:5])}",
        )


def decide(
    command: est.EstablishmentCommand, projection: Establishment, catalogue: PayCatalogue
) -> list[EventDraft]:
    """The events `command` records, checked against everything recorded so far.

    `catalogue` is grading's pay catalogue as now known: a post's grade must be in it.

    Raises:
        DomainError: the command contradicts the recorded establishment or the catalogue.
    """
    match command:
        case est.CreateOrgUnit():
            return _new_unit(command, projection)
        case est.CreatePost():
            return _new_post(command, projection, catalogue)
        case est.RetractEvent():
            return _retraction(command, projection)
        case est.ApplyJobEvaluation():
            return _evaluation(command, projection)
        case _:
            return _post_change(command, projection, catalogue)
