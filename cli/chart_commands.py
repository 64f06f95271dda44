"""`estab chart org` and `estab chart savings`: the finance service's pictures, saved as SVG."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from cli.options import DATA, AsOf, DataDir, FinanceUrl, KnownAt, OrgUnit, Tenant, console, url_for
from cli.stack_calls import call

chart_app = typer.Typer(help="Pictures: the org chart and the savings waterfall, as SVG.")

Out = Annotated[Path, typer.Option(help="the SVG file to write")]


def _save(
    data_dir: Path, url: str | None, path: str, params: dict[str, Any], tenant: str, out: Path
) -> None:
    base = url_for(data_dir, "finance", url)
    chosen = {name: value for name, value in params.items() if value is not None}
    reply = call("GET", f"{base}{path}", data_dir, params=chosen, headers={"X-Tenant": tenant})
    out.write_bytes(reply.content)
    console.print(f"Wrote {out} ({len(reply.content):,} bytes)", markup=False)


@chart_app.command(name="org")
def org(
    tenant: Tenant,
    out: Out,
    as_of: AsOf = None,
    known_at: KnownAt = None,
    org_unit: OrgUnit = None,
    data_dir: DataDir = DATA,
    url: FinanceUrl = None,
) -> None:
    """Org units as boxes with their posts, reporting lines, vacancies and people at risk."""
    params = {"as_of": as_of, "known_at": known_at, "org_unit_id": org_unit}
    _save(data_dir, url, "/charts/org", params, tenant, out)


@chart_app.command(name="savings")
def savings(
    tenant: Tenant,
    out: Out,
    start: Annotated[str, typer.Option("--from", help="the statement from this date")],
    end: Annotated[str, typer.Option("--to", help="... to this date")],
    known_at: KnownAt = None,
    org_unit: OrgUnit = None,
    data_dir: DataDir = DATA,
    url: FinanceUrl = None,
) -> None:
    """The savings statement as a waterfall: baseline, deletions, new posts, changes, result."""
    params = {"from": start, "to": end, "known_at": known_at, "org_unit_id": org_unit}
    _save(data_dir, url, "/charts/savings", params, tenant, out)
