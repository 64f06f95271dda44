"""Answers read off a projection: a post, the structure, the org tree and a diff (pure).

Every answer is for one effective date (`as_of`); which events count (`known_at`) was settled
when the projection was folded. FTE is shown to 4 decimal places, totals summed from the exact
stored values first.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from contracts.money import fte_text

if TYPE_CHECKING:
    from contracts.staffing_view import StaffingView
    from services.establishment.projections import Projection
    from services.establishment.timeline import State, Timeline


class UnknownOrgUnitError(LookupError):
    """An org unit that does not exist on the date asked."""


def post_view(timeline: Timeline, state: State) -> dict[str, Any]:
    """A post as API.md shows it."""
    return {
        "post_id": timeline.aggregate_id,
        "title": state["title"],
        "grade": state["grade"],
        "fte": fte_text(Decimal(state["fte"])),
        "org_unit_id": state["org_unit_id"],
        "reports_to": state["reports_to"],
        "funding": state["funding"],
        "budgeted_annual_cost": state["budgeted_annual_cost"],
        "job_evaluation": state["job_evaluation"],
        "version": timeline.version,
    }


def find_post(projection: Projection, post_id: str, as_of: str) -> dict[str, Any] | None:
    """One post on `as_of`, or None if it does not exist in this view."""
    timeline = projection.posts.get(post_id)
    state = timeline.at(as_of) if timeline else None
    return post_view(timeline, state) if timeline and state else None


def org_units(projection: Projection, as_of: str) -> list[dict[str, Any]]:
    """Org units in existence on `as_of`, in id order."""
    found = [state for unit in projection.units.values() if (state := unit.at(as_of))]
    return sorted(found, key=lambda unit: str(unit["org_unit_id"]))


def unit_scope(projection: Projection, as_of: str, org_unit_id: str) -> set[str]:
    """`org_unit_id` and every unit below it on `as_of`.

    Raises:
        UnknownOrgUnitError: the unit does not exist on `as_of`.
    """
    units = org_units(projection, as_of)
    if not any(unit["org_unit_id"] == org_unit_id for unit in units):
        raise UnknownOrgUnitError(f"org unit {org_unit_id!r} does not exist on {as_of}")
    children: dict[str, list[str]] = {}
    for unit in units:
        if unit["parent_id"] is not None:
            children.setdefault(unit["parent_id"], []).append(unit["org_unit_id"])
    scope = {org_unit_id}
    frontier = [org_unit_id]
    while frontier:
        for child in children.get(frontier.pop(), []):
            if child not in scope:
                scope.add(child)
                frontier.append(child)
    return scope


def posts_on(projection: Projection, as_of: str) -> dict[str, dict[str, Any]]:
    """Every post in existence on `as_of`, by id."""
    found: dict[str, dict[str, Any]] = {}
    for post_id, timeline in projection.posts.items():
        state = timeline.at(as_of)
        if state is not None:
            found[post_id] = post_view(timeline, state)
    return found


def totals(posts: list[dict[str, Any]], projection: Projection, as_of: str) -> dict[str, Any]:
    """Post count and FTE total, summed from the exact FTE before rounding to 4 places."""
    exact = Decimal(0)
    for post in posts:
        state = projection.posts[post["post_id"]].at(as_of)
        exact += Decimal(state["fte"]) if state else Decimal(0)
    return {"posts": len(posts), "fte": fte_text(exact)}


def _in_post(staffing: StaffingView, post_id: str, as_of: str) -> tuple[Decimal, set[str]]:
    """The FTE held on a post on `as_of` and who holds it (several people in a job share)."""
    fte, people = Decimal(0), set()
    for holding in staffing.by_post.get(post_id, ()):
        if holding.start <= as_of and (holding.end is None or as_of <= holding.end):
            fte += Decimal(holding.fte)
            people.add(holding.person_ref)
    return fte, people


def _staffed(
    listed: list[dict[str, Any]], projection: Projection, staffing: StaffingView, as_of: str
) -> dict[str, Any]:
    """Each post's holders (FTE in post, headcount, vacant FTE) and the structure's totals."""
    held, vacant, people = Decimal(0), Decimal(0), set()
    for post in listed:
        fte, holders = _in_post(staffing, post["post_id"], as_of)
        state = projection.posts[post["post_id"]].at(as_of)
        unfilled = max(Decimal(0), Decimal(state["fte"]) - fte) if state else Decimal(0)
        post |= {
            "fte_in_post": fte_text(fte),
            "headcount": len(holders),
            "vacant_fte": fte_text(unfilled),
        }
        held, vacant = held + fte, vacant + unfilled
        people |= holders
    return {"fte_in_post": fte_text(held), "headcount": len(people), "vacant_fte": fte_text(vacant)}


def structure(
    projection: Projection, as_of: str, org_unit_id: str | None, staffing: StaffingView
) -> dict[str, Any]:
    """The posts on `as_of` (under `org_unit_id` and its sub-units, if given), with totals.

    Recruitment's `staffing` says who is in post: each post and the totals carry FTE in post,
    headcount (distinct people: a job share counts each sharer, a person with two posts once)
    and vacant FTE.
    """
    posts = posts_on(projection, as_of)
    if org_unit_id is not None:
        scope = unit_scope(projection, as_of, org_unit_id)
        posts = {key: post for key, post in posts.items() if post["org_unit_id"] in scope}
    listed = sorted(posts.values(), key=lambda post: (post["org_unit_id"], post["post_id"]))
    summary = totals(listed, projection, as_of) | _staffed(listed, projection, staffing, as_of)
    return {"posts": listed, "totals": summary}


def _same(before: dict[str, Any], after: dict[str, Any]) -> bool:
    return all(before[key] == after[key] for key in before if key != "version")


def diff(
    projection: Projection, start: str, end: str, org_unit_id: str | None = None
) -> dict[str, Any]:
    """What changed between two effective dates.

    With `org_unit_id`, posts that moved across the unit's boundary are listed as transferred
    in or out rather than as created or deleted.
    """
    before = posts_on(projection, start)
    after = posts_on(projection, end)
    scope_before = unit_scope(projection, start, org_unit_id) if org_unit_id else None
    scope_after = unit_scope(projection, end, org_unit_id) if org_unit_id else None

    def inside(post: dict[str, Any] | None, scope: set[str] | None) -> bool:
        return post is not None and (scope is None or post["org_unit_id"] in scope)

    result: dict[str, list[Any]] = {
        "created": [],
        "deleted": [],
        "changed": [],
        "transferred_in": [],
        "transferred_out": [],
    }
    for post_id in sorted(before.keys() | after.keys()):
        old, new = before.get(post_id), after.get(post_id)
        was_in, is_in = inside(old, scope_before), inside(new, scope_after)
        if old is None and is_in:
            result["created"].append(new)
        elif new is None and was_in:
            result["deleted"].append(old)
        elif old is not None and new is not None:
            if not was_in and is_in:
                result["transferred_in"].append({"post_id": post_id, "before": old, "after": new})
            elif was_in and not is_in:
                result["transferred_out"].append({"post_id": post_id, "before": old, "after": new})
            elif was_in and is_in and not _same(old, new):
                result["changed"].append({"post_id": post_id, "before": old, "after": new})
    return result
