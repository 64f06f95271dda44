"""create_app(settings): the finance process, HTTP and the establishment and grading subscribers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from contracts.streams import ESTABLISHMENT_EVENTS, GRADING_EVENTS
from eventlog.clock import Clock, system_clock
from eventlog.service_app import Consumer, ServiceSpec, service_app
from eventlog.settings import Settings
from eventlog.tenant_registry import by_name
from services.finance.api import router
from services.finance.application import TenantFinance
from services.finance.handlers import GROUP, establishment_costs, grading_costs

if TYPE_CHECKING:
    from fastapi import FastAPI

SERVICE = "finance"

SPEC: ServiceSpec[TenantFinance] = ServiceSpec(
    name=SERVICE,
    title="Establishment control: finance service",
    description="Cost ledgers, savings statements, funding streams and cost updates.",
    router=router,
    open_log=by_name(TenantFinance),
    consumers=(
        Consumer(ESTABLISHMENT_EVENTS, GROUP, establishment_costs),
        Consumer(GRADING_EVENTS, GROUP, grading_costs),
    ),
)


def create_app(settings: Settings | None = None, clock: Clock = system_clock) -> FastAPI:
    """The finance service for `settings` (read from the environment if not given)."""
    return service_app(SPEC, settings or Settings(service=SERVICE), clock)
