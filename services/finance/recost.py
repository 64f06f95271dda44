"""Which posts an event can change the budget cost of, and for which years (pure).

A post's own event re-costs that post. A catalogue event re-costs only the posts it prices: a
grade redefined, the posts that hold or held that grade; a pay scale, the posts on grades of that
scheme; the Director's salary, the posts on director grades; new on-cost rates, every post. Each
is re-costed from the financial year the event takes effect in to the current one. Re-costing a
post the event cannot change would publish nothing, but at 50,000 posts a pay award for one
scheme would still cost every post's ledger; this table keeps the work to what can move.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from contracts.identifiers import grade_key
from readmodels.reading import payload_of
from services.finance.fiscal import fy_of

if TYPE_CHECKING:
    from contracts.pay_catalogue import PayCatalogue
    from readmodels.establishment import Establishment

Recost = Callable[[dict[str, Any], "Establishment", "PayCatalogue"], list[str]]
"""The posts one event (payload) can re-cost, given the establishment and the catalogue."""


def _posts_on(establishment: Establishment, keys: set[str]) -> list[str]:
    """Posts some version of which holds one of the grades `keys` (grade keys), in id order."""
    return sorted(
        post_id
        for post_id, timeline in establishment.posts.items()
        if any(state is not None and grade_key(state.grade) in keys for state in timeline.states)
    )


def _every_post(_: dict[str, Any], establishment: Establishment, __: PayCatalogue) -> list[str]:
    return sorted(establishment.posts)


def _grade(payload: dict[str, Any], establishment: Establishment, _: PayCatalogue) -> list[str]:
    return _posts_on(establishment, {grade_key(payload["grade"])})


def _scheme(payload: dict[str, Any], establishment: Establishment, pay: PayCatalogue) -> list[str]:
    keys = {
        key
        for key, series in pay.grades.items()
        if any(entry.value.scheme == payload["scheme"] for entry in series.entries)
    }
    return _posts_on(establishment, keys)


def _director(_: dict[str, Any], establishment: Establishment, pay: PayCatalogue) -> list[str]:
    keys = {
        key
        for key, series in pay.grades.items()
        if any(entry.value.director_percent is not None for entry in series.entries)
    }
    return _posts_on(establishment, keys)


CATALOGUE_RECOSTS: dict[str, Recost] = {
    "OnCostRatesSet": _every_post,
    "GradeDefined": _grade,
    "PayScalePublished": _scheme,
    "DirectorSalarySet": _director,
}
"""Grading's events that change costs, and the posts each can re-cost."""


def can_recost(event: dict[str, Any]) -> bool:
    """Whether `event` (a stored body) can change a cost: a post's own event or a catalogue one."""
    return event.get("type") in CATALOGUE_RECOSTS or event.get("aggregate_type") == "post"


def posts_to_recost(
    event: dict[str, Any], establishment: Establishment, pay: PayCatalogue
) -> list[str] | None:
    """The posts `event` (a stored body) can change the cost of (None: it changes no cost)."""
    if not can_recost(event):
        return None
    policy = CATALOGUE_RECOSTS.get(str(event.get("type")))
    if policy is not None:
        return policy(payload_of(event), establishment, pay)
    return [str(event["aggregate_id"])]


def years_to_recost(effective_date: str, today: str) -> range:
    """The financial years from the one `effective_date` falls in to the current one."""
    first = fy_of(effective_date)
    return range(first, max(first, fy_of(today)) + 1)
