"""Who may do what in Redis: one ACL user per service, an operator, an auditor (pure).

Each service's user reaches only its own keys (`{*}:<service>.*`) and, for each stream it
follows, that stream, its head, the snapshots followers keep of it and its own dead letters,
with a fixed list of commands: no `FLUSH*`, `CONFIG`, `CLIENT KILL|PAUSE`, `SCRIPT FLUSH`,
`DEBUG`, `SHUTDOWN`, `KEYS`, `DEL`, `XTRIM` or `ACL`, and `XDEL`/`HDEL` for recruitment alone
(erasure, docs/PERSONAL_DATA.md). The default user is off.

Two renderings of the same table:

- **Redis 6.2** (the bundled server) has no selectors: a user's commands apply to all its keys,
  so a service may also append to a stream it follows, or replace one of its own keys with the
  `SET` its leases need. Such an entry cannot carry the owner's head signature
  (eventlog.head_signing), and a replaced stream fails a checkpoint, so `estab verify` names
  either.
- **Redis 7** adds selectors: a followed stream is read-only (`%R~`) except for the consumer
  group commands, and `SET`/`PEXPIREAT` reach only a service's lease keys, so no service can
  append to another's stream, or trim or replace any.

What no Redis ACL can express is a consumer group's name: a service that may `XACK` on a stream
may ack any group there. Its own streams and the streams it follows are the only ones it can
reach at all (docs/RELIABILITY.md, Redis access).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from contracts.streams import (
    ESTABLISHMENT_EVENTS,
    ESTABLISHMENT_PROPOSALS,
    GRADING_EVENTS,
    RECRUITMENT_EVENTS,
    TENANT_EVENTS,
)

if TYPE_CHECKING:
    from collections.abc import Mapping

OPERATOR = "operator"
"""`estab up` and the `estab` CLI: provisioning, verify, replay, checkpoint. Every command."""

AUDITOR = "auditor"
"""Reads only: for an auditor's own tools."""

HEALTHCHECK = "healthcheck"
"""`PING` and nothing else: for a container's health check."""

CONNECTION = (
    "+ping",
    "+hello",
    "+auth",
    "+select",
    "+echo",
    "+client|setname",
    "+client|getname",
    "+client|id",
)
QUIETED = ("+client|setinfo",)
"""redis-py's `CLIENT SETINFO` on connecting, allowed on 6.2 (which has no such command, so the
ACL log stays clean); Redis 7.0 refuses an ACL naming it, 7.2+ denies it and redis-py carries on."""
READS = (
    "+xrange",
    "+xrevrange",
    "+xread",
    "+xlen",
    "+xinfo|stream",
    "+hget",
    "+hmget",
    "+hgetall",
    "+hexists",
    "+sismember",
    "+smismember",
    "+get",
    "+exists",
    "+type",
    "+zcard",
    "+zrange",
    "+time",
)
GROUPS = (
    "+xreadgroup",
    "+xack",
    "+xautoclaim",
    "+xclaim",
    "+xpending",
    "+xgroup|create",
    "+xgroup|createconsumer",
    "+xinfo|groups",
    "+xinfo|consumers",
)
WRITES = (
    "+xadd",
    "+hset",
    "+hsetnx",
    "+sadd",
    "+zadd",
    "+zrem",
    "+zremrangebyscore",
    "+multi",
    "+exec",
    "+discard",
    "+eval",
    "+evalsha",
    "+script|load",
    "+script|exists",
)
LEASES = ("+get", "+set", "+pexpireat")
"""On a service's lease keys only (Redis 7): `SET` or an expiry would replace or drop any key."""
ERASURE = ("+xdel", "+hdel")


