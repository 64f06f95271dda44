"""Stream, group and key names, each carrying the tenant as a Redis Cluster hash tag.

Every key of one tenant shares the `{tenant}` hash tag, so one organisation's streams and their
bookkeeping live in one cluster slot and a Lua append over them stays atomic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

TENANT_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
DEFAULT_TENANT = "default"

SYSTEM = "_system"
"""The hash tag of the system's own streams (the tenant registry); no tenant can be named so.

A deployment may name another (`ESTAB_SYSTEM`, starting with `_`), so that several stacks (a
training copy beside the live one, or each test of a suite) share one Redis without seeing each
other's tenants."""
SYSTEM_PATTERN = re.compile(r"^_[a-z0-9_-]{1,62}$")
TENANT_EVENTS = "tenants.events"

ESTABLISHMENT_COMMANDS = "establishment.commands"
ESTABLISHMENT_EVENTS = "establishment.events"
ESTABLISHMENT_REJECTIONS = "establishment.rejections"
ESTABLISHMENT_PROPOSALS = "establishment.proposals"
GRADING_EVENTS = "grading.events"
GRADING_REJECTIONS = "grading.rejections"
RECRUITMENT_COMMANDS = "recruitment.commands"
RECRUITMENT_EVENTS = "recruitment.events"
RECRUITMENT_REJECTIONS = "recruitment.rejections"
RECRUITMENT_PERSON_KEYS = "recruitment.person-keys"
"""A hash, not a stream: each person's key and pseudonym (eventlog.person_keys)."""
FINANCE_COST_UPDATES = "finance.cost-updates"
FINANCE_EVENTS = "finance.events"
FINANCE_REJECTIONS = "finance.rejections"

EVENT_STREAMS = (
    ESTABLISHMENT_EVENTS,
    ESTABLISHMENT_PROPOSALS,
    GRADING_EVENTS,
    RECRUITMENT_EVENTS,
    FINANCE_EVENTS,
    FINANCE_COST_UPDATES,
)
"""Hash-chained event stores that `verify` and `replay` walk, in dependency order."""


class InvalidTenantError(ValueError):
    """A tenant name that cannot be used inside a Redis hash tag."""


def check_tenant(tenant: str) -> str:
    """Return `tenant` if it is a safe lower-case name, else raise InvalidTenantError."""
    if not TENANT_PATTERN.fullmatch(tenant):
        raise InvalidTenantError(
            f"tenant {tenant!r} must be 1-63 lower-case letters, digits, '-' or '_'"
        )
    return tenant


def stream_key(tenant: str, stream: str) -> str:
    """The Redis key of `stream` for `tenant`, e.g. `{leeds}:establishment.events`."""
    return f"{{{check_tenant(tenant)}}}:{stream}"


def dead_letter_key(tenant: str, stream: str, group: str) -> str:
    """Where messages that `group` could not process after repeated delivery are kept."""
    return f"{stream_key(tenant, stream)}:dead-letters:{group}"


@dataclass(frozen=True, slots=True)
class StoreKeys:
    """The keys one hash-chained event store uses; all in the tenant's slot."""

    stream: str
    versions: str
    idempotency: str
    head: str

    @classmethod
    def for_stream(cls, tenant: str, stream: str) -> StoreKeys:
        """Keys of the event store behind `stream` for `tenant`."""
        return cls.for_base(stream_key(tenant, stream))

    @classmethod
    def for_system(cls, stream: str, system: str = SYSTEM) -> StoreKeys:
        """Keys of one of the system's own event stores (`{_system}:<stream>`)."""
        return cls.for_base(f"{{{system}}}:{stream}")

    @classmethod
    def for_base(cls, base: str) -> StoreKeys:
        """Keys of the event store whose stream is `base`."""
        return cls(
            stream=base,
            versions=f"{base}:versions",
            idempotency=f"{base}:idempotency",
            head=f"{base}:head",
        )
