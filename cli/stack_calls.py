"""Calls from the CLI to the running stack: its token on every request, failures said plainly.

A 429 is retried (cli.patient_transport); a service that cannot be reached, or answers anything
but success, ends the command with the reason, exit 2 or 1.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx
import typer

from cli.credentials import bearer
from cli.options import errors
from cli.patient_transport import PatientTransport
from eventlog.token_file import TokensFileError

if TYPE_CHECKING:
    from pathlib import Path


def bearer_header(data_dir: Path) -> dict[str, str]:
    """The token header for the stack on `data_dir`, or exit saying where it was looked for."""
    try:
        return bearer(data_dir)
    except TokensFileError as error:
        errors.print(f"{error}; or pass --token (ESTAB_TOKEN)", markup=False)
        raise typer.Exit(2) from None


def call(
    method: str,
    url: str,
    data_dir: Path,
    *,
    body: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
    **kwargs: Any,
) -> httpx.Response:
    """One HTTP call to the stack, with its token, or exit saying why it failed."""
    sent = {**bearer_header(data_dir), **(headers or {})}
    try:
        with httpx.Client(timeout=60, transport=PatientTransport()) as client:
            reply = client.request(method, url, json=body, headers=sent, **kwargs)
    except httpx.HTTPError as error:
        errors.print(f"Cannot reach {url}: {error}. Is `estab up` running?")
        raise typer.Exit(2) from None
    if not reply.is_success:
        errors.print(f"[red]{reply.status_code}[/red] {reply.text}")
        raise typer.Exit(1)
    return reply
