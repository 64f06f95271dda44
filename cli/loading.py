"""Load a scenario through the HTTP API, the way an HR system would, showing progress.

Every step carries a command id derived from the scenario and step names, so loading the same
file again records nothing new: each service answers a repeat with its original answer and the
`Idempotent-Replayed` header, and such steps are not counted as recorded. A proposal file is
drafted at establishment's `/proposals` (its commands added in one request, then its decisions),
so nothing of it reaches the live log; a refused request there stops the file (a proposal whose
commands were refused is not then submitted).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import httpx
from rich.progress import track

from cli.patient_transport import PatientTransport
from contracts.rejections import Reason, problem_type
from eventlog.http_params import REPLAYED
from scenarios.loader import Scenario, http_request, load_scenario, proposal_requests, service_of

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

    from rich.console import Console


class TenantNotProvisionedError(LookupError):
    """The scenario's tenant does not exist on the stack; nothing was loaded."""


@dataclass
class LoadReport:
    """What happened to each step of a scenario."""

    name: str
    tenant: str
    steps: int = 0
    recorded: int = 0
    repeated: int = 0
    failures: list[tuple[str, dict[str, Any]]] = field(default_factory=list)


def problem_of(reply: httpx.Response) -> dict[str, Any]:
    """A refused request's problem body (or one made from its status, if it sent none)."""
    try:
        body = reply.json()
    except ValueError:
        return {"title": f"HTTP {reply.status_code}", "detail": reply.text[:500]}
    return body if isinstance(body, dict) else {"title": f"HTTP {reply.status_code}"}


def _requests(
    scenario: Scenario, urls: Mapping[str, str]
) -> list[tuple[str, str, str, dict[str, Any]]]:
    """(step, method, URL, body) of each request that records the scenario."""
    if scenario.proposal is not None:
        base = urls["establishment"]
        return [
            (label, "POST", f"{base}{path}", body)
            for label, path, body in proposal_requests(scenario)
        ]
    sent = []
    for step in scenario.steps:
        method, route, body = http_request(step.command)
        sent.append((step.step, method, f"{urls[service_of(step.command)]}{route}", body))
    return sent


def load_file(
    console: Console,
    path: Path,
    urls: Mapping[str, str],
    access: Mapping[str, str],
    tenant: str | None = None,
) -> LoadReport:
    """Send every step of the scenario at `path` to the service that records it (`urls`).

    `access` is the Authorization header every request carries.

    Raises:
        ScenarioError: the file is not a valid scenario (nothing is sent).
        TenantNotProvisionedError: its tenant is not provisioned (nothing is recorded).
    """
    scenario = load_scenario(path)
    requests = _requests(scenario, urls)
    report = LoadReport(scenario.name, tenant or scenario.tenant, steps=len(requests))
    headers = {**access, "X-Tenant": report.tenant}
    with httpx.Client(headers=headers, timeout=60, transport=PatientTransport()) as client:
        for step, method, url, body in track(
            requests, description=f"Loading {scenario.name}", console=console
        ):
            reply = client.request(method, url, json=body)
            if reply.is_success:
                if reply.headers.get(REPLAYED) == "true":
                    report.repeated += 1
                else:
                    report.recorded += 1
                continue
            problem = problem_of(reply)
            if problem.get("type") == problem_type(Reason.UNKNOWN_TENANT):
                raise TenantNotProvisionedError(str(problem.get("detail")))
            report.failures.append((step, problem))
            if scenario.proposal is not None:
                break
    what = f"proposal {scenario.proposal.proposal_id!r}, " if scenario.proposal else ""
    console.print(
        f"{scenario.name}: {what}{report.recorded} of {report.steps} steps recorded "
        f"for tenant {report.tenant!r}"
        + (f" ({report.repeated} recorded before)" if report.repeated else "")
        + (f"; {len(report.failures)} refused" if report.failures else "")
    )
    return report
