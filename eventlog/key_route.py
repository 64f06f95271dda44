"""`GET /keys`: the public key this service signs its chain heads with (eventlog.head_signing).

Auditors fetch it once and keep it beside their checkpoints; `estab verify` checks every signed
head of the service's streams against it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fastapi import Depends, Request

from eventlog.http_access import authorised
from eventlog.problems import PROBLEM_RESPONSES
from eventlog.signing_keys import process_signer

if TYPE_CHECKING:
    from fastapi import FastAPI


def install_keys(app: FastAPI, service: str) -> None:
    """Add `GET /keys` (an empty list when the service signs nothing)."""

    @app.get("/keys", dependencies=[Depends(authorised)], responses=PROBLEM_RESPONSES)
    async def signing_keys(request: Request) -> dict[str, Any]:
        """The public keys of this service's signed chain heads."""
        del request
        signer = process_signer()
        return {"service": service, "keys": [signer.public.view()] if signer else []}
