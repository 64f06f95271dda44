"""The bearer-token check every route but `GET /health` depends on (eventlog.access decides).

401 without a token or with one nobody issued, 403 when its role or tenants do not reach the
request, 429 (with `Retry-After`) when the token has spent its request budget
(eventlog.rate_limit); all are problem bodies, logged with the route and the identity but never
the token.
The grant is left on `request.state.grant`, so a recorded command names its identity as actor.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Annotated

import structlog
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from contracts.rejections import Reason
from contracts.streams import DEFAULT_TENANT
from eventlog.access import Grant, TokenBook, refusal
from eventlog.problems import ProblemError

if TYPE_CHECKING:
    from eventlog.rate_limit import RateLimiter

log = structlog.get_logger()

BEARER = HTTPBearer(
    auto_error=False,
    scheme_name="bearer",
    description="A token from the stack's tokens file (`DATA_DIR/tokens.json`), one per role.",
)
CHALLENGE = {"WWW-Authenticate": 'Bearer realm="estab"'}


async def authorised(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER)],
) -> Grant:
    """The grant of the request's bearer token, if it reaches this request; else a problem."""
    book: TokenBook = request.app.state.tokens
    service: str = request.app.state.service
    method, path = request.method, request.url.path
    grant = book.grant_for(credentials.credentials) if credentials is not None else None
    if grant is None:
        why = "no bearer token" if credentials is None else "a bearer token nobody issued"
        log.warning("access refused", status=401, method=method, path=path, why=why)
        raise ProblemError(
            Reason.UNAUTHENTICATED,
            f"{why}: send `Authorization: Bearer TOKEN` with a token from the tokens file",
            headers=CHALLENGE,
        )
    tenant = request.headers.get("X-Tenant", DEFAULT_TENANT)
    why_not = refusal(grant, service, method, path, tenant)
    if why_not is not None:
        log.warning("access refused", status=403, method=method, path=path, identity=grant.identity)
        raise ProblemError(Reason.FORBIDDEN, why_not)
    limits: RateLimiter = request.app.state.rate_limits
    wait = limits.take(grant.identity, time.monotonic())
    if wait is not None:
        log.warning("rate limited", status=429, path=path, identity=grant.identity)
        raise ProblemError(
            Reason.RATE_LIMITED,
            f"{grant.identity!r} has sent more requests than its budget; try again in {wait} s",
            headers={"Retry-After": str(wait)},
        )
    request.state.grant = grant
    return grant


Authorised = Annotated[Grant, Depends(authorised)]
"""A route parameter that is the caller's grant."""
