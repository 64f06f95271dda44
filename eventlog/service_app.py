"""create_app for any service: its command logs per tenant, its stream consumers, HTTP, health.

Nothing happens at import time. The lifespan connects to Redis (failing fast and loudly if it
cannot), creates each consumer group at `0` and registers its subscriber, folds each configured
tenant's log, and only then starts the broker and reports healthy. FastStream's broker is started
and stopped inside FastAPI's lifespan (its FastAPI plugin is deprecated, REDIS_STREAMS.md item 12).
"""

from __future__ import annotations

from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import structlog
from fastapi import FastAPI
from faststream.redis import RedisBroker
from redis.asyncio import Redis

from eventlog.command_log import CommandLog, Tenants
from eventlog.health import install_health
from eventlog.problems import install_problem_handlers
from eventlog.subscribers import Subscription, consume

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable, Sequence

    from fastapi import APIRouter

    from eventlog.clock import Clock
    from eventlog.settings import Settings
    from eventlog.subscribers import Handle

log = structlog.get_logger()

LogT = TypeVar("LogT", bound=CommandLog[Any, Any])


@dataclass(frozen=True, slots=True)
class Consumer(Generic[LogT]):
    """One stream a service reads for every tenant: its name, the group, the handler's maker."""

    stream_name: str
    group: str
    handler: Callable[[LogT, Redis], Handle]


@dataclass(frozen=True, slots=True)
class ServiceSpec(Generic[LogT]):
    """What makes one service: its name and documents, routes, log and consumers."""

    name: str
    title: str
    description: str
    router: APIRouter
    open_log: Callable[[Redis, str, Clock], LogT]
    consumers: Sequence[Consumer[LogT]]


def service_app(spec: ServiceSpec[LogT], settings: Settings, clock: Clock) -> FastAPI:
    """The FastAPI app of `spec`; `app.state.logs` holds the tenants' command logs."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        redis = Redis.from_url(settings.redis_url)
        await redis.ping()
        logs = Tenants(redis, spec.open_log, clock)
        broker = RedisBroker(settings.redis_url)
        subscriptions: list[Subscription] = [
            await consume(
                broker,
                redis,
                settings,
                tenant=tenant,
                stream_name=consumer.stream_name,
                group=consumer.group,
                handle=consumer.handler(logs.tenant(tenant), redis),
            )
            for tenant in settings.tenant_list
            for consumer in spec.consumers
        ]
        for tenant in settings.tenant_list:
            await logs.tenant(tenant).current()
        await broker.start()
        app.state.logs = logs
        app.state.subscriptions = subscriptions
        app.state.redis = redis
        log.info("ready", tenants=settings.tenant_list, port=settings.listen_port)
        try:
            yield
        finally:
            await broker.stop()
            await redis.aclose()
            log.info("stopped")

    app = FastAPI(
        title=spec.title, version="0.1.0", description=spec.description, lifespan=lifespan
    )
    install_problem_handlers(app)
    app.include_router(spec.router)
    install_health(app, spec.name)
    return app
