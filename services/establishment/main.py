"""create_app(settings): the establishment process, HTTP and stream subscribers in one app.

It consumes its own command stream and grading's events (job evaluations to apply).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from contracts.streams import ESTABLISHMENT_COMMANDS, GRADING_EVENTS
from eventlog.clock import Clock, system_clock
from eventlog.service_app import Consumer, ServiceSpec, service_app
from eventlog.settings import Settings
from eventlog.tenant_registry import by_name
from services.establishment.api import router
from services.establishment.application import TenantEstablishment
from services.establishment.evaluations import grading_events_handler
from services.establishment.handlers import GROUP, command_stream_handler

if TYPE_CHECKING:
    from fastapi import FastAPI

SERVICE = "establishment"

SPEC: ServiceSpec[TenantEstablishment] = ServiceSpec(
    name=SERVICE,
    title="Establishment control: establishment service",
    description="Posts, org units, reporting lines and funding links, as of any date.",
    router=router,
    open_log=by_name(TenantEstablishment),
    consumers=(
        Consumer(ESTABLISHMENT_COMMANDS, GROUP, command_stream_handler),
        Consumer(GRADING_EVENTS, GROUP, grading_events_handler),
    ),
)


def create_app(settings: Settings | None = None, clock: Clock = system_clock) -> FastAPI:
    """The establishment service for `settings` (read from the environment if not given)."""
    return service_app(SPEC, settings or Settings(service=SERVICE), clock)
