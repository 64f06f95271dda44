"""Prometheus metrics of a service process, served at `GET /metrics` (prometheus-client).

Counters are bumped where the thing happens (an append, a refusal, a dead letter); the request
histogram by a middleware, labelled with the route's template so ids do not explode the series;
consumer lag and pending are read from Redis when scraped, for every consumer group the process
reports on (its `/progress`), so a paused consumer's lag is visible from any replica.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from fastapi import Depends, Request, Response
from fastapi.responses import PlainTextResponse
from prometheus_client import CONTENT_TYPE_LATEST, Gauge, Histogram, generate_latest

from eventlog.http_access import authorised
from eventlog.problems import PROBLEM_RESPONSES
from eventlog.subscribers import progress

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from fastapi import FastAPI
    from redis.asyncio import Redis

REQUESTS = Histogram(
    "estab_http_request_seconds", "HTTP requests by route and status", ["method", "route", "status"]
)
LAG = Gauge(
    "estab_consumer_lag",
    "Entries of a stream not yet delivered to a consumer group (at most LAG_CAP counted)",
    ["stream", "group"],
)
PENDING = Gauge(
    "estab_consumer_pending", "Entries delivered to a group and not yet acknowledged",
    ["stream", "group"],
)  # fmt: skip
LAG_CAP = 100_000


async def lag_of(redis: Redis, stream: str, last_delivered: str) -> int:
    """How many entries of `stream` come after `last_delivered` (counted up to LAG_CAP)."""
    start = "-" if last_delivered == "0-0" else f"({last_delivered}"
    return len(await redis.xrange(stream, min=start, max="+", count=LAG_CAP) or [])


def install_metrics(app: FastAPI) -> None:
    """Time every request and serve `GET /metrics` (for a token holder, like every read)."""

    @app.middleware("http")
    async def timed(request: Request, call_next: Callable[[Request], Awaitable[Any]]) -> Any:
        began = time.perf_counter()
        response = await call_next(request)
        route = getattr(request.scope.get("route"), "path", "unmatched")
        REQUESTS.labels(request.method, route, str(response.status_code)).observe(
            time.perf_counter() - began
        )
        return response

    @app.get(
        "/metrics",
        dependencies=[Depends(authorised)],
        responses=PROBLEM_RESPONSES,
        response_class=PlainTextResponse,
    )
    async def metrics(request: Request) -> Response:
        """Prometheus text: appends, refusals, dead letters, request times, consumer lag."""
        redis: Redis = request.app.state.redis
        for subscription in request.app.state.subscriptions:
            found = await progress(redis, subscription)
            labels = (found["stream"], found["group"])
            LAG.labels(*labels).set(
                await lag_of(redis, found["stream"], found["last_delivered_id"])
            )
            PENDING.labels(*labels).set(found["pending"])
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
