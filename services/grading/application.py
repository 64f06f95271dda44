"""One tenant's grading: the shared command log with grading's fold and rules."""

from __future__ import annotations

from typing import TYPE_CHECKING

from contracts import grading as gr
from contracts.streams import GRADING_EVENTS
from eventlog.clock import Clock, system_clock
from eventlog.command_log import CommandLog
from services.grading.catalogue import Catalogue
from services.grading.domain import decide

if TYPE_CHECKING:
    from collections.abc import Sequence

    from redis.asyncio import Redis

    from contracts.decisions import EventDraft


class TenantGrading(CommandLog[gr.GradingCommand, Catalogue]):
    """The grade catalogue and job evaluations of one tenant, as recorded in its stream."""

    def __init__(self, redis: Redis, tenant: str, clock: Clock = system_clock) -> None:
        super().__init__(redis, tenant, GRADING_EVENTS, clock)

    def new_projection(self) -> Catalogue:
        """An empty catalogue."""
        return Catalogue()

    def decide(self, command: gr.GradingCommand, projection: Catalogue) -> Sequence[EventDraft]:
        """Grading's rules."""
        return decide(command, projection)
