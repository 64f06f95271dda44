"""Job evaluation (pure): factor levels -> total points -> grade through the scheme's bands."""

from __future__ import annotations

from typing import TYPE_CHECKING

from contracts.decisions import DomainError
from contracts.rejections import Reason

if TYPE_CHECKING:
    from collections.abc import Mapping

    from services.grading.catalogue import EvaluationScheme


def total_points(scheme: EvaluationScheme, factor_levels: Mapping[str, int]) -> int:
    """The points a job scores: every factor of the scheme at the level given.

    Raises:
        DomainError: a factor missing or unknown, or a level the factor does not have.
    """
    missing = sorted(set(scheme.factors) - set(factor_levels))
    unknown = sorted(set(factor_levels) - set(scheme.factors))
    if missing or unknown:
        parts = [
            f"missing {', '.join(missing)}" if missing else "",
            f"unknown {', '.join(unknown)}" if unknown else "",
        ]
        raise DomainError(
            Reason.INVALID,
            f"{scheme.name} scores every one of its {len(scheme.factors)} factors: "
            + "; ".join(part for part in parts if part),
        )
    total = 0
    for factor, level in sorted(factor_levels.items()):
        points = scheme.factors[factor].get(level)
        if points is None:
            raise DomainError(
                Reason.INVALID,
                f"factor {factor} has levels {min(scheme.factors[factor])}-"
                f"{max(scheme.factors[factor])}, not {level}",
            )
        total += points
    return total


def band_grade(scheme: EvaluationScheme, points: int) -> str:
    """The grade whose score band holds `points`.

    Raises:
        DomainError: the points fall in a gap between bands (or below the first).
    """
    for low, high, grade in scheme.bands:
        if low <= points and (high is None or points <= high):
            return grade
    raise DomainError(Reason.INVALID, f"{points} points fall in no score band of {scheme.name}")
