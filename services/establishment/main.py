"""create_app(settings): the establishment process, HTTP and stream subscribers in one app.

Nothing happens at import time. The lifespan connects to Redis (failing fast and loudly if it
cannot), creates the consumer groups at `0`, registers the command-stream subscribers, folds each
configured tenant's log, and only then reports healthy. FastStream's broker is started and
stopped inside FastAPI's lifespan (its FastAPI plugin is deprecated, REDIS_STREAMS.md item 12).
"""

from __future__ import annotations

from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

import structlog
from fastapi import FastAPI
from faststream.redis import RedisBroker
from redis.asyncio import Redis

from contracts.streams import ESTABLISHMENT_COMMANDS, GRADING_EVENTS
from eventlog.clock import Clock, system_clock
from eventlog.health import install_health
from eventlog.problems import install_problem_handlers
from eventlog.settings import Settings
from eventlog.subscribers import Subscription, consume
from services.establishment.api import router
from services.establishment.application import Establishments
from services.establishment.evaluations import GradingEventsHandler
from services.establishment.handlers import GROUP, CommandStreamHandler

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

SERVICE = "establishment"

log = structlog.get_logger()


def create_app(settings: Settings | None = None, clock: Clock = system_clock) -> FastAPI:
    """The establishment service for `settings` (read from the environment if not given)."""
    config = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        redis = Redis.from_url(config.redis_url)
        await redis.ping()
        establishments = Establishments(redis, clock)
        broker = RedisBroker(config.redis_url)
        subscriptions: list[Subscription] = []
        for tenant in config.tenant_list:
            establishment = establishments.tenant(tenant)
            subscriptions += [
                await consume(
                    broker,
                    redis,
                    config,
                    tenant=tenant,
                    stream_name=ESTABLISHMENT_COMMANDS,
                    group=GROUP,
                    handle=CommandStreamHandler(establishment, redis),
                ),
                await consume(
                    broker,
                    redis,
                    config,
                    tenant=tenant,
                    stream_name=GRADING_EVENTS,
                    group=GROUP,
                    handle=GradingEventsHandler(establishment, redis),
                ),
            ]
        for tenant in config.tenant_list:
            await establishments.tenant(tenant).current()
        await broker.start()
        app.state.establishments = establishments
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
        title="Establishment control: establishment service",
        version="0.1.0",
        description="Posts, org units, reporting lines and funding links, as of any date.",
        lifespan=lifespan,
    )
    install_problem_handlers(app)
    app.include_router(router)

    install_health(app, SERVICE)
    return app
