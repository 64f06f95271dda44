"""Seed 000's Leeds recorded through the services, as finance, HR and payroll would send it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from driving import caught_up, load, send
from seed_000 import BASIS

from contracts.registry import command_from_message
from eventlog.command_log import Submitted
from scenarios.loader import bundled_scenario, load_scenario
from services.establishment.application import TenantEstablishment

if TYPE_CHECKING:
    from conftest import ServiceProcess
    from redis.asyncio import Redis


def record_leeds_2018(services: dict[str, ServiceProcess], tenant: str) -> str:
    """The costing basis, the 2018 redesign and its postholders, every service caught up."""
    for command in BASIS:
        send(services, tenant, command)
    load(services, tenant, "leeds_2018_children_and_families", "leeds_2018_postholders")
    for service in services.values():
        caught_up(service)
    return tenant


async def log_leeds_2018_redesign(redis: Redis, tenant: str) -> None:
    """The 2018 redesign's 38 establishment events, decided and appended with no service running."""
    log = TenantEstablishment(redis, tenant)
    scenario = load_scenario(bundled_scenario("leeds_2018_children_and_families"))
    commands = [command_from_message(step.command) for step in scenario.steps]
    await log.execute([Submitted(command) for command in commands])
