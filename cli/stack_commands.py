"""`estab status`, `token`, `tokens` and `signing-keys`: the stack's processes and secrets."""

from __future__ import annotations

import sys
from pathlib import Path  # noqa: TC003 - typer reads annotations at runtime
from typing import Annotated

import httpx
import typer

from cli.credentials import tokens_path
from cli.options import DATA, DataDir, console, errors
from cli.stack_file import read_stack
from cli.status_file import read_status
from cli.supervisor import SERVICES
from eventlog.access import Role  # noqa: TC001 - typer reads annotations at runtime
from eventlog.signing_keys import PUBLIC_SUFFIX, ensure_signing_key
from eventlog.token_file import TokensFileError, ensure_tokens, role_token


def show_status(data_dir: DataDir = DATA) -> None:
    """What `estab up` on the data directory runs: each process's state, restarts and health."""
    status, stack = read_status(data_dir), read_stack(data_dir)
    if status is None or stack is None:
        errors.print(f"No stack is running on {data_dir} (start one with `estab up`).")
        raise typer.Exit(1)
    unhealthy = False
    for name, process in status["processes"].items():
        health = _health(stack.services[name]) if name in stack.services else "-"
        unhealthy = unhealthy or health not in {"ok", "-"}
        console.print(
            f"{name:<14} {process['state']:<11} pid {process['pid'] or '-':<8} "
            f"restarts {process['restarts']:<3} last exit {process['last_exit']!s:<5} "
            f"health {health}",
            markup=False,
        )
    if unhealthy:
        raise typer.Exit(1)


def _health(base: str) -> str:
    """A service's `/health` status word, or why there is none."""
    try:
        return str(httpx.get(f"{base}/health", timeout=5).json().get("status", "?"))
    except (httpx.HTTPError, ValueError) as error:
        return f"unreachable ({type(error).__name__})"


def show_token(
    role: Annotated[Role, typer.Argument(help="whose token: hr, payroll-config, finance, ...")],
    data_dir: DataDir = DATA,
) -> None:
    """Print the local stack's token for ROLE, e.g. for curl's `Authorization: Bearer` header."""
    try:
        sys.stdout.write(role_token(tokens_path(data_dir), role) + "\n")
    except TokensFileError as error:
        errors.print(str(error), markup=False)
        raise typer.Exit(2) from None


def make_tokens(
    path: Annotated[Path, typer.Argument(help="where to write it, e.g. deploy/tokens.json")],
) -> None:
    """Make a tokens file (one new token per role, mode 0600) unless one is there already."""
    try:
        made = ensure_tokens(path)
    except TokensFileError as error:
        errors.print(str(error), markup=False)
        raise typer.Exit(1) from None
    console.print(f"{'Made' if made else 'Kept the existing'} tokens file {path}", markup=False)


def make_signing_keys(
    folder: Annotated[Path, typer.Argument(help="where to keep them, e.g. deploy/keys")],
) -> None:
    """Make each service's Ed25519 signing key (SERVICE.key, 0600, and SERVICE.pub.json).

    Existing keys are kept: a new key would make every head signed before it unverifiable
    without the old public key.
    """
    for spec in SERVICES:
        path = ensure_signing_key(folder, spec.name)
        console.print(f"{spec.name}: {path} (public: {spec.name}{PUBLIC_SUFFIX})", markup=False)
