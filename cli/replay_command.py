"""`estab replay`: verify a tenant's log, then rebuild its views from the log alone.

From Redis or from an archive (`--archive`, no Redis needed), every stream is folded in this
process with the services' own read models, and the structure, the people at risk and (with
`--fy`) the budget ledger are printed in the shapes the services answer, so they can be set
beside the live answers. A log that does not verify is refused unless `--no-verify` is given.
"""

from __future__ import annotations

import asyncio
from datetime import date
from pathlib import Path  # noqa: TC003 - typer reads annotations at runtime
from typing import TYPE_CHECKING, Annotated

import typer

from cli.archive_commands import archive_sound, opened
from cli.audit_commands import verified_or_exit
from cli.chain_reports import replaying
from cli.options import (
    DATA,
    AsJson,
    AsOf,
    DataDir,
    KnownAt,
    OrgUnit,
    RedisUrl,
    Tenant,
    console,
    errors,
    redis_url_for,
)
from cli.render import at_risk_table, ledger_table
from cli.replayed_views import replay_views
from cli.view_printing import print_json, print_structure, print_unpriced
from eventlog.clock import format_timestamp, parse_timestamp

if TYPE_CHECKING:
    from eventlog.archive import Archive


def replay(
    as_of: AsOf = None,
    known_at: KnownAt = None,
    org_unit: OrgUnit = None,
    as_json: AsJson = False,
    tenant: Tenant = "default",
    redis_url: RedisUrl = None,
    data_dir: DataDir = DATA,
    fy: Annotated[
        int | None, typer.Option(help="also the budget ledger of this financial year")
    ] = None,
    no_verify: Annotated[
        bool, typer.Option("--no-verify", help="replay even a log that does not verify")
    ] = False,
    archive: Annotated[
        Path | None, typer.Option(help="replay this archive instead of Redis (no Redis needed)")
    ] = None,
) -> None:
    """Verify the tenant's log, then rebuild the structure (and a ledger) from it alone."""
    day = as_of or date.today().isoformat()  # noqa: DTZ011 - a calendar date, as people mean it
    moment = format_timestamp(parse_timestamp(known_at)) if known_at else None
    if archive is not None:
        kept = opened(archive)
        if not no_verify and not archive_sound(kept, None, data_dir, errors):
            errors.print("Not replayed: the archive does not verify (--no-verify to replay it).")
            raise typer.Exit(1)
        source: str | Archive = kept
    else:
        source = redis_url_for(redis_url, data_dir)
        if not no_verify:
            verified_or_exit(source, tenant, data_dir)
    with replaying() as advance:
        views = asyncio.run(replay_views(source, tenant, day, moment, org_unit, fy, advance))
    if as_json:
        shown = {"structure": views.structure, "at_risk": views.at_risk}
        print_json(shown if views.ledger is None else {**shown, "ledger": views.ledger})
        return
    print_structure(views.structure, as_json=False)
    console.print(at_risk_table(views.at_risk))
    if views.ledger is not None:
        console.print(ledger_table(views.ledger))
        print_unpriced(views.ledger)
