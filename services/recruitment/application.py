"""One tenant's recruitment: its own command log, following establishment's and grading's streams.

Rules need to know the posts (establishment owns them) and the grade ladder (grading owns the
pay catalogue); both are folded read-only from their owners' streams and brought up to date
before each batch is decided, so a decision always sees everything recorded so far. The tenant's
vacancy-control policy is read from the tenant registry; a tenant's policies never change once
provisioned (a different setting is refused there), so it is read once and kept.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from contracts import recruitment as rc
from contracts.establishment_view import EstablishmentView
from contracts.pay_catalogue import PayCatalogueView
from contracts.streams import ESTABLISHMENT_EVENTS, GRADING_EVENTS, RECRUITMENT_EVENTS
from eventlog.clock import Clock, system_clock
from eventlog.command_log import CommandLog, Follower, Outcome, Submitted
from eventlog.tenant_registry import TenantRegistry, UnknownTenantError
from services.recruitment.domain import decide
from services.recruitment.scene import Scene
from services.recruitment.workforce import Workforce

if TYPE_CHECKING:
    from collections.abc import Sequence

    from redis.asyncio import Redis

    from contracts.decisions import EventDraft
    from contracts.tenancy import TenantPolicy


class TenantRecruitment(CommandLog[rc.RecruitmentCommand, Workforce]):
    """Postholders, vacancy control and staff at risk of one tenant."""

    def __init__(self, redis: Redis, tenant: str, clock: Clock = system_clock) -> None:
        super().__init__(redis, tenant, RECRUITMENT_EVENTS, clock)
        self.establishment = Follower(redis, tenant, ESTABLISHMENT_EVENTS, EstablishmentView, clock)
        self.grading = Follower(redis, tenant, GRADING_EVENTS, PayCatalogueView, clock)
        self.registry = TenantRegistry(redis, clock)
        self._policy: TenantPolicy | None = None

    def new_projection(self) -> Workforce:
        """An empty record."""
        return Workforce()

    async def policy(self) -> TenantPolicy:
        """The tenant's policies, as the registry records them.

        Raises:
            UnknownTenantError: the tenant was never provisioned.
        """
        if self._policy is None:
            record = (await self.registry.current()).tenants.get(self.tenant)
            if record is None:
                raise UnknownTenantError(self.tenant)
            self._policy = record.policy
        return self._policy

    def decide(self, command: rc.RecruitmentCommand, projection: Workforce) -> Sequence[EventDraft]:
        """Recruitment's rules, against the posts, catalogue and policy as now known."""
        assert self._policy is not None, "execute reads the policy before deciding"
        scene = Scene(
            projection, self.establishment.projection, self.grading.projection, self._policy
        )
        return decide(command, scene)

    async def execute(self, submitted: Sequence[Submitted[rc.RecruitmentCommand]]) -> list[Outcome]:
        """Bring the followed streams and the policy up to date, then decide and record as usual."""
        await self.policy()
        await self.establishment.current()
        await self.grading.current()
        return await super().execute(submitted)

    async def scene(self, moment: str | None) -> Scene:
        """Everything as known at `moment` (None: now)."""
        return Scene(
            await self.known_at(moment),
            await self.establishment.known_at(moment),
            await self.grading.known_at(moment),
            await self.policy(),
        )
