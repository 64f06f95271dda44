"""create_app(settings): the establishment process, HTTP and stream subscribers in one app.

Nothing happens at import time. The lifespan connects to Redis (failing fast and loudly if it
cannot), creates the consumer groups at `0`, registers the command-stream subscribers, folds each
configured tenant's log, and only then reports healthy. FastStream's broker is started and
stopped inside FastAPI's lifespan (its FastAPI plugin is deprecated, REDIS_STREAMS.md item 12).
"""

from __future__ import annotations

from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

import structlog
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from faststream.redis import RedisBroker
from redis.asyncio import Redis

from contracts.streams import ESTABLISHMENT_COMMANDS, dead_letter_key, stream_key
from eventlog.clock import Clock, system_clock
from eventlog.settings import Settings
from eventlog.subscribers import Subscription, ensure_group, subscribe
from services.establishment.api import router
from services.establishment.application import Establishments
from services.establishment.handlers import GROUP, CommandStreamHandler
from services.establishment.problems import install_problem_handlers

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
            stream = stream_key(tenant, ESTABLISHMENT_COMMANDS)
            await ensure_group(redis, stream, GROUP)
            subscriptions.append(
                subscribe(
                    broker,
                    redis,
                    stream=stream,
                    group=GROUP,
                    consumer=config.consumer,
                    handle=CommandStreamHandler(establishments.tenant(tenant), redis),
                    dead_letters=dead_letter_key(tenant, ESTABLISHMENT_COMMANDS, GROUP),
                    batch_size=config.batch_size,
                    poll_ms=config.poll_ms,
                    reclaim_idle_ms=config.reclaim_idle_ms,
                    max_deliveries=config.max_deliveries,
                )
            )
        for tenant in config.tenant_list:
            await establishments.tenant(tenant).current()
        await broker.start()
        app.state.establishments = establishments
        app.state.subscriptions = subscriptions
        app.state.redis = redis
        log.info("ready", tenants=config.tenant_list, port=config.port)
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

    @app.get("/health")
    async def health(request: Request) -> JSONResponse:
        """Ready to serve: Redis answers and every subscriber is reading its stream."""
        problems: list[str] = [
            f"{subscription.stream}: {subscription.problem}"
            for subscription in request.app.state.subscriptions
            if not subscription.healthy
        ]
        try:
            await request.app.state.redis.ping()
        except Exception as error:  # noqa: BLE001 - any failure to reach Redis is "unhealthy"
            problems.append(f"redis: {error}")
        body: dict[str, Any] = {"status": "ok" if not problems else "unavailable"}
        body["service"] = SERVICE
        if problems:
            body["problems"] = problems
        return JSONResponse(body, status_code=200 if not problems else 503)

    return app
