"""`GET /health` and `GET /progress`.

`/health` (ready to serve) is open to load balancers and supervisors; `/progress` (how far each
consumer has read) needs a token, like every other read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fastapi import Depends, Request
from fastapi.responses import JSONResponse

from eventlog.http_access import authorised
from eventlog.problems import PROBLEM_RESPONSES
from eventlog.rollbacks import rollbacks_noticed
from eventlog.subscribers import progress

if TYPE_CHECKING:
    from fastapi import FastAPI


def install_health(app: FastAPI, service: str) -> None:
    """Add `/health`, reading the `subscriptions` and `redis` the lifespan put on `app.state`."""

    @app.get(
        "/health",
        responses={503: {"description": "not ready: Redis or a consumer is down (`problems`)"}},
    )
    async def health(request: Request) -> JSONResponse:
        """Ready to serve: Redis answers and every subscriber is reading its stream.

        Logs found to have gone backwards (and refolded) are listed under `rollbacks`.
        """
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
        body["service"] = service
        if problems:
            body["problems"] = problems
        rollbacks = rollbacks_noticed()
        if rollbacks:
            body["rollbacks"] = rollbacks
        return JSONResponse(body, status_code=200 if not problems else 503)

    @app.get("/progress", dependencies=[Depends(authorised)], responses=PROBLEM_RESPONSES)
    async def consumer_progress(request: Request) -> dict[str, Any]:
        """How far each consumer group has read its stream (for operators and scripts)."""
        redis = request.app.state.redis
        groups = [await progress(redis, item) for item in request.app.state.subscriptions]
        return {
            "service": service,
            "caught_up": all(g["caught_up"] for g in groups),
            "groups": groups,
        }
