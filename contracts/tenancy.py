"""Tenant messages: provisioning an organisation, and the policies every service applies to it.

A tenant exists once `TenantProvisioned` is recorded in the system's tenant registry; until then
no service reads or writes anything for it. Its settings are policies other services consult
when deciding (recruitment's vacancy control), so they are recorded facts, not configuration.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, StringConstraints

from contracts.envelope import Message
from contracts.establishment import CommandFields
from contracts.identifiers import Title

TenantName = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,62}$")]
"""A tenant's key: 1-63 lower-case letters, digits, `-` or `_` (it becomes a Redis hash tag)."""

VacancyControl = Literal["advisory", "required"]
"""`required`: an appointment needs a live approval to recruit; `advisory`: it is flagged."""

DEFAULT_APPROVAL_MONTHS = 4
"""How long an approval to recruit stays live unless a tenant says otherwise."""


def compiles(pattern: str) -> str:
    """`pattern`, if it is a regular expression Python can compile."""
    try:
        re.compile(pattern)
    except re.error as error:
        raise ValueError(f"not a regular expression: {error}") from error
    return pattern


PersonRefPattern = Annotated[
    str, StringConstraints(min_length=1, max_length=200), AfterValidator(compiles)
]
"""A tenant's own shape for person references (matched whole), on top of contracts.people's."""


class TenantPolicy(Message):
    """The policies of one tenant that the services apply when deciding."""

    vacancy_control: VacancyControl = "advisory"
    approval_months: int = Field(default=DEFAULT_APPROVAL_MONTHS, ge=1, le=36)
    person_ref_pattern: PersonRefPattern | None = None


class ProvisionTenant(CommandFields):
    """Record an organisation as a tenant, with its display name and policies."""

    type: Literal["ProvisionTenant"] = "ProvisionTenant"
    tenant: TenantName
    name: Title | None = None
    vacancy_control: VacancyControl = "advisory"
    approval_months: int = Field(default=DEFAULT_APPROVAL_MONTHS, ge=1, le=36)
    person_ref_pattern: PersonRefPattern | None = None
    """e.g. `E[0-9]{6}`: every person_ref must match it whole (besides being opaque)."""


class TenantProvisioned(Message):
    """A tenant exists from the envelope's recorded time: every service now follows it."""

    tenant: TenantName
    name: Title
    vacancy_control: VacancyControl
    approval_months: int
    person_ref_pattern: str | None = None
