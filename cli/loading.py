"""Load a scenario through the HTTP API, the way an HR system would, showing progress.

Every step carries a command id derived from the scenario and step names, so loading the same
file again records nothing new.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import httpx
from rich.progress import track

from scenarios.loader import http_request, load_scenario, service_of

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

    from rich.console import Console


@dataclass
class LoadReport:
    """What happened to each step of a scenario."""

    name: str
    tenant: str
    recorded: int = 0
    failures: list[tuple[str, dict[str, Any]]] = field(default_factory=list)


def load_file(
    console: Console, path: Path, urls: Mapping[str, str], tenant: str | None = None
) -> LoadReport:
    """Send every step of the scenario at `path` to the service that records it (`urls`)."""
    scenario = load_scenario(path)
    report = LoadReport(scenario.name, tenant or scenario.tenant)
    with httpx.Client(headers={"X-Tenant": report.tenant}, timeout=30) as client:
        for step in track(scenario.steps, description=f"Loading {scenario.name}", console=console):
            method, route, body = http_request(step.command)
            url = urls[service_of(step.command)]
            reply = client.request(method, f"{url}{route}", json=body)
            if reply.is_success:
                report.recorded += 1
            else:
                report.failures.append((step.step, reply.json()))
    console.print(
        f"{scenario.name}: {report.recorded} of {len(scenario.steps)} steps recorded "
        f"for tenant {report.tenant!r}"
    )
    return report
