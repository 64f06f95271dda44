"""Reporting lines checked against time (pure).

Who a post reports to must exist for as long as the line holds, and no line may close a loop on
any date it is in force.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from typing import TYPE_CHECKING

from contracts.decisions import DomainError
from contracts.rejections import Reason

if TYPE_CHECKING:
    from readmodels.establishment import Establishment, PostState
    from readmodels.timeline import Timeline

NEVER = "9999-12-31"


def deleted_on(timeline: Timeline[PostState]) -> str | None:
    """The date from which the post is deleted (None: it is not)."""
    deletion = timeline.first("PostDeleted")
    return deletion.effective if deletion else None


def line_ends(timeline: Timeline[PostState] | None, effective: str) -> str:
    """When a line starting on `effective` stops holding (NEVER if it never does).

    That is the post's next change of reporting line, or its deletion.
    """
    if timeline is None:
        return NEVER
    for change in timeline.changes:
        if change.effective > effective and (
            change.type in {"ReportingLineChanged", "PostDeleted"}
        ):
            return change.effective
    return NEVER


def check_manager(
    projection: Establishment, post_id: str, manager_id: str, effective: str, ends: str
) -> None:
    """`manager_id` exists from `effective` until `ends`, and the line closes no loop."""
    if manager_id == post_id:
        raise DomainError(Reason.REPORTING_CYCLE, f"post {post_id!r} cannot report to itself")
    manager = projection.posts.get(manager_id)
    if manager is None or manager.first("PostCreated") is None:
        raise DomainError(Reason.NOT_FOUND, f"manager post {manager_id!r} does not exist")
    if manager.at(effective) is None:
        raise DomainError(
            Reason.TIMELINE_CONFLICT,
            f"manager post {manager_id!r} does not exist on {effective}",
        )
    deleted = deleted_on(manager)
    if deleted is not None and deleted < ends:
        raise DomainError(
            Reason.TIMELINE_CONFLICT,
            f"manager post {manager_id!r} is deleted from {deleted}, "
            f"while {post_id!r} would still report to it",
        )
    known = projection.reporting_dates
    dates = [effective, *known[bisect_right(known, effective) : bisect_left(known, ends)]]
    for day in dates:
        walk_up(projection, post_id, manager_id, day)


def walk_up(projection: Establishment, post_id: str, manager_id: str, day: str) -> None:
    """Follow the line up from `manager_id` on `day`; refuse if it comes back to `post_id`."""
    seen = {post_id}
    chain = [post_id]
    current: str | None = manager_id
    while current is not None:
        chain.append(current)
        if current in seen:
            loop = " -> ".join(chain)
            raise DomainError(
                Reason.REPORTING_CYCLE, f"on {day} the reporting line would loop: {loop}"
            )
        seen.add(current)
        timeline = projection.posts.get(current)
        state = timeline.at(day) if timeline else None
        current = state.reports_to if state else None
