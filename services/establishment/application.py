"""One tenant's establishment: the shared command log with establishment's fold and rules.

Everything about recording (catch-up, idempotency, atomic append, `known_at` views) is the shared
`eventlog.command_log`; this adds what is particular to posts: ids derived from command ids, the
post's history, the decision rules, and grading's catalogue (followed read-only) to check grades.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import NAMESPACE_URL, uuid4, uuid5

from contracts import establishment as est
from contracts.pay_catalogue import PayCatalogueView
from contracts.streams import ESTABLISHMENT_EVENTS, GRADING_EVENTS, RECRUITMENT_EVENTS
from eventlog.clock import Clock, system_clock
from eventlog.command_log import CommandLog, Outcome, Submitted
from eventlog.folded_stream import Follower
from readmodels.establishment import Establishment
from readmodels.workforce import Workforce
from services.establishment.domain import decide
from services.establishment.proposal_log import TenantProposals

if TYPE_CHECKING:
    from collections.abc import Sequence

    from redis.asyncio import Redis

    from contracts.decisions import EventDraft

POST_IDS = uuid5(NAMESPACE_URL, "urn:estab:post-id")
"""Namespace for post ids derived from a command id, so a retried create names the same post."""


def with_post_id(command: est.EstablishmentCommand) -> est.EstablishmentCommand:
    """Give a CreatePost without a post_id one: derived from its command_id when it has one."""
    if not isinstance(command, est.CreatePost) or command.post_id is not None:
        return command
    post_id = str(uuid5(POST_IDS, command.command_id)) if command.command_id else str(uuid4())
    return command.model_copy(update={"post_id": post_id})


class TenantEstablishment(CommandLog[est.EstablishmentCommand, Establishment]):
    """The establishment of one tenant, as recorded in its event stream."""

    def __init__(self, redis: Redis, tenant: str, clock: Clock = system_clock) -> None:
        super().__init__(redis, tenant, ESTABLISHMENT_EVENTS, clock)
        self.grading = Follower(redis, tenant, GRADING_EVENTS, PayCatalogueView, clock)
        self.staffing = Follower(redis, tenant, RECRUITMENT_EVENTS, Workforce, clock)
        self.proposals = TenantProposals(redis, tenant, self, clock)

    def new_projection(self) -> Establishment:
        """An empty establishment."""
        return Establishment()

    def decide(
        self, command: est.EstablishmentCommand, projection: Establishment
    ) -> Sequence[EventDraft]:
        """Establishment's rules, against grading's catalogue as now known."""
        return decide(command, projection, self.grading.projection)

    async def execute(
        self,
        submitted: Sequence[Submitted[est.EstablishmentCommand]],
        *,
        all_or_nothing: bool = False,
    ) -> list[Outcome]:
        """Read grading's catalogue to its end (a grade just defined counts), then record."""
        await self.grading.current()
        return await super().execute(submitted, all_or_nothing=all_or_nothing)

    async def history(self, post_id: str) -> list[dict[str, Any]] | None:
        """The post's events in recorded order, as stored (None if it has none)."""
        projection = await self.current()
        timeline = projection.posts.get(post_id)
        if timeline is None:
            return None
        recorded = await self.store.entries([entry.entry_id for entry in timeline.log])
        return [item.body for item in recorded]
