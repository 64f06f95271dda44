"""The tenant registry against real Redis: provisioning, repeats, conflicts, and who serves what."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import uuid4

import pytest

from cli.audit import verify_all
from contracts.decisions import DomainError
from contracts.rejections import Reason
from contracts.streams import TENANT_EVENTS, StoreKeys
from contracts.tenancy import ProvisionTenant
from eventlog.clock import system_clock
from eventlog.command_log import CommandLog
from eventlog.tenant_registry import TenantLogs, TenantRegistry, UnknownTenantError, by_name
from services.grading.application import TenantGrading

if TYPE_CHECKING:
    from redis.asyncio import Redis

pytestmark = pytest.mark.redis


def name() -> str:
    return f"r-{uuid4().hex[:10]}"


async def test_provisioning_records_one_event_and_the_same_again_records_nothing(
    registry: TenantRegistry, redis: Redis, system: str
) -> None:
    """A new tenant is one TenantProvisioned; the same request again is no event and not new."""
    tenant = name()
    record, new = await registry.provision(ProvisionTenant(tenant=tenant, name="Newtown"))
    assert (record.name, record.policy.vacancy_control, new) == ("Newtown", "advisory", True)
    again, new_again = await registry.provision(ProvisionTenant(tenant=tenant))
    assert (again, new_again) == (record, False)
    assert await redis.xlen(StoreKeys.for_system(TENANT_EVENTS, system).stream) == 1


async def test_provisioning_an_existing_tenant_with_other_settings_is_a_conflict(
    registry: TenantRegistry,
) -> None:
    """Different settings for a tenant that exists are refused, naming what differs."""
    tenant = name()
    await registry.provision(ProvisionTenant(tenant=tenant, vacancy_control="required"))
    with pytest.raises(DomainError) as refused:
        await registry.provision(ProvisionTenant(tenant=tenant, approval_months=6))
    assert refused.value.reason is Reason.ALREADY_EXISTS
    assert "approval_months is 4, not 6" in refused.value.detail


async def test_a_process_serves_a_tenant_once_it_is_provisioned_and_never_before(
    redis: Redis, system: str
) -> None:
    """`TenantLogs` refuses an unknown tenant, then serves it (once) after provisioning."""
    served: list[str] = []

    async def on_new(tenant: str, _log: Any) -> None:
        served.append(tenant)

    logs: TenantLogs[CommandLog[Any, Any]] = TenantLogs(
        redis, by_name(TenantGrading), system_clock, on_new, system
    )
    tenant = name()
    with pytest.raises(UnknownTenantError):
        await logs.tenant(tenant)
    with pytest.raises(UnknownTenantError):
        await logs.tenant("Not A Tenant!")
    await TenantRegistry(redis, system=system).provision(ProvisionTenant(tenant=tenant))
    first = await logs.tenant(tenant)
    await logs.refresh()
    assert await logs.tenant(tenant) is first
    assert served == [tenant]


async def test_verify_checks_the_tenant_registry_chain(redis_url: str) -> None:
    """`estab verify` (all tenants) verifies the default registry's hash chain first."""
    results = await verify_all(redis_url, [])
    assert results[0][:2] == ("_system", TENANT_EVENTS)
    assert results[0][2].ok
