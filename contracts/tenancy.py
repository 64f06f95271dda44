"""Tenant messages: provisioning an organisation, and the policies every service applies to it.

A tenant exists once `TenantProvisioned` is recorded in the system's tenant registry; until then
no service reads or writes anything for it. Its settings are policies other services consult
when deciding (recruitment's vacancy control), so they are recorded facts, not configuration.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from contracts.envelope import Message
from contracts.establishment import CommandFields
from contracts.identifiers import Title

TenantName = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,62}$")]
"""A tenant's key: 1-63 lower-case letters, digits, `-` or `_` (it becomes a Redis hash tag)."""

VacancyControl = Literal["advisory", "required"]
"""`required`: an appointment needs a live approval to recruit; `advisory`: it is flagged."""

DEFAULT_APPROVAL_MONTHS = 4
"""How long an approval to recruit stays live unless a tenant says otherwise."""


class TenantPolicy(Message):
    """The policies of one tenant that the services apply when deciding."""

    vacancy_control: VacancyControl = "advisory"
    approval_months: int = Field(default=DEFAULT_APPROVAL_MONTHS, ge=1, le=36)


class ProvisionTenant(CommandFields):
    """Record an organisation as a tenant, with its display name and policies."""

    type: Literal["ProvisionTenant"] = "ProvisionTenant"
    tenant: TenantName
    name: Title | None = None
    vacancy_control: VacancyControl = "advisory"
    approval_months: int = Field(default=DEFAULT_APPROVAL_MONTHS, ge=1, le=36)


class TenantProvisioned(Message):
    """A tenant exists from the envelope's recorded time: every service now follows it."""

    tenant: TenantName
    name: Title
    vacancy_control: VacancyControl
    approval_months: int
