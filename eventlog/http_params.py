"""Query and header parameters every service's HTTP API reads the same way (API.md conventions).

The tenant comes from `X-Tenant`; `as_of` is an effective date; `known_at` a recorded time
(RFC 3339 or a bare date, meaning the end of that day). Bad values are problem bodies, not 500s.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

from fastapi import Header, Query
from fastapi.responses import JSONResponse

from contracts.calendar import Day
from contracts.rejections import Reason
from eventlog.clock import format_timestamp, parse_timestamp
from eventlog.command_log import Accepted, Refused, Submitted
from eventlog.problems import ProblemError
from eventlog.tenant_registry import UnknownTenantError

if TYPE_CHECKING:
    from datetime import date

    from fastapi import Request

    from eventlog.command_log import CommandLog
    from eventlog.tenant_registry import TenantLogs

TenantHeader = Annotated[str, Header(alias="X-Tenant")]
AsOf = Annotated[Day | None, Query(description="effective date (default today)")]
KnownAt = Annotated[
    str | None, Query(description="recorded time, RFC 3339 or a date (default now)")
]
ProposalId = Annotated[
    str | None, Query(description="answer as if this proposal's commands were recorded now")
]


def moment(known_at: str | None) -> str | None:
    """`known_at` as the fixed-width stamp recorded times are compared with (None: now)."""
    if known_at is None:
        return None
    try:
        return format_timestamp(parse_timestamp(known_at))
    except ValueError as error:
        raise ProblemError(
            Reason.INVALID,
            f"known_at {known_at!r} is not an RFC 3339 timestamp or a date: {error}",
            [{"loc": ["query", "known_at"], "msg": str(error), "type": "value_error"}],
        ) from None


async def tenant_log(request: Request, tenant: str) -> Any:
    """The command log of the `X-Tenant` named (the service's own log type).

    Raises:
        ProblemError: `unknown-tenant` (404) if it was never provisioned.
    """
    logs: TenantLogs[Any] = request.app.state.logs
    try:
        return await logs.tenant(tenant)
    except UnknownTenantError as error:
        raise ProblemError(Reason.UNKNOWN_TENANT, str(error)) from None


def today(request: Request) -> date:
    """Today by the service's clock: the default `as_of`."""
    logs: TenantLogs[Any] = request.app.state.logs
    return logs.clock().date()


def now(request: Request) -> str:
    """Now by the service's clock, as a recorded-time stamp: the default `known_at`."""
    logs: TenantLogs[Any] = request.app.state.logs
    return format_timestamp(logs.clock())


def as_caller(request: Request, command: Any) -> Any:
    """`command` with its actor set to the identity of the request's token.

    Its correlation id, unless the body gives one, is the request's (eventlog.correlation).

    Over HTTP the token says who asks; a body may name whom it acts for in `on_behalf_of`, but
    it may not name an actor of its own.
    """
    identity = request.state.grant.identity
    given = getattr(command, "actor", None)
    if given is not None and given != identity:
        raise ProblemError(
            Reason.INVALID,
            f"actor {given!r}: over HTTP the actor is the token's identity ({identity!r}); "
            "name whom you act for in on_behalf_of",
            [{"loc": ["body", "actor"], "msg": "set by the bearer token", "type": "value_error"}],
        )
    update = {"actor": identity}
    if "correlation_id" in type(command).model_fields and command.correlation_id is None:
        update["correlation_id"] = request.state.correlation_id
    return command.model_copy(update=update)


async def run_command(request: Request, log: CommandLog[Any, Any], command: Any) -> Accepted:
    """Run one command from an HTTP request as its caller; anything but an event is a problem.

    The command's `command_id` is its idempotency key, so a retried request gets the same answer.
    """
    command = as_caller(request, command)
    command_id = getattr(command, "command_id", None)
    key = f"command:{command_id}" if command_id else None
    outcome = (await log.execute([Submitted(command, key)]))[0]
    if isinstance(outcome, Accepted):
        return outcome
    if isinstance(outcome, Refused):
        raise ProblemError(outcome.reason, outcome.detail, outcome.errors)
    raise ProblemError(Reason.NO_CHANGE, "the command needs nothing recorded")


REPLAYED = "Idempotent-Replayed"
"""Response header on the answer to a command sent again with the same `command_id`: the body
is the original answer, and nothing was recorded this time."""


def answer(accepted: Accepted, status: int, extra: dict[str, Any] | None = None) -> JSONResponse:
    """The JSON answer to a recorded command, marked if it repeats an earlier one."""
    headers = {REPLAYED: "true"} if accepted.repeated else None
    return JSONResponse({**accepted.result(), **(extra or {})}, status, headers=headers)


def day_of(request: Request, as_of: date | None) -> str:
    """`as_of` as an ISO date, today by the service's clock if not given."""
    return (as_of or today(request)).isoformat()
