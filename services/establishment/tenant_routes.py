"""`POST /tenants` and `GET /tenants`: provisioning organisations, on the establishment service.

Provisioning records `TenantProvisioned` in the system's tenant registry; every service follows
that registry and serves the tenant within a poll interval (this one at once). The same request
again answers 200 with the tenant as recorded; different settings for an existing tenant are a
409, since other services have already decided by the recorded ones.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from contracts.tenancy import ProvisionTenant  # noqa: TC001 - FastAPI reads route annotations
from eventlog.http_params import as_caller

if TYPE_CHECKING:
    from eventlog.tenant_registry import TenantLogs

router = APIRouter()


@router.post(
    "/tenants",
    status_code=201,
    responses={200: {"description": "already provisioned with these settings"}},
)
async def provision_tenant(request: Request, body: ProvisionTenant) -> JSONResponse:
    """Provision a tenant (201), or find it provisioned with these settings (200)."""
    logs: TenantLogs[Any] = request.app.state.logs
    record, new = await logs.registry.provision(as_caller(request, body))
    await logs.refresh()
    return JSONResponse(record.view(), status_code=201 if new else 200)


@router.get("/tenants")
async def list_tenants(request: Request) -> dict[str, Any]:
    """Every provisioned tenant, with its name and policies."""
    logs: TenantLogs[Any] = request.app.state.logs
    directory = await logs.registry.current()
    return {"tenants": [directory.tenants[key].view() for key in sorted(directory.tenants)]}
