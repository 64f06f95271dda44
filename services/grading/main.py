"""create_app(settings): the grading process, HTTP and the establishment-events subscriber."""

from __future__ import annotations

from typing import TYPE_CHECKING

from contracts.streams import ESTABLISHMENT_EVENTS
from eventlog.clock import Clock, system_clock
from eventlog.service_app import Consumer, ServiceSpec, service_app
from eventlog.settings import Settings
from eventlog.tenant_registry import by_name
from services.grading.api import router
from services.grading.application import TenantGrading
from services.grading.handlers import GROUP, establishment_events_handler

if TYPE_CHECKING:
    from fastapi import FastAPI

SERVICE = "grading"

SPEC: ServiceSpec[TenantGrading] = ServiceSpec(
    name=SERVICE,
    title="Establishment control: grading service",
    description="Pay spines, grades, on-cost rates and job evaluation, as of any date.",
    router=router,
    open_log=by_name(TenantGrading),
    consumers=(Consumer(ESTABLISHMENT_EVENTS, GROUP, establishment_events_handler),),
)


def create_app(settings: Settings | None = None, clock: Clock = system_clock) -> FastAPI:
    """The grading service for `settings` (read from the environment if not given)."""
    return service_app(SPEC, settings or Settings(service=SERVICE), clock)
