"""How much of a post is held on a day, and whether a new contract fits in it (pure).

A post may have several holders at once (a job share): the FTEs of the contracts in force on any
day sum to at most the post's FTE then. What is held changes only on the days a contract starts,
the day after one ends, and the days the post itself changes (its FTE among them), so a new
contract is checked on its start date and on each such day after it, up to the post's deletion.
A post whose FTE was cut below what its holders hold has no vacant FTE (never a negative one).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from contracts.decisions import DomainError
from contracts.money import fte_text
from contracts.rejections import Reason
from readmodels.workforce import day_after

if TYPE_CHECKING:
    from readmodels.establishment import PostState
    from readmodels.workforce import Contract
    from services.recruitment.scene import Scene

NONE = Decimal(0)


def post_fte(post: PostState) -> Decimal:
    """The post's FTE as establishment records it."""
    return Decimal(str(post.fte))


@dataclass(frozen=True, slots=True)
class Occupancy:
    """Who holds a post on one day, and how much of it."""

    post_fte: Decimal
    holders: list[Contract]
    fte_in_post: Decimal
    """The FTE of every contract in force."""

    @classmethod
    def of(cls, post: PostState, holders: list[Contract]) -> Occupancy:
        """The post (as on the day) held by `holders`."""
        held = sum((Decimal(contract.fte) for contract in holders), NONE)
        return cls(post_fte(post), holders, held)

    @property
    def vacant_fte(self) -> Decimal:
        """The FTE nobody holds (never below zero)."""
        return max(NONE, self.post_fte - self.fte_in_post)

    @property
    def headcount(self) -> int:
        """Distinct people in post."""
        return len({contract.person_ref for contract in self.holders})

    def holders_text(self) -> str:
        """The holders, for a refusal: `p1 (0.5000 from 2017-06-01), ...`."""
        return ", ".join(
            f"{contract.person_ref} ({fte_text(Decimal(contract.fte))} from {contract.start})"
            for contract in self.holders
        )


def occupancy(scene: Scene, post_id: str, day: str) -> Occupancy | None:
    """Who holds the post on `day` (None: the post does not exist then)."""
    post = scene.post(post_id, day)
    if post is None:
        return None
    return Occupancy.of(post, scene.holders(post_id, day))


def change_days(scene: Scene, post_id: str) -> set[str]:
    """Every day on which what the post holds, or the post itself, can change."""
    line = scene.establishment.posts.get(post_id)
    days = {change.effective for change in line.changes} if line else set()
    deleted = scene.deleted_on(post_id)
    for contract in scene.workforce.contracts_of_post(post_id):
        days.add(contract.start)
        last = contract.last_day(deleted)
        if last is not None:
            days.add(day_after(last))
    return days


def vacant_since(scene: Scene, post_id: str, day: str) -> str:
    """The first day of the vacancy open on `day`: since when some FTE has always been unheld.

    What is held is the same from one change day to the next, so only change days are looked at,
    latest first; the one that begins the period containing `day` is vacant, as `day` is.
    """
    points = sorted((point for point in change_days(scene, post_id) if point <= day), reverse=True)
    since = points[0] if points else day
    for point in points[1:]:
        held = occupancy(scene, post_id, point)
        if held is None or held.vacant_fte <= NONE:
            break
        since = point
    return since


def check_room(scene: Scene, post_id: str, person_ref: str, start: str, fte: Decimal) -> None:
    """Refuse a contract of `fte` from `start` that would overfill the post on any day.

    Raises:
        DomainError: `post-filled`, naming the first day it would not fit and who holds the post
            then; or the person already holds the post then.
    """
    deleted = scene.deleted_on(post_id)
    for contract in scene.workforce.contracts_of_post(post_id):
        last = contract.last_day(deleted)
        if contract.person_ref == person_ref and (last is None or last >= start):
            raise DomainError(
                Reason.POST_FILLED,
                f"{person_ref} already holds post {post_id!r} from {contract.start}"
                + (f" to {last}" if last else ""),
            )
    for day in sorted(point for point in change_days(scene, post_id) | {start} if point >= start):
        held = occupancy(scene, post_id, day)
        if held is None:
            break
        if fte > held.post_fte - held.fte_in_post:
            vacant = fte_text(held.vacant_fte)
            raise DomainError(
                Reason.POST_FILLED,
                f"post {post_id!r} ({fte_text(held.post_fte)} FTE) has {vacant} FTE vacant on "
                f"{day}, held by {held.holders_text()}: {fte_text(fte)} FTE does not fit",
            )
