"""Answers read off the grading catalogue (pure): a spine, a scheme, evaluations, pending posts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from contracts.decisions import DomainError
from contracts.money import money_text
from contracts.rejections import Reason

if TYPE_CHECKING:
    from services.grading.catalogue import Catalogue


def spine_view(catalogue: Catalogue, scheme: str, as_of: str) -> dict[str, Any]:
    """A scheme's point values on `as_of`, and the date they took effect."""
    series = catalogue.spines.get(scheme)
    found = series.at(as_of) if series else None
    if found is None:
        raise DomainError(Reason.NOT_FOUND, f"no {scheme!r} pay spine is in force on {as_of}")
    return {
        "scheme": scheme,
        "as_of": as_of,
        "effective_date": found.effective,
        "points": {str(point): money_text(value) for point, value in found.value.items()},
    }


def scheme_view(catalogue: Catalogue, name: str, as_of: str) -> dict[str, Any]:
    """A job evaluation scheme on `as_of`: points per level of each factor, and score bands."""
    series = catalogue.schemes.get(name)
    found = series.at(as_of) if series else None
    if found is None:
        raise DomainError(Reason.NOT_FOUND, f"no evaluation scheme {name!r} is in force on {as_of}")
    scheme = found.value
    return {
        "scheme": name,
        "as_of": as_of,
        "effective_date": found.effective,
        "factors": {
            factor: {str(level): points for level, points in levels.items()}
            for factor, levels in scheme.factors.items()
        },
        "bands": [
            {"grade": grade, "min_points": low, "max_points": high}
            for low, high, grade in scheme.bands
        ],
        "max_points": sum(max(levels.values()) for levels in scheme.factors.values()),
    }


def evaluations(catalogue: Catalogue, post_id: str | None) -> list[dict[str, Any]]:
    """Every evaluation recorded (for one post, if given), in recorded order."""
    cases = [catalogue.posts[post_id]] if post_id in catalogue.posts else []
    if post_id is None:
        cases = list(catalogue.posts.values())
    found = [evaluation for case in cases for evaluation in case.evaluations]
    return sorted(found, key=lambda evaluation: str(evaluation["recorded_at"]))


def pending_evaluations(catalogue: Catalogue, as_of: str) -> list[dict[str, Any]]:
    """Posts existing on `as_of` whose grade was proposed and not evaluated since, by post id."""
    pending: list[dict[str, Any]] = []
    for post_id in sorted(catalogue.posts):
        case = catalogue.posts[post_id]
        proposal = case.proposed.at(as_of)
        if proposal is None or (case.closed_on is not None and case.closed_on <= as_of):
            continue
        evaluated = any(
            proposal.effective <= evaluation["effective_date"] <= as_of
            for evaluation in case.evaluations
        )
        if not evaluated:
            pending.append(
                {"post_id": post_id, "proposed_grade": proposal.value, "since": proposal.effective}
            )
    return pending