@dataclass(frozen=True, slots=True)
class ServiceAccess:
    """The keys one service owns and the streams it follows."""

    service: str
    follows: tuple[str, ...]
    owns_registry: bool = False
    erases: bool = False

    def own_patterns(self) -> list[str]:
        """Keys the service writes as its own."""
        own = [f"{{*}}:{self.service}.*"]
        if self.owns_registry:
            own.append(f"{{*}}:{TENANT_EVENTS.split('.', 1)[0]}.*")
        return own

    def followed_patterns(self, stream: str) -> tuple[list[str], list[str]]:
        """A followed stream's read-only keys, and those the follower writes beside it."""
        base = f"{{*}}:{stream}"
        return [base, f"{base}:head"], [f"{base}:snapshot:*", f"{base}:dead-letters:{self.service}"]

    def followed(self) -> tuple[str, ...]:
        """Every followed stream, the tenant registry included (unless the service owns it)."""
        return self.follows if self.owns_registry else (*self.follows, TENANT_EVENTS)

    def lease_pattern(self) -> str:
        """The keys of the service's consumer leases (eventlog.consumer_leases)."""
        return f"{{*}}:{self.service}.lease"

    def commands(self) -> tuple[str, ...]:
        """Every command the service's user may run on its own keys (leases aside)."""
        return (*CONNECTION, *READS, *GROUPS, *WRITES, *(ERASURE if self.erases else ()))


SERVICES = (
    ServiceAccess("establishment", (GRADING_EVENTS, RECRUITMENT_EVENTS), owns_registry=True),
    ServiceAccess("grading", (ESTABLISHMENT_EVENTS,)),
    ServiceAccess(
        "recruitment", (ESTABLISHMENT_EVENTS, ESTABLISHMENT_PROPOSALS, GRADING_EVENTS), erases=True
    ),
    ServiceAccess(
        "finance",
        (ESTABLISHMENT_EVENTS, ESTABLISHMENT_PROPOSALS, GRADING_EVENTS, RECRUITMENT_EVENTS),
    ),
)
"""Each service's Redis access: what it owns and what it follows (the services' consumers)."""

USERS = (OPERATOR, AUDITOR, HEALTHCHECK, *(access.service for access in SERVICES))


def _password(password: str) -> str:
    """The ACL form of a password: its SHA-256, so the ACL file holds no secret."""
    return "#" + hashlib.sha256(password.encode()).hexdigest()


def _flat(access: ServiceAccess) -> list[str]:
    """Redis 6.2: one set of keys, one set of commands."""
    keys = list(access.own_patterns())
    for stream in access.followed():
        read, write = access.followed_patterns(stream)
        keys += [*read, *write]
    return [*(f"~{key}" for key in keys), "-@all", *access.commands(), *LEASES, *QUIETED]


def _selectors(access: ServiceAccess) -> list[str]:
    """Redis 7: own keys with every command; followed streams read-only but for groups."""
    rules = [*(f"~{key}" for key in access.own_patterns()), "-@all", *access.commands()]
    rules.append(f"(~{access.lease_pattern()} {' '.join(LEASES)})")
    for stream in access.followed():
        read, write = access.followed_patterns(stream)
        readable = " ".join(f"%R~{key}" for key in read)
        rules.append(f"({readable} {' '.join(READS)})")
        rules.append(f"(~{read[0]} {' '.join(GROUPS)})")
        rules.append(f"({' '.join(f'~{key}' for key in write)} {' '.join((*READS, *WRITES))})")
    return rules


def placeholders() -> dict[str, str]:
    """`change-me-<user>` for every user: what deploy/users.acl is rendered with."""
    return {user: f"change-me-{user}" for user in USERS}


def acl_file(passwords: Mapping[str, str], *, selectors: bool) -> str:
    """The ACL file for `passwords` (user -> password): Redis 7 form if `selectors`."""
    lines = ["user default off resetkeys -@all"]
    lines.append(f"user {OPERATOR} on {_password(passwords[OPERATOR])} ~* &* +@all")
    reads = " ".join((*CONNECTION, *READS))
    lines.append(
        f"user {AUDITOR} on {_password(passwords[AUDITOR])} ~* resetchannels -@all {reads}"
    )
    lines.append(f"user {HEALTHCHECK} on {_password(passwords[HEALTHCHECK])} -@all +ping")
    for access in SERVICES:
        rules = _selectors(access) if selectors else _flat(access)
        secret = _password(passwords[access.service])
        lines.append(f"user {access.service} on {secret} resetchannels " + " ".join(rules))
    return "\n".join(lines) + "\n"
