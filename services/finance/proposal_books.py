"""Which books a finance view is drawn from: as known at a time, or now with a proposal applied.

A proposal is a view of the log with extra commands on top: finance follows the proposals
stream and folds the events each proposed command decided onto a copy of establishment's
posts (`readmodels.proposals.with_proposal`); nothing is written to any live log.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from contracts.rejections import Reason
from eventlog.http_params import moment
from eventlog.problems import ProblemError

if TYPE_CHECKING:
    from services.finance.application import TenantFinance
    from services.finance.books import Books


async def books_for(finance: TenantFinance, known_at: str | None, proposal: str | None) -> Books:
    """The books as known at `known_at`, or as they would be now with `proposal` applied.

    Raises:
        ProblemError: both given (422), or no such proposal (404).
    """
    if proposal is None:
        return await finance.books(moment(known_at))
    if known_at is not None:
        raise ProblemError(
            Reason.INVALID, "a proposal is applied to everything as known now: no known_at"
        )
    found = await finance.books_with(proposal)
    if found is None:
        raise ProblemError(Reason.NOT_FOUND, f"no proposal {proposal!r}")
    return found[1]
