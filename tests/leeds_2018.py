"""Seed 000's Leeds recorded through the services, as finance, HR and payroll would send it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from driving import caught_up, load, send
from seed_000 import BASIS

if TYPE_CHECKING:
    from conftest import ServiceProcess


def record_leeds_2018(services: dict[str, ServiceProcess], tenant: str) -> str:
    """The costing basis, the 2018 redesign and its postholders, every service caught up."""
    for command in BASIS:
        send(services, tenant, command)
    load(services, tenant, "leeds_2018_children_and_families", "leeds_2018_postholders")
    for service in services.values():
        caught_up(service)
    return tenant
