"""What every `estab` command shares: the consoles, the common options, finding the stack.

Every command finds the stack `estab up` started through its data directory (`--data-dir`,
default `data`); the `--url` options are for a remote stack.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from cli.stack_file import NoStackError, service_urls
from cli.stack_file import redis_url as recorded_redis_url

console = Console()
errors = Console(stderr=True)

DataDir = Annotated[
    Path, typer.Option(help="the data directory of the stack `estab up` started (its URLs)")
]
RedisUrl = Annotated[str | None, typer.Option(help="an existing Redis (default: the stack's)")]
EstablishmentUrl = Annotated[
    str | None, typer.Option("--url", help="the establishment service (default: the stack's)")
]
FinanceUrl = Annotated[
    str | None, typer.Option("--finance-url", help="the finance service (default: the stack's)")
]
GradingUrl = Annotated[
    str | None, typer.Option("--grading-url", help="the grading service (default: the stack's)")
]
RecruitmentUrl = Annotated[
    str | None,
    typer.Option("--recruitment-url", help="the recruitment service (default: the stack's)"),
]
Tenant = Annotated[str, typer.Option(help="the organisation (X-Tenant)")]
AsOf = Annotated[str | None, typer.Option("--as-of", help="effective date (default today)")]
KnownAt = Annotated[
    str | None, typer.Option("--known-at", help="recorded time or date (default now)")
]
OrgUnit = Annotated[str | None, typer.Option("--org-unit", help="an org unit and its sub-units")]
AsJson = Annotated[bool, typer.Option("--json", help="print JSON instead of a table")]
DATA = Path("data")


def redis_url_for(given: str | None, data_dir: Path) -> str:
    """The Redis to audit: --redis-url, else the environment, else the one `estab up` started."""
    found = given or os.environ.get("ESTAB_REDIS_URL") or os.environ.get("REDIS_URL")
    try:
        return recorded_redis_url(data_dir, found)
    except NoStackError as error:
        errors.print(str(error))
        raise typer.Exit(2) from None


def url_for(data_dir: Path, service: str, given: str | None) -> str:
    """A service's base URL: `given`, else the stack's on `data_dir`."""
    return service_urls(data_dir, {service: given})[service]
