"""Who may do what over HTTP: roles, the grants tokens carry, and the one table of write roles.

Pure: no FastAPI, no files. A token is looked up by comparing it, in constant time, with every
token known (never a dictionary keyed by the secret, never an early exit), so the time an answer
takes says nothing about how close a guess was. Reads need any role (every role includes
`auditor`'s); a write needs the role that owns the service's commands, or `admin`; provisioning
tenants is `admin`'s alone. A grant may be scoped to some tenants.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable


class Role(StrEnum):
    """What a token lets its holder do (API.md, Access)."""

    HR = "hr"
    PAYROLL_CONFIG = "payroll-config"
    FINANCE = "finance"
    AUDITOR = "auditor"
    ADMIN = "admin"


WRITERS: dict[str, Role] = {
    "establishment": Role.HR,
    "recruitment": Role.HR,
    "grading": Role.PAYROLL_CONFIG,
    "finance": Role.FINANCE,
}
"""The role whose commands each service records (besides `admin`, who may do everything)."""

ADMIN_PATHS = ("/tenants", "/people")
"""Writes under these paths are `admin`'s alone: provisioning a tenant, erasing a person."""

READS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True, slots=True)
class Grant:
    """What one token allows: who it is (the recorded actor), its role, and its tenants."""

    identity: str
    role: Role
    tenants: frozenset[str] | None = None
    """None: every tenant."""

    def serves(self, tenant: str) -> bool:
        """Whether the grant reaches `tenant`."""
        return self.tenants is None or tenant in self.tenants


def needed_role(service: str, method: str, path: str) -> Role | None:
    """The role a request needs besides `admin` (None: any role, i.e. a read)."""
    if method.upper() in READS:
        return None
    if any(path == prefix or path.startswith(prefix + "/") for prefix in ADMIN_PATHS):
        return Role.ADMIN
    return WRITERS.get(service, Role.ADMIN)


def refusal(grant: Grant, service: str, method: str, path: str, tenant: str) -> str | None:
    """Why `grant` may not make this request (None: it may)."""
    if not grant.serves(tenant):
        return f"{grant.identity!r} is not granted tenant {tenant!r}"
    needed = needed_role(service, method, path)
    if needed is None or grant.role in {needed, Role.ADMIN}:
        return None
    held = grant.role.value
    return f"{method.upper()} {path} on {service} needs role {needed.value!r}, not {held!r}"


def _digest(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


class TokenBook:
    """The tokens a service accepts, each with its grant."""

    def __init__(self, entries: Iterable[tuple[str, Grant]]) -> None:
        self._entries = [(_digest(token), grant) for token, grant in entries]

    def __len__(self) -> int:
        return len(self._entries)

    def grant_for(self, token: str) -> Grant | None:
        """The grant of `token`, comparing it with every known token in constant time."""
        presented = _digest(token)
        found: Grant | None = None
        for digest, grant in self._entries:
            if hmac.compare_digest(presented, digest):
                found = grant
        return found
