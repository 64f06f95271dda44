"""`recruitment.events` folded: contracts, approvals, freezes, staff at risk (pure).

This is the one reading of recruitment's stream: recruitment decides against it; establishment
(who is in post, for the structure) and finance (holders' points and start dates, for the
forecast) follow the stream with it.
Dates are ISO strings (they sort as dates). A contract's last day is its leaving date, or the day
before its post is deleted, whichever is first; a trial that ended early ends on its end date.
A post may have several contracts in force at once (a job share).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from eventlog.folding import FoldPosition
from readmodels.reading import payload_of

if TYPE_CHECKING:
    from eventlog.folding import Folded

CONTRACT = "contract"
POST = "post"
FREEZE = "freeze"

APPOINTMENT = "appointment"
TRIAL = "trial"


def day_before(day: str) -> str:
    """The ISO date one day earlier."""
    return (date.fromisoformat(day) - timedelta(days=1)).isoformat()


def day_after(day: str) -> str:
    """The ISO date one day later."""
    return (date.fromisoformat(day) + timedelta(days=1)).isoformat()


def days_between(first: str, last: str) -> int:
    """Days from `first` to `last`."""
    return (date.fromisoformat(last) - date.fromisoformat(first)).days


@dataclass(slots=True)
class Contract:
    """One person in one post from `start`; a trial is a contract on approval."""

    contract_id: str
    person_ref: str
    post_id: str
    start: str
    fte: str
    scp: int | None
    kind: str = APPOINTMENT
    end: str | None = None
    trial_end: str | None = None
    at_risk_contract_id: str | None = None
    approved_on: str | None = None
    """The date of the approval to recruit the appointment relied on (None: none)."""
    unapproved: bool = False
    """Appointed without a live approval to recruit (advisory vacancy control)."""
    existing: bool = False
    """Recorded as already in post (an import), not recruited."""

    def last_day(self, deleted_on: str | None) -> str | None:
        """The last day in post, as far as is known (None: open-ended)."""
        ends = [day for day in (self.end, deleted_on and day_before(deleted_on)) if day]
        return min(ends) if ends else None

    def covers(self, day: str, deleted_on: str | None) -> bool:
        """Whether the person is in post on `day`."""
        last = self.last_day(deleted_on)
        return self.start <= day and (last is None or day <= last)


@dataclass(frozen=True, slots=True)
class Approval:
    """An approval to recruit to a post, given on `approved_on`."""

    post_id: str
    approved_on: str
    decided_by: str | None
    reference: str | None


@dataclass(slots=True)
class AtRisk:
    """A contract whose post was deleted: the person is at risk from `since`."""

    contract_id: str
    person_ref: str
    post_id: str
    since: str
    resolved_on: str | None = None
    resolution: str | None = None
    trials: list[str] = field(default_factory=list)

    def open_on(self, day: str) -> bool:
        """At risk on `day`: placed by then and not yet redeployed or made redundant."""
        return self.since <= day and (self.resolved_on is None or day < self.resolved_on)


@dataclass(slots=True)
class Freeze:
    """Vacancy control on a post or an org unit from `start` until lifted."""

    freeze_id: str
    post_id: str | None
    org_unit_id: str | None
    start: str
    decided_by: str | None
    reference: str | None
    reason: str | None
    lifted_on: str | None = None

    def active_on(self, day: str) -> bool:
        """In force on `day`."""
        return self.start <= day and (self.lifted_on is None or day < self.lifted_on)

    def view(self) -> dict[str, Any]:
        """As the API shows it."""
        return {
            "freeze_id": self.freeze_id,
            "post_id": self.post_id,
            "org_unit_id": self.org_unit_id,
            "from": self.start,
            "lifted_on": self.lifted_on,
            "decided_by": self.decided_by,
            "reference": self.reference,
            "reason": self.reason,
        }


class Workforce(FoldPosition):
    """Every contract, approval, freeze and at-risk record of one tenant, as recorded."""

    SNAPSHOT_VERSION = 2
    """2: people's sealed references are kept."""

    def __init__(self) -> None:
        super().__init__()
        self.contracts: dict[str, Contract] = {}
        self.by_post: dict[str, list[str]] = {}
        self.by_person: dict[str, list[str]] = {}
        self.approvals: dict[str, list[Approval]] = {}
        self.freezes: dict[str, Freeze] = {}
        self.at_risk: dict[str, AtRisk] = {}
        self.sealed_refs: dict[str, str] = {}
        """Each person's reference as last sealed by an appointment (eventlog.person_keys);
        people recorded before references were sealed have none (their pseudonym is it)."""
        self.journal: list[str] = []
        """The post each contract change was about, in the order folded: what a cache of
        per-post answers must forget since it last looked."""

    def contracts_of_post(self, post_id: str) -> list[Contract]:
        """Every contract ever held on a post, in recorded order."""
        return [self.contracts[key] for key in self.by_post.get(post_id, ())]

    def contracts_of_person(self, person_ref: str) -> list[Contract]:
        """Every contract a person ever held, in recorded order."""
        return [self.contracts[key] for key in self.by_person.get(person_ref, ())]

    def apply(self, event: dict[str, Any], entry_id: str = "") -> Folded:
        """Fold one stored (or provisional) event in recorded order."""
        folded = self.advance(event, entry_id)
        self._fold(event["type"], payload_of(event), event["effective_date"])
        return folded

    def _add(self, contract: Contract) -> None:
        self.contracts[contract.contract_id] = contract
        self.by_post.setdefault(contract.post_id, []).append(contract.contract_id)
        self.journal.append(contract.post_id)
        self.by_person.setdefault(contract.person_ref, []).append(contract.contract_id)

    def _fold(self, kind: str, payload: dict[str, Any], effective: str) -> None:
        if kind == "PostholderAppointed":
            self._appointed(payload, effective)
        elif kind in {"PostholderLeft", "RedeploymentTrialEnded"}:
            self._end(payload["contract_id"], effective)
        elif kind == "RecruitmentApproved":
            self.approvals.setdefault(payload["post_id"], []).append(
                Approval(
                    post_id=payload["post_id"],
                    approved_on=effective,
                    decided_by=payload.get("decided_by"),
                    reference=payload.get("reference"),
                )
            )
        elif kind == "VacancyFreezeImposed":
            self.freezes[payload["freeze_id"]] = Freeze(
                payload["freeze_id"],
                payload.get("post_id"),
                payload.get("org_unit_id"),
                effective,
                payload.get("decided_by"),
                payload.get("reference"),
                payload.get("reason"),
            )
        elif kind == "VacancyFreezeLifted":
            self.freezes[payload["freeze_id"]].lifted_on = effective
        elif kind == "StaffPlacedAtRisk":
            self.at_risk[payload["contract_id"]] = AtRisk(
                payload["contract_id"], payload["person_ref"], payload["post_id"], effective
            )
        elif kind == "RedeploymentTrialStarted":
            self._add(
                Contract(
                    payload["contract_id"],
                    payload["person_ref"],
                    payload["to_post_id"],
                    effective,
                    payload["fte"],
                    payload.get("scp"),
                    kind=TRIAL,
                    trial_end=payload["trial_end"],
                    at_risk_contract_id=payload["at_risk_contract_id"],
                )
            )
            self.at_risk[payload["at_risk_contract_id"]].trials.append(payload["contract_id"])
        elif kind == "StaffRedeployed":
            self.contracts[payload["contract_id"]].kind = APPOINTMENT
            self._resolve(payload["at_risk_contract_id"], effective, "redeployed")
        elif kind == "StaffMadeRedundant":
            self._resolve(payload["contract_id"], effective, "redundant")

    def _appointed(self, payload: dict[str, Any], effective: str) -> None:
        approval = payload.get("approval")
        if payload.get("person_ref_sealed"):
            self.sealed_refs[payload["person_ref"]] = payload["person_ref_sealed"]
        self._add(
            Contract(
                payload["contract_id"],
                payload["person_ref"],
                payload["post_id"],
                effective,
                payload["fte"],
                payload.get("scp"),
                approved_on=approval["approved_on"] if approval else None,
                unapproved=payload.get("unapproved", False),
                existing=payload.get("existing", False),
            )
        )

    def _end(self, contract_id: str, effective: str) -> None:
        contract = self.contracts[contract_id]
        contract.end = effective
        self.journal.append(contract.post_id)

    def _resolve(self, contract_id: str, effective: str, how: str) -> None:
        record = self.at_risk[contract_id]
        record.resolved_on = effective
        record.resolution = how
