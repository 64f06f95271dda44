"""create_app(settings): recruitment: HTTP, its command stream and establishment's events."""

from __future__ import annotations

from typing import TYPE_CHECKING

from contracts.streams import ESTABLISHMENT_EVENTS, RECRUITMENT_COMMANDS
from eventlog.clock import Clock, system_clock
from eventlog.service_app import Consumer, ServiceSpec, service_app
from eventlog.settings import Settings
from services.recruitment.api import router
from services.recruitment.application import TenantRecruitment
from services.recruitment.handlers import (
    GROUP,
    command_stream_handler,
    establishment_events_handler,
)

if TYPE_CHECKING:
    from fastapi import FastAPI

SERVICE = "recruitment"

SPEC: ServiceSpec[TenantRecruitment] = ServiceSpec(
    name=SERVICE,
    title="Establishment control: recruitment service",
    description="Vacancies, postholders, vacancy control, staff at risk and redeployment.",
    router=router,
    open_log=TenantRecruitment.open,
    consumers=(
        Consumer(RECRUITMENT_COMMANDS, GROUP, command_stream_handler),
        Consumer(ESTABLISHMENT_EVENTS, GROUP, establishment_events_handler),
    ),
)


def create_app(settings: Settings | None = None, clock: Clock = system_clock) -> FastAPI:
    """The recruitment service for `settings` (read from the environment if not given)."""
    return service_app(SPEC, settings or Settings(service=SERVICE), clock)
