"""Answers read off the establishment read model: a post, the org tree and a diff (pure).

Every answer is for one effective date (`as_of`); which events count (`known_at`) was settled
when the model was folded. FTE is shown to 4 decimal places. The structure, which lists every
post, is rendered by `services.establishment.structure`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from contracts.money import fte_text
from readmodels.establishment import funding_view

if TYPE_CHECKING:
    from readmodels.establishment import Establishment, OrgUnitState, PostState
    from readmodels.timeline import Timeline


class UnknownOrgUnitError(LookupError):
    """An org unit that does not exist on the date asked."""


def post_view(timeline: Timeline[PostState], state: PostState) -> dict[str, Any]:
    """A post as API.md shows it."""
    cost = state.budgeted_annual_cost
    return {
        "post_id": timeline.aggregate_id,
        "title": state.title,
        "grade": state.grade,
        "fte": fte_text(state.fte),
        "org_unit_id": state.org_unit_id,
        "reports_to": state.reports_to,
        "funding": funding_view(state.funding),
        "budgeted_annual_cost": None if cost is None else format(cost, "f"),
        "job_evaluation": state.job_evaluation,
        "version": timeline.version,
    }


def find_post(projection: Establishment, post_id: str, as_of: str) -> dict[str, Any] | None:
    """One post on `as_of`, or None if it does not exist in this view."""
    timeline = projection.posts.get(post_id)
    state = timeline.at(as_of) if timeline else None
    return post_view(timeline, state) if timeline and state else None


def unit_view(unit: OrgUnitState) -> dict[str, Any]:
    """An org unit as API.md shows it."""
    return {"org_unit_id": unit.org_unit_id, "name": unit.name, "parent_id": unit.parent_id}


def org_units(projection: Establishment, as_of: str) -> list[dict[str, Any]]:
    """Org units in existence on `as_of`, in id order."""
    return [unit_view(unit) for unit in projection.units_on(as_of)]


def unit_scope(projection: Establishment, as_of: str, org_unit_id: str) -> set[str]:
    """`org_unit_id` and every unit below it on `as_of`.

    Raises:
        UnknownOrgUnitError: the unit does not exist on `as_of`.
    """
    if projection.unit(org_unit_id, as_of) is None:
        raise UnknownOrgUnitError(f"org unit {org_unit_id!r} does not exist on {as_of}")
    return projection.units_under(org_unit_id, as_of)


def posts_on(projection: Establishment, as_of: str) -> dict[str, dict[str, Any]]:
    """Every post in existence on `as_of`, by id."""
    found: dict[str, dict[str, Any]] = {}
    for post_id, timeline in projection.posts.items():
        state = timeline.at(as_of)
        if state is not None:
            found[post_id] = post_view(timeline, state)
    return found


def _same(before: dict[str, Any], after: dict[str, Any]) -> bool:
    return all(before[key] == after[key] for key in before if key != "version")


def diff(
    projection: Establishment, start: str, end: str, org_unit_id: str | None = None
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
