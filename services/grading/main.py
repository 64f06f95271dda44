"""create_app(settings): the grading process, HTTP and the establishment-events subscriber.

Nothing happens at import time. The lifespan connects to Redis (failing fast if it cannot),
creates grading's consumer group on each tenant's `establishment.events` at `0`, folds each
configured tenant's catalogue, and only then reports healthy.
"""

from __future__ import annotations

from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

import structlog
from fastapi import FastAPI
from faststream.redis import RedisBroker
from redis.asyncio import Redis

from contracts.streams import ESTABLISHMENT_EVENTS
from eventlog.clock import Clock, system_clock
from eventlog.health import install_health
from eventlog.problems import install_problem_handlers
from eventlog.settings import Settings
from eventlog.subscribers import Subscription, consume
from services.grading.api import router
from services.grading.application import Gradings
from services.grading.handlers import GROUP, EstablishmentEventsHandler

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

SERVICE = "grading"

log = structlog.get_logger()


def create_app(settings: Settings | None = None, clock: Clock = system_clock) -> FastAPI:
    """The grading service for `settings` (read from the environment if not given)."""
    config = settings or Settings(service=SERVICE)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        redis = Redis.from_url(config.redis_url)
        await redis.ping()
        gradings = Gradings(redis, clock)
        broker = RedisBroker(config.redis_url)
        subscriptions: list[Subscription] = [
            await consume(
                broker,
                redis,
                config,
                tenant=tenant,
                stream_name=ESTABLISHMENT_EVENTS,
                group=GROUP,
                handle=EstablishmentEventsHandler(gradings.tenant(tenant), redis),
            )
            for tenant in config.tenant_list
        ]
        for tenant in config.tenant_list:
            await gradings.tenant(tenant).current()
        await broker.start()
        app.state.gradings = gradings
        app.state.subscriptions = subscriptions
        app.state.redis = redis
        log.info("ready", tenants=config.tenant_list, port=config.listen_port)
        try:
            yield
        finally:
            await broker.stop()
            await redis.aclose()
            log.info("stopped")

    app = FastAPI(
        title="Establishment control: grading service",
        version="0.1.0",
        description="Pay spines, grades, on-cost rates and job evaluation, as of any date.",
        lifespan=lifespan,
    )
    install_problem_handlers(app)
    app.include_router(router)
    install_health(app, SERVICE)
    return app
