"""The tenant registry in Redis, and the tenants one service process serves because of it.

The registry is a hash-chained event store of its own (`{_system}:tenants.events`): provisioning
a tenant appends `TenantProvisioned` there, and every service follows that stream. A service
serves exactly the tenants the registry lists: a read or write for any other is refused as
`unknown-tenant`, never answered empty and never accepted into a stream nobody reads. Before
refusing, the registry is read again, so a tenant provisioned a moment ago is known at once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from redis.asyncio import Redis

from contracts.decisions import DomainError
from contracts.streams import SYSTEM, TENANT_EVENTS, InvalidTenantError, StoreKeys, check_tenant
from contracts.tenancy import ProvisionTenant
from eventlog.clock import Clock, system_clock
from eventlog.command_log import Accepted, CommandLog, Refused, Submitted
from eventlog.redis_client import redis_client
from eventlog.tenant_directory import TenantDirectory, TenantRecord, decide_tenant

if TYPE_CHECKING:
    from collections.abc import Awaitable, Sequence

    from contracts.decisions import EventDraft

LogT = TypeVar("LogT", bound=CommandLog[Any, Any])

OpenLog = Callable[[Redis, TenantRecord, Clock], LogT]
"""Opens a tenant's command log from the registry's record of it (its name and policies)."""


def by_name(make: Callable[[Redis, str, Clock], LogT]) -> OpenLog[LogT]:
    """An `OpenLog` for a log that needs only the tenant's name, not its policies."""

    def open_log(redis: Redis, record: TenantRecord, clock: Clock) -> LogT:
        return make(redis, record.tenant, clock)

    return open_log


class UnknownTenantError(LookupError):
    """A tenant that was never provisioned (or a name no tenant could have)."""

    def __init__(self, tenant: str) -> None:
        super().__init__(
            f"tenant {tenant!r} is not provisioned: create it first (estab tenant create "
            f"{tenant}, or POST /tenants on establishment)"
        )
        self.tenant = tenant


class TenantRegistry(CommandLog[ProvisionTenant, TenantDirectory]):
    """The system's registry of tenants, as recorded in its own stream."""

    def __init__(self, redis: Redis, clock: Clock = system_clock, system: str = SYSTEM) -> None:
        keys = StoreKeys.for_system(TENANT_EVENTS, system)
        super().__init__(redis, system, TENANT_EVENTS, clock, keys)

    def new_projection(self) -> TenantDirectory:
        """No tenants yet."""
        return TenantDirectory()

    def decide(self, command: ProvisionTenant, projection: TenantDirectory) -> Sequence[EventDraft]:
        """Provisioning rules; the tenant exists from today."""
        return decide_tenant(command, projection, self.clock().date().isoformat())

    async def provision(self, command: ProvisionTenant) -> tuple[TenantRecord, bool]:
        """Record `command`'s tenant (or find it recorded); (the tenant, whether it is new).

        Raises:
            DomainError: the tenant exists with different settings.
        """
        outcome = (await self.execute([Submitted(command, None)]))[0]
        if isinstance(outcome, Refused):
            raise DomainError(outcome.reason, outcome.detail)
        directory = await self.current()
        return directory.tenants[command.tenant], isinstance(outcome, Accepted)


class TenantLogs(Generic[LogT]):
    """The command log of every provisioned tenant this process serves, opened on first use.

    `open_log` makes a tenant's log from its record (its name and policies); `on_new` is called
    once for each tenant as it becomes known (its consumer groups and subscribers are started
    there), whether the watcher or a request noticed it first.
    """

    def __init__(
        self,
        redis: Redis,
        open_log: OpenLog[LogT],
        clock: Clock,
        on_new: Callable[[str, LogT], Awaitable[None]],
        system: str = SYSTEM,
    ) -> None:
        self.redis = redis
        self.clock = clock
        self.registry = TenantRegistry(redis, clock, system)
        self._open = open_log
        self._on_new = on_new
        self._logs: dict[str, LogT] = {}
        self._lock = asyncio.Lock()

    @property
    def served(self) -> list[str]:
        """The tenants this process serves so far, sorted."""
        return sorted(self._logs)

    async def refresh(self) -> list[str]:
        """Read the registry again and start serving any tenant new to this process."""
        directory = await self.registry.current()
        async with self._lock:
            new = [tenant for tenant in sorted(directory.tenants) if tenant not in self._logs]
            for tenant in new:
                log = self._open(self.redis, directory.tenants[tenant], self.clock)
                await self._on_new(tenant, log)
                self._logs[tenant] = log
        return new

    async def tenant(self, tenant: str) -> LogT:
        """The log of `tenant`.

        Raises:
            UnknownTenantError: it is not provisioned (the registry was re-read to be sure).
        """
        found = self._logs.get(tenant)
        if found is not None:
            return found
        try:
            check_tenant(tenant)
        except InvalidTenantError:
            raise UnknownTenantError(tenant) from None
        await self.refresh()
        found = self._logs.get(tenant)
        if found is None:
            raise UnknownTenantError(tenant)
        return found

    async def record(self, tenant: str) -> TenantRecord:
        """The registry's record of `tenant` (its name and policies).

        Raises:
            UnknownTenantError: it is not provisioned.
        """
        await self.tenant(tenant)
        return (await self.registry.current()).tenants[tenant]


async def provision_at(
    redis_url: str, *commands: ProvisionTenant, system: str = SYSTEM
) -> list[TenantRecord]:
    """Provision each tenant in the registry of the Redis at `redis_url` (for `estab` and tools).

    Raises:
        DomainError: a tenant exists with different settings.
    """
    redis = redis_client(redis_url)
    try:
        registry = TenantRegistry(redis, system=system)
        return [(await registry.provision(command))[0] for command in commands]
    finally:
        await redis.aclose()
