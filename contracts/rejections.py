"""Reason codes shared by HTTP problem bodies and rejection-stream entries.

One table, so an HR system sees the same code for the same mistake whether it called the API or
published on a stream.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Sequence

PROBLEM_BASE = "urn:estab:problem:"


class Reason(StrEnum):
    """Why a command or message was refused."""

    MALFORMED = "malformed"
    UNKNOWN_TYPE = "unknown-type"
    INVALID = "invalid"
    UNKNOWN_TENANT = "unknown-tenant"
    NOT_FOUND = "not-found"
    ALREADY_EXISTS = "already-exists"
    VERSION_CONFLICT = "version-conflict"
    TIMELINE_CONFLICT = "timeline-conflict"
    REPORTING_CYCLE = "reporting-cycle"
    NO_CHANGE = "no-change"
    COMMAND_REUSED = "command-id-reused"
    POST_FILLED = "post-filled"
    VACANCY_FROZEN = "vacancy-frozen"
    RING_FENCED = "ring-fenced"
    UNKNOWN_GRADE = "unknown-grade"
    APPROVAL_REQUIRED = "approval-required"
    TOO_LARGE = "too-large"
    UNAVAILABLE = "unavailable"
    UNAUTHENTICATED = "unauthenticated"
    FORBIDDEN = "forbidden"
    RATE_LIMITED = "rate-limited"
    METHOD_NOT_ALLOWED = "method-not-allowed"
    NOT_ERASABLE = "not-erasable"
    PROPOSAL_CONFLICT = "proposal-conflict"
    PROPOSAL_STATUS = "proposal-status"


STATUS: dict[Reason, int] = {
    Reason.MALFORMED: 422,
    Reason.UNKNOWN_TYPE: 422,
    Reason.INVALID: 422,
    Reason.UNKNOWN_TENANT: 404,
    Reason.NOT_FOUND: 404,
    Reason.ALREADY_EXISTS: 409,
    Reason.VERSION_CONFLICT: 409,
    Reason.TIMELINE_CONFLICT: 409,
    Reason.REPORTING_CYCLE: 409,
    Reason.NO_CHANGE: 409,
    Reason.COMMAND_REUSED: 409,
    Reason.POST_FILLED: 409,
    Reason.VACANCY_FROZEN: 409,
    Reason.RING_FENCED: 409,
    Reason.UNKNOWN_GRADE: 422,
    Reason.APPROVAL_REQUIRED: 409,
    Reason.TOO_LARGE: 413,
    Reason.UNAVAILABLE: 503,
    Reason.UNAUTHENTICATED: 401,
    Reason.FORBIDDEN: 403,
    Reason.RATE_LIMITED: 429,
    Reason.METHOD_NOT_ALLOWED: 405,
    Reason.NOT_ERASABLE: 409,
    Reason.PROPOSAL_CONFLICT: 409,
    Reason.PROPOSAL_STATUS: 409,
}
"""HTTP status for each reason (API.md: 404 unknown thing, 409 conflict, 422 invalid input)."""

TITLES: dict[Reason, str] = {
    Reason.MALFORMED: "Malformed message",
    Reason.UNKNOWN_TYPE: "Unknown message type",
    Reason.INVALID: "Invalid input",
    Reason.UNKNOWN_TENANT: "Unknown tenant",
    Reason.NOT_FOUND: "Not found",
    Reason.ALREADY_EXISTS: "Already exists",
    Reason.VERSION_CONFLICT: "Version conflict",
    Reason.TIMELINE_CONFLICT: "Contradicts the timeline",
    Reason.REPORTING_CYCLE: "Reporting-line cycle",
    Reason.NO_CHANGE: "Nothing would change",
    Reason.COMMAND_REUSED: "Command id reused with different content",
    Reason.POST_FILLED: "Post already filled",
    Reason.VACANCY_FROZEN: "Vacancy frozen",
    Reason.RING_FENCED: "Ring-fenced for staff at risk",
    Reason.UNKNOWN_GRADE: "Grade not in the catalogue",
    Reason.APPROVAL_REQUIRED: "Approval to recruit required",
    Reason.TOO_LARGE: "Too large",
    Reason.UNAVAILABLE: "Temporarily unavailable",
    Reason.UNAUTHENTICATED: "A valid bearer token is required",
    Reason.FORBIDDEN: "The token's role or tenants do not allow this",
    Reason.RATE_LIMITED: "Too many requests",
    Reason.METHOD_NOT_ALLOWED: "Method not allowed",
    Reason.NOT_ERASABLE: "Recorded in the clear; cannot be erased by destroying a key",
    Reason.PROPOSAL_CONFLICT: "The proposal no longer applies to the live establishment",
    Reason.PROPOSAL_STATUS: "Not allowed in the proposal's status",
}


def problem_type(reason: Reason) -> str:
    """The RFC 9457 `type` URI of a reason."""
    return PROBLEM_BASE + reason.value


def field_errors(errors: Sequence[Any]) -> list[dict[str, Any]]:
    """Pydantic errors reduced to what a sender can act on: where, what, which kind."""
    return [
        {
            "loc": [str(part) for part in error.get("loc", ())],
            "msg": str(error.get("msg", "")),
            "type": str(error.get("type", "")),
        }
        for error in errors
    ]
