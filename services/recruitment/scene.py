"""What recruitment knows on one view: its own record with establishment's and grading's (pure).

Rules and queries both ask the same questions of it: is the post there, who holds it, is it
frozen, who is at risk and at what grade, which grades are neighbours on the ladder. The tenant's
policy (vacancy control, how long an approval to recruit lasts) comes from the tenant registry.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from contracts.tenancy import TenantPolicy
from readmodels.workforce import day_before
from services.recruitment.grade_ladder import ladder

if TYPE_CHECKING:
    from collections.abc import Mapping

    from contracts.pay_catalogue import PayCatalogue
    from eventlog.person_sealing import Identity
    from readmodels.establishment import Establishment, PostState
    from readmodels.workforce import AtRisk, Contract, Freeze, Workforce
    from services.recruitment.grade_ladder import Ranks


@dataclass(frozen=True, slots=True)
class Scene:
    """Recruitment's record, establishment's posts and grading's pay catalogue, one view each."""

    workforce: Workforce
    establishment: Establishment
    pay: PayCatalogue
    policy: TenantPolicy = field(default_factory=TenantPolicy)
    people: Mapping[str, Identity] | None = None
    """The pseudonym and sealed reference of each person the commands decided name (from the
    key store); None where there is no key store (pure tests, benchmarks)."""

    def post(self, post_id: str, day: str) -> PostState | None:
        """The post on `day`, or None."""
        return self.establishment.post(post_id, day)

    def deleted_on(self, post_id: str) -> str | None:
        """When the post is deleted (None: it is not)."""
        return self.establishment.deleted_on(post_id)

    def holders(self, post_id: str, day: str) -> list[Contract]:
        """Every contract in force on the post on `day` (on trial or appointed)."""
        deleted = self.deleted_on(post_id)
        return [
            contract
            for contract in self.workforce.contracts_of_post(post_id)
            if contract.covers(day, deleted)
        ]

    def freeze_on(self, post_id: str, day: str) -> Freeze | None:
        """A vacancy freeze in force on `day` on the post or any unit above it."""
        if not self.workforce.freezes:
            return None
        post = self.post(post_id, day)
        units = set(self.establishment.ancestors(post.org_unit_id, day)) if post else set()
        for freeze in self.workforce.freezes.values():
            if not freeze.active_on(day):
                continue
            if freeze.post_id == post_id or (freeze.org_unit_id in units):
                return freeze
        return None

    def at_risk_on(self, day: str) -> list[AtRisk]:
        """Every at-risk record open on `day` whose person was still in post when it was deleted."""
        open_records = []
        for record in self.workforce.at_risk.values():
            contract = self.workforce.contracts[record.contract_id]
            left_before = contract.end is not None and contract.end < record.since
            if record.open_on(day) and not left_before:
                open_records.append(record)
        return open_records

    def held_grade(self, record: AtRisk) -> str | None:
        """The grade of the deleted post on its last day."""
        post = self.post(record.post_id, day_before(record.since))
        return post.grade if post else None

    def ranks(self, day: str) -> Ranks:
        """The grade ladders on `day`: every catalogue grade and every post's grade, by family."""
        return ladder(self.pay, self.establishment.grades_used(), day)
