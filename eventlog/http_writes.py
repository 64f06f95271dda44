"""Register a service's command POSTs from a table: path, command model (the body), summary.

FastAPI reads a route's body type from its annotations, so each route is a small closure whose
`body` annotation is set to its command model; the OpenAPI document then names every body.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fastapi import Request  # noqa: TC002 - FastAPI reads route annotations at runtime
from fastapi.responses import JSONResponse  # noqa: TC002 - the same

from contracts.streams import DEFAULT_TENANT
from eventlog.http_params import TenantHeader  # noqa: TC001 - read at runtime by FastAPI

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Sequence

    from fastapi import APIRouter
    from pydantic import BaseModel


def add_writes(
    router: APIRouter,
    writes: Sequence[tuple[str, type[BaseModel], str]],
    record: Callable[[Request, str, Any], Awaitable[JSONResponse]],
) -> None:
    """`POST path` for each row, answering 201 with what `record` returns for the body."""
    for path, model, summary in writes:

        async def endpoint(
            request: Request, body: Any, x_tenant: TenantHeader = DEFAULT_TENANT
        ) -> JSONResponse:
            return await record(request, x_tenant, body)

        endpoint.__annotations__ = {**endpoint.__annotations__, "body": model}
        endpoint.__doc__ = summary
        endpoint.__name__ = path.strip("/").replace("-", "_").replace("/", "_")
        router.add_api_route(path, endpoint, methods=["POST"], status_code=201)
