"""create_app for any service: command logs per tenant, stream consumers, HTTP, health.

Nothing happens at import time. The lifespan connects to Redis or a Redis Cluster, whichever the
URL names (eventlog.redis_client), failing fast and loudly if it cannot; reads the tenant
registry and, for every provisioned tenant, creates each consumer group at `0` and folds its log;
starts the broker; and takes up its share of the tenants' streams before reporting healthy
(eventlog.consumer_leases: with several replicas of a service, each tenant is consumed by one of
them at a time, while every replica serves HTTP for every tenant). A watcher follows the
registry, so a tenant provisioned later is served within a poll interval without a restart (and
a request naming it re-reads the registry at once). FastStream's broker is started and stopped
inside FastAPI's lifespan (its FastAPI plugin is deprecated, REDIS_STREAMS.md item 12). Every
route but `GET /health` needs a bearer token from the tokens file (eventlog.http_access).
"""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import structlog
from fastapi import Depends, FastAPI

from contracts.streams import stream_key
from eventlog.body_limit import BodyLimit
from eventlog.command_log import CommandLog
from eventlog.consumer_leases import (
    LEASE_TICKS,
    ConsumerLeases,
    LeasedSubscription,
    keep_leases,
)
from eventlog.correlation import install_correlation
from eventlog.health import install_health
from eventlog.http_access import authorised
from eventlog.key_route import install_keys
from eventlog.metrics import install_metrics
from eventlog.problems import PROBLEM_RESPONSES, install_problem_handlers
from eventlog.rate_limit import RateLimiter
from eventlog.redis_client import redis_broker, redis_client
from eventlog.signing_keys import load_signer, use_signer
from eventlog.subscribers import Subscription, consume, ensure_group
from eventlog.tenant_registry import OpenLog, TenantLogs
from eventlog.token_file import TOKENS_ENV, TokensFileError, read_tokens

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable, Sequence

    from fastapi import APIRouter
    from faststream.redis import RedisBroker
    from redis.asyncio import Redis

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
    open_log: OpenLog[LogT]
    consumers: Sequence[Consumer[LogT]]


def service_app(spec: ServiceSpec[LogT], settings: Settings, clock: Clock) -> FastAPI:
    """The FastAPI app of `spec`; `app.state.logs` holds the tenants' command logs."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        _secure(app, spec.name, settings)
        redis = redis_client(settings.redis_url)
        await redis.ping()
        broker = redis_broker(settings.redis_url)
        leases = _leases(redis, spec.name, settings)
        subscriptions: list[LeasedSubscription] = []

        async def serve_tenant(tenant: str, tenant_log: LogT) -> None:
            """Create the tenant's groups at `0`, fold its log, offer its streams for consuming."""
            streams = [
                _leased(
                    broker, redis, settings, tenant=tenant, consumer=consumer, tenant_log=tenant_log
                )
                for consumer in spec.consumers
            ]
            for stream in streams:
                await ensure_group(redis, stream.stream, stream.group)
            subscriptions.extend(streams)
            await tenant_log.current()
            leases.add(tenant, streams)
            log.info("tenant served", tenant=tenant)

        logs = TenantLogs(redis, spec.open_log, clock, serve_tenant, settings.system)
        await logs.refresh()
        await broker.start()
        await leases.tick()
        await leases.settle()
        app.state.logs = logs
        app.state.subscriptions = subscriptions
        app.state.redis = redis
        stopping = asyncio.Event()
        poll = settings.tenant_poll_ms / 1000
        watcher = asyncio.create_task(_watch(logs, poll, stopping))
        keeper = asyncio.create_task(keep_leases(leases, poll, stopping))
        log.info("ready", tenants=logs.served, port=settings.listen_port)
        try:
            yield
        finally:
            stopping.set()
            await watcher
            await keeper
            await leases.quiesce()
            await broker.stop()
            await leases.close()
            await redis.aclose()
            use_signer(None)
            log.info("stopped")

    app = FastAPI(
        title=spec.title,
        version="0.1.0",
        description=spec.description,
        lifespan=lifespan,
    )
    _install(app, spec)
    return app


def _install(app: FastAPI, spec: ServiceSpec[Any]) -> None:
    """The service's routes and what every request passes through."""
    app.state.service = spec.name
    app.add_middleware(BodyLimit)
    install_problem_handlers(app)
    app.include_router(spec.router, dependencies=[Depends(authorised)], responses=PROBLEM_RESPONSES)
    install_health(app, spec.name)
    install_keys(app, spec.name)
    install_metrics(app)
    install_correlation(app)


def _secure(app: FastAPI, service: str, settings: Settings) -> None:
    """Read the tokens the app accepts, start their rate limits, and take up the signing key.

    Raises:
        TokensFileError: no tokens file is configured, or it is not one.
        SigningKeyError: the configured signing key cannot be read.
    """
    if settings.tokens_file is None:
        raise TokensFileError(
            f"no tokens file: set {TOKENS_ENV} (`estab up` makes DATA_DIR/tokens.json)"
        )
    app.state.tokens = read_tokens(settings.tokens_file)
    app.state.rate_limits = RateLimiter(settings.rate_per_second, settings.rate_burst)
    key_file = settings.signing_key_file
    use_signer(load_signer(key_file, service) if key_file is not None else None)


def _leases(redis: Redis, service: str, settings: Settings) -> ConsumerLeases:
    """This replica's leases, which outlive a few missed ticks and never the reclaim idle time.

    A predecessor's pending entries are drained for as long as their deliveries can take.
    """
    return ConsumerLeases(
        redis,
        service=service,
        system=settings.system,
        consumer=settings.consumer,
        lease_ms=max(settings.reclaim_idle_ms, LEASE_TICKS * settings.tenant_poll_ms),
        drain_seconds=(settings.max_deliveries + 1) * settings.reclaim_idle_ms / 1000,
        poll_seconds=settings.poll_ms / 1000,
    )


def _leased(
    broker: RedisBroker,
    redis: Redis,
    settings: Settings,
    *,
    tenant: str,
    consumer: Consumer[LogT],
    tenant_log: LogT,
) -> LeasedSubscription:
    """One of the tenant's streams, subscribed (its group created at `0`) when first consumed."""

    async def subscribe() -> Subscription:
        return await consume(
            broker,
            redis,
            settings,
            tenant=tenant,
            stream_name=consumer.stream_name,
            group=consumer.group,
            handle=consumer.handler(tenant_log, redis),
        )

    return LeasedSubscription(stream_key(tenant, consumer.stream_name), consumer.group, subscribe)


async def _watch(logs: TenantLogs[Any], seconds: float, stopping: asyncio.Event) -> None:
    """Follow the tenant registry: a tenant provisioned anywhere is served here within `seconds`.

    It ends when `stopping` is set rather than by cancellation, because a cancelled Redis read
    can come back as a connection error, which the loop must survive while it is running (a
    Redis outage; /health reports it).
    """
    while not stopping.is_set():
        with suppress(TimeoutError):
            await asyncio.wait_for(stopping.wait(), seconds)
            return
        try:
            await logs.refresh()
        except Exception:
            log.exception("tenant registry could not be read; retrying")
