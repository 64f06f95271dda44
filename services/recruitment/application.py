"""One tenant's recruitment: its own command log, following establishment's and grading's streams.

Rules need to know the posts (establishment owns them) and the grade ladder (grading owns the
pay catalogue); both are folded read-only from their owners' streams and brought up to date
before each batch is decided, so a decision always sees everything recorded so far. The tenant's
vacancy-control policy is read from the tenant registry; a tenant's policies never change once
provisioned (a different setting is refused there), so it is read once and kept.
"""

from __future__ import annotations

import asyncio
import re
from typing import TYPE_CHECKING

from contracts import recruitment as rc
from contracts.pay_catalogue import PayCatalogueView
from contracts.streams import (
    ESTABLISHMENT_EVENTS,
    ESTABLISHMENT_PROPOSALS,
    GRADING_EVENTS,
    RECRUITMENT_EVENTS,
)
from contracts.tenancy import TenantPolicy
from eventlog.clock import Clock, system_clock
from eventlog.command_log import CommandLog, Outcome, Submitted, fingerprint
from eventlog.folded_stream import Follower
from eventlog.person_keys import PersonKeys
from readmodels.establishment import Establishment
from readmodels.proposals import Proposals
from readmodels.workforce import Workforce
from services.recruitment.domain import decide
from services.recruitment.scene import Scene

if TYPE_CHECKING:
    from collections.abc import Sequence

    from redis.asyncio import Redis

    from contracts.decisions import EventDraft
    from eventlog.person_sealing import Identity
    from eventlog.tenant_directory import TenantRecord


class TenantRecruitment(CommandLog[rc.RecruitmentCommand, Workforce]):
    """Postholders, vacancy control and staff at risk of one tenant."""

    def __init__(
        self,
        redis: Redis,
        tenant: str,
        clock: Clock = system_clock,
        policy: TenantPolicy | None = None,
    ) -> None:
        super().__init__(redis, tenant, RECRUITMENT_EVENTS, clock)
        self.establishment = Follower(redis, tenant, ESTABLISHMENT_EVENTS, Establishment, clock)
        self.grading = Follower(redis, tenant, GRADING_EVENTS, PayCatalogueView, clock)
        self.proposals = Follower(redis, tenant, ESTABLISHMENT_PROPOSALS, Proposals, clock)
        self.policy = policy or TenantPolicy()
        """The tenant's policies as provisioned (they never change once recorded)."""
        self.redis = redis
        self.person_keys = PersonKeys(redis, tenant)
        self._people: dict[str, Identity] = {}
        """The identities of the people the batch being decided names."""
        self._deciding = asyncio.Lock()

    @classmethod
    def open(cls, redis: Redis, record: TenantRecord, clock: Clock) -> TenantRecruitment:
        """The log of a provisioned tenant, with the policies its registry record gives."""
        return cls(redis, record.tenant, clock, record.policy)

    def new_projection(self) -> Workforce:
        """An empty record."""
        return Workforce()

    def decide(self, command: rc.RecruitmentCommand, projection: Workforce) -> Sequence[EventDraft]:
        """Recruitment's rules, against the posts, catalogue and policy as now known."""
        scene = Scene(
            projection,
            self.establishment.projection,
            self.grading.projection,
            self.policy,
            self._people,
        )
        return decide(command, scene)

    def fingerprint(self, command: rc.RecruitmentCommand) -> str:
        """The command's fingerprint with the person as their pseudonym, never the reference."""
        identity = self._people.get(getattr(command, "person_ref", ""))
        if identity is None:
            return fingerprint(command)
        return fingerprint(command.model_copy(update={"person_ref": identity.person_id}))

    async def execute(
        self,
        submitted: Sequence[Submitted[rc.RecruitmentCommand]],
        *,
        all_or_nothing: bool = False,
    ) -> list[Outcome]:
        """Bring the followed streams up to date, find the people named, decide and record."""
        await self.establishment.current()
        await self.grading.current()
        people = await self._identities([item.command for item in submitted])
        async with self._deciding:
            self._people = people
            try:
                return await super().execute(submitted, all_or_nothing=all_or_nothing)
            finally:
                self._people = {}

    async def _identities(self, commands: Sequence[rc.RecruitmentCommand]) -> dict[str, Identity]:
        """Each named person's pseudonym and sealed reference; appointments make new ones.

        A reference the tenant's pattern refuses gets no key: the rule refuses the command.
        """
        pattern = self.policy.person_ref_pattern
        appointed = {
            command.person_ref
            for command in commands
            if isinstance(command, rc.AppointPostholder)
            and (pattern is None or re.fullmatch(pattern, command.person_ref))
        }
        named = {ref for command in commands if (ref := getattr(command, "person_ref", None))}
        found = await self.person_keys.identities(appointed, create=True)
        return found | await self.person_keys.identities(named - appointed, create=False)

    async def scene(self, moment: str | None) -> Scene:
        """Everything as known at `moment` (None: now)."""
        return Scene(
            await self.known_at(moment),
            await self.establishment.known_at(moment),
            await self.grading.known_at(moment),
            self.policy,
        )
