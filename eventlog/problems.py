"""RFC 9457 problem details for every refusal, so HTTP callers see the stream's reason codes.

FastAPI's own 422 body is replaced: malformed JSON, unknown fields and bad values all come back
as `application/problem+json` with the shared reason code in `type` and field errors in `errors`.
A Redis that cannot be reached is a 503 `unavailable` with `Retry-After`, never a bare 500
(bodies over a megabyte are refused by `eventlog.body_limit`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from contracts.decisions import DomainError
from contracts.rejections import STATUS, TITLES, Reason, field_errors, problem_type
from eventlog.metric_counters import REFUSED

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from fastapi import FastAPI, Request

PROBLEM_JSON = "application/problem+json"
RETRY_SECONDS = 5
"""What a 503 tells a client to wait before trying again."""


class ProblemError(Exception):
    """Raised by routes to answer with a problem body."""

    def __init__(
        self,
        reason: Reason,
        detail: str,
        errors: Sequence[dict[str, Any]] = (),
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail
        self.errors = list(errors)
        self.headers = dict(headers or {})


def problem(
    reason: Reason, detail: str, errors: Sequence[dict[str, Any]] = (), instance: str = ""
) -> JSONResponse:
    """A problem response for `reason` (counted as a refusal over HTTP)."""
    REFUSED.labels("http", reason.value).inc()
    body: dict[str, Any] = {
        "type": problem_type(reason),
        "title": TITLES[reason],
        "status": STATUS[reason],
        "detail": detail,
    }
    if errors:
        body["errors"] = list(errors)
    if instance:
        body["instance"] = instance
    return JSONResponse(body, status_code=STATUS[reason], media_type=PROBLEM_JSON)


def _validation_problem(request: Request, errors: Sequence[Any]) -> JSONResponse:
    listed = field_errors(errors)
    if any(error["type"] == "json_invalid" for error in listed):
        return problem(Reason.MALFORMED, "the body is not valid JSON", listed, request.url.path)
    if any(error["loc"][-1:] == ["type"] for error in listed):
        return problem(Reason.UNKNOWN_TYPE, "the message type is not known", listed)
    count = len(listed)
    detail = f"{count} field error{'s' if count != 1 else ''}: " + "; ".join(
        f"{'.'.join(error['loc'])}: {error['msg']}" for error in listed[:5]
    )
    return problem(Reason.INVALID, detail, listed, request.url.path)


HTTP_BAD_REQUEST = 400
HTTP_METHOD_NOT_ALLOWED = 405


def _methods_at(request: Request) -> list[str]:
    """Every method some route serves at the request's path (what `Allow` must list)."""
    scope = {**request.scope, "method": "GET"}
    found: set[str] = set()
    for route in request.app.routes:
        methods = getattr(route, "methods", None)
        if methods and route.matches(scope)[0] is not Match.NONE:
            found |= set(methods)
    return sorted(found)


def install_problem_handlers(app: FastAPI) -> None:
    """Answer every refusal the app can produce with a problem body."""

    async def on_problem(request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, ProblemError)
        answer = problem(error.reason, error.detail, error.errors, request.url.path)
        answer.headers.update(error.headers)
        return answer

    async def on_request_validation(request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, RequestValidationError)
        return _validation_problem(request, error.errors())

    async def on_validation(request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, ValidationError)
        return _validation_problem(request, error.errors())

    async def on_domain(request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, DomainError)
        return problem(error.reason, error.detail, (), request.url.path)

    async def on_store_down(request: Request, error: Exception) -> JSONResponse:
        detail = f"the event store cannot be reached ({type(error).__name__}); try again shortly"
        answer = problem(Reason.UNAVAILABLE, detail, (), request.url.path)
        answer.headers["Retry-After"] = str(RETRY_SECONDS)
        return answer

    async def on_http(request: Request, error: Exception) -> JSONResponse:
        """Starlette's own refusals (no route, wrong method, an unreadable body) as problems."""
        assert isinstance(error, StarletteHTTPException)
        path = request.url.path
        if error.status_code == HTTP_BAD_REQUEST:
            return problem(Reason.MALFORMED, f"the body cannot be read: {error.detail}", (), path)
        if error.status_code == HTTP_METHOD_NOT_ALLOWED:
            allowed = _methods_at(request)
            answer = problem(
                Reason.METHOD_NOT_ALLOWED,
                f"{request.method} is not served at {path}; {', '.join(allowed)} are",
                (),
                path,
            )
            answer.headers["Allow"] = ", ".join(allowed)
            return answer
        return problem(Reason.NOT_FOUND, f"nothing is served at {path}", (), path)

    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(RedisConnectionError, on_store_down)
    app.add_exception_handler(RedisTimeoutError, on_store_down)
    app.add_exception_handler(ProblemError, on_problem)
    app.add_exception_handler(DomainError, on_domain)
    app.add_exception_handler(RequestValidationError, on_request_validation)
    app.add_exception_handler(ValidationError, on_validation)


_PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string", "description": "urn:estab:problem:REASON"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "loc": {"type": "array", "items": {"type": "string"}},
                    "msg": {"type": "string"},
                    "type": {"type": "string"},
                },
            },
        },
    },
}
_RETRY_AFTER = {"Retry-After": {"description": "seconds to wait", "schema": {"type": "string"}}}
_DOCUMENTED: dict[int, tuple[str, dict[str, Any]]] = {
    401: (
        "No bearer token, or one nobody issued",
        {"WWW-Authenticate": {"description": "Bearer", "schema": {"type": "string"}}},
    ),
    403: ("The token's role or tenants do not reach this request", {}),
    404: ("An unknown tenant, post, unit or event", {}),
    409: ("A conflict with the recorded timeline or version", {}),
    413: ("The body is over a megabyte", {}),
    422: ("Invalid input: field errors in `errors`", {}),
    429: ("The token's request budget is spent", _RETRY_AFTER),
    503: ("The event store cannot be reached", _RETRY_AFTER),
}

PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {
        "description": description,
        "content": {PROBLEM_JSON: {"schema": _PROBLEM_SCHEMA}},
        **({"headers": headers} if headers else {}),
    }
    for status, (description, headers) in _DOCUMENTED.items()
}
"""The problem answers any route may give, as OpenAPI responses (RFC 9457 bodies)."""
