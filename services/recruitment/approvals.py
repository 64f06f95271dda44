"""Vacancy control: when an approval to recruit is live, and what an appointment relies on (pure).

An approval to recruit to a post is live on day D if it was given on or before D, D is before it
expires (the approval date plus the tenant's `approval_months` calendar months; the 31st becomes
the month's last day), and it has not been used up: no appointment that started on a day in
[approval date, D) left the post with no vacant FTE. A job share's first half leaves the approval
live for the second.

Under `required` vacancy control, an appointment with no live approval on its start date is
refused (`approval-required`); under `advisory` it is recorded, flagged `unapproved`. An import of
someone already in post (`existing`) needs none; a redeployment trial of someone at risk is a
different command and needs none either.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from contracts import recruitment as rc
from contracts.decisions import DomainError
from contracts.rejections import Reason
from services.recruitment.capacity import NONE, occupancy

if TYPE_CHECKING:
    from readmodels.workforce import Approval, Contract
    from services.recruitment.scene import Scene


def add_months(day: str, months: int) -> str:
    """`day` plus `months` calendar months (a day past the month's end becomes its last day)."""
    start = date.fromisoformat(day)
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1])).isoformat()


@dataclass(frozen=True, slots=True)
class Standing:
    """An approval as it stands on one day: when it expires, and what used it up by then."""

    approval: Approval
    expires_on: str
    used_by: Contract | None

    def live_on(self, day: str) -> bool:
        """Live on `day` (given by then, not expired, not used up)."""
        return self.approval.approved_on <= day < self.expires_on and self.used_by is None

    def view(self) -> dict[str, Any]:
        """As the API shows it."""
        return {
            "from": self.approval.approved_on,
            "expires_on": self.expires_on,
            "decided_by": self.approval.decided_by,
            "reference": self.approval.reference,
        }

    def why_not(self) -> str:
        """Why it is not live, in words: used up, or expired (it was given by the day asked)."""
        given = (
            f"the approval given on {self.approval.approved_on} "
            f"(by {self.approval.decided_by or 'unrecorded'}, ref {self.approval.reference or '-'})"
        )
        if self.used_by is not None:
            return (
                f"{given} was used by the appointment of {self.used_by.person_ref} from "
                f"{self.used_by.start}"
            )
        return f"{given} expired on {self.expires_on}"


def using_up(scene: Scene, approval: Approval, before: str) -> Contract | None:
    """The appointment that used the approval up before `before` (None: it is not used up).

    That is the first appointment starting from the approval's date to `before` (excluded) that
    left the post with no vacant FTE.
    """
    appointments = [
        contract
        for contract in scene.workforce.contracts_of_post(approval.post_id)
        if contract.at_risk_contract_id is None and approval.approved_on <= contract.start < before
    ]
    for contract in sorted(appointments, key=lambda item: item.start):
        held = occupancy(scene, approval.post_id, contract.start)
        if held is not None and held.vacant_fte <= NONE:
            return contract
    return None


def standing(scene: Scene, approval: Approval, day: str) -> Standing:
    """How `approval` stands on `day`."""
    return Standing(
        approval,
        add_months(approval.approved_on, scene.policy.approval_months),
        using_up(scene, approval, day),
    )


def approvals_by(scene: Scene, post_id: str, day: str) -> list[Standing]:
    """Every approval to recruit to the post given on or before `day`, latest last."""
    given = [a for a in scene.workforce.approvals.get(post_id, []) if a.approved_on <= day]
    return [standing(scene, approval, day) for approval in given]


def live_approval(scene: Scene, post_id: str, day: str) -> Standing | None:
    """The latest approval to recruit to the post that is live on `day` (None: none is)."""
    live = [item for item in approvals_by(scene, post_id, day) if item.live_on(day)]
    return max(live, key=lambda item: item.approval.approved_on) if live else None


@dataclass(frozen=True, slots=True)
class Basis:
    """What an appointment's vacancy control rested on, as `PostholderAppointed` records it."""

    approval: rc.ApprovalBasis | None
    unapproved: bool


def appointment_basis(scene: Scene, command: rc.AppointPostholder, post_id: str) -> Basis:
    """The approval an appointment relies on, or the flag that it has none.

    Raises:
        DomainError: `approval-required` under `required` vacancy control with no live approval
            on the start date, naming the post and why the latest approval (if any) is not live.
    """
    if command.existing:
        return Basis(None, unapproved=False)
    start = command.start_date.isoformat()
    live = live_approval(scene, post_id, start)
    if live is not None:
        relied = rc.ApprovalBasis(
            approved_on=date.fromisoformat(live.approval.approved_on),
            decided_by=live.approval.decided_by,
            reference=live.approval.reference,
        )
        return Basis(relied, unapproved=False)
    if scene.policy.vacancy_control == "required":
        given = approvals_by(scene, post_id, start)
        latest = max(given, key=lambda item: item.approval.approved_on) if given else None
        why = latest.why_not() if latest else "no approval to recruit was ever given"
        raise DomainError(
            Reason.APPROVAL_REQUIRED,
            f"post {post_id!r} has no live approval to recruit on {start}: {why}. Record an "
            "approval first (POST /approvals), or mark someone already in post existing: true",
        )
    return Basis(None, unapproved=True)


def expired_unused(scene: Scene, start: str, end: str) -> list[dict[str, Any]]:
    """Approvals whose expiry date falls in [start, end] and on which no appointment relied."""
    relied = {
        (contract.post_id, contract.approved_on)
        for contract in scene.workforce.contracts.values()
        if contract.approved_on is not None
    }
    found = []
    for post_id in sorted(scene.workforce.approvals):
        for approval in scene.workforce.approvals[post_id]:
            expires = add_months(approval.approved_on, scene.policy.approval_months)
            if start <= expires <= end and (post_id, approval.approved_on) not in relied:
                found.append({"post_id": post_id, **standing(scene, approval, expires).view()})
    return found
