"""The tenant registry folded: which tenants exist and their policies; the rule for adding one.

Pure: the registry stream (`{_system}:tenants.events`) is folded here, and `decide_tenant` says
what provisioning records. Provisioning the same tenant again with nothing different records
nothing (the caller answers 200 with the tenant as it is); asking for different settings is a
conflict, since a tenant's policies are facts other services have already decided by.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from contracts.decisions import DomainError, EventDraft
from contracts.rejections import Reason
from contracts.tenancy import ProvisionTenant, TenantPolicy, TenantProvisioned
from eventlog.folding import Folded, FoldPosition

TENANT = "tenant"


@dataclass(frozen=True, slots=True)
class TenantRecord:
    """One provisioned tenant."""

    tenant: str
    name: str
    policy: TenantPolicy
    provisioned_on: str

    def view(self) -> dict[str, Any]:
        """As `GET /tenants` shows it."""
        return {
            "tenant": self.tenant,
            "name": self.name,
            "vacancy_control": self.policy.vacancy_control,
            "approval_months": self.policy.approval_months,
            "person_ref_pattern": self.policy.person_ref_pattern,
            "provisioned_on": self.provisioned_on,
        }


class TenantDirectory(FoldPosition):
    """Every tenant provisioned so far, by key."""

    def __init__(self) -> None:
        super().__init__()
        self.tenants: dict[str, TenantRecord] = {}

    def apply(self, event: dict[str, Any], entry_id: str = "") -> Folded:
        """Fold one registry event in recorded order."""
        folded = self.advance(event, entry_id)
        if event["type"] == "TenantProvisioned":
            payload = event["payload"]
            self.tenants[payload["tenant"]] = TenantRecord(
                tenant=payload["tenant"],
                name=payload["name"],
                policy=TenantPolicy(
                    vacancy_control=payload["vacancy_control"],
                    approval_months=payload["approval_months"],
                    person_ref_pattern=payload.get("person_ref_pattern"),
                ),
                provisioned_on=event["effective_date"],
            )
        return folded


def _differences(command: ProvisionTenant, record: TenantRecord) -> list[str]:
    """The settings a repeated provisioning gives that differ from the recorded ones."""
    given = command.model_fields_set
    recorded = {
        "name": record.name,
        "vacancy_control": record.policy.vacancy_control,
        "approval_months": record.policy.approval_months,
        "person_ref_pattern": record.policy.person_ref_pattern,
    }
    return [
        f"{field} is {recorded[field]!r}, not {getattr(command, field)!r}"
        for field in recorded
        if field in given and getattr(command, field) != recorded[field]
    ]


def decide_tenant(
    command: ProvisionTenant, directory: TenantDirectory, today: str
) -> list[EventDraft]:
    """`TenantProvisioned` (effective `today`) for a new tenant; nothing for a same-again repeat.

    Raises:
        DomainError: the tenant exists with different settings.
    """
    record = directory.tenants.get(command.tenant)
    if record is not None:
        differences = _differences(command, record)
        if differences:
            raise DomainError(
                Reason.ALREADY_EXISTS,
                f"tenant {command.tenant!r} already exists and its " + "; ".join(differences),
            )
        return []
    event = TenantProvisioned(
        tenant=command.tenant,
        name=command.name or command.tenant,
        vacancy_control=command.vacancy_control,
        approval_months=command.approval_months,
        person_ref_pattern=command.person_ref_pattern,
    )
    return [
        EventDraft(
            "TenantProvisioned",
            TENANT,
            command.tenant,
            today,
            event.model_dump(mode="json"),
            directory.version(TENANT, command.tenant),
        )
    ]
