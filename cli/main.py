"""`estab`: start the system, load scenarios, query it, and audit the log without it."""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import date
from pathlib import Path
from typing import Annotated

import httpx
import orjson
import typer
from rich.console import Console

from cli.audit import replay_structure, verify_all
from cli.demo import run_demo
from cli.loading import load_file
from cli.render import structure_table
from cli.supervisor import Stack, StartupError, wait_for_signal
from eventlog.clock import format_timestamp, parse_timestamp

app = typer.Typer(
    help="Establishment control: posts and structures on any date, as known at any time.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
console = Console()
errors = Console(stderr=True)

DEFAULT_URL = "http://127.0.0.1:8101"
DataDir = Annotated[Path, typer.Option(help="where the embedded Redis keeps its data and logs")]
RedisUrl = Annotated[str | None, typer.Option(help="an existing Redis (default: embedded)")]
ServiceUrl = Annotated[str, typer.Option("--url", help="the establishment service")]
GRADING_URL = "http://127.0.0.1:8102"
GradingUrl = Annotated[str, typer.Option("--grading-url", help="the grading service")]
Tenant = Annotated[str, typer.Option(help="the organisation (X-Tenant)")]
AsOf = Annotated[str | None, typer.Option("--as-of", help="effective date (default today)")]
KnownAt = Annotated[
    str | None, typer.Option("--known-at", help="recorded time or date (default now)")
]
OrgUnit = Annotated[str | None, typer.Option("--org-unit", help="an org unit and its sub-units")]
AsJson = Annotated[bool, typer.Option("--json", help="print JSON instead of a table")]


def _redis_url(given: str | None, data_dir: Path) -> str:
    """The Redis to audit: --redis-url, else the environment, else the one `estab up` started."""
    found = given or os.environ.get("ESTAB_REDIS_URL") or os.environ.get("REDIS_URL")
    if found:
        return found
    recorded = data_dir / "redis-url"
    if recorded.exists():
        return recorded.read_text().strip()
    errors.print("No Redis to read: pass --redis-url, set REDIS_URL, or run `estab up` first.")
    raise typer.Exit(2)


@app.command()
def up(
    demo: Annotated[bool, typer.Option(help="load the seed scenarios and print a summary")] = False,
    redis_url: RedisUrl = None,
    data_dir: DataDir = Path("data"),
    port_offset: Annotated[int, typer.Option(help="add to every default port")] = 0,
    once: Annotated[
        bool, typer.Option(help="stop after start-up (and the demo): a smoke test")
    ] = False,
) -> None:
    """Start Redis and every service; stop them cleanly on Ctrl-C or SIGTERM."""
    tenants = ["default", "leeds", "dudley"]
    stack = Stack(data_dir, tenants, redis_url, port_offset=port_offset)
    try:
        url = stack.start()
        console.print(f"[green]Redis[/green] {url}  (data and logs in {data_dir.resolve()})")
        for spec in stack.services():
            base = spec.url(stack.host)
            console.print(f"[green]{spec.name}[/green] {base}  (API docs {base}/docs)")
        if demo:
            run_demo(console, {spec.name: spec.url(stack.host) for spec in stack.services()})
        if not once:
            console.print("Running. Press Ctrl-C to stop.")
            wait_for_signal()
    except StartupError as error:
        errors.print(f"[red]Could not start:[/red] {error}")
        raise typer.Exit(1) from None
    finally:
        stack.stop()
        console.print("Stopped.")


@app.command()
def load(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="a scenario YAML")],
    url: ServiceUrl = DEFAULT_URL,
    grading_url: GradingUrl = GRADING_URL,
    tenant: Annotated[str | None, typer.Option(help="override the scenario's tenant")] = None,
) -> None:
    """Load a scenario file through the HTTP APIs (reloading it changes nothing)."""
    urls = {"establishment": url, "grading": grading_url}
    report = load_file(console, file, urls, tenant)
    for step, problem in report.failures:
        errors.print(f"[red]{step}[/red]: {problem.get('title')}: {problem.get('detail')}")
    if report.failures:
        raise typer.Exit(1)


@app.command(name="structure")
def show_structure(
    as_of: AsOf = None,
    known_at: KnownAt = None,
    org_unit: OrgUnit = None,
    as_json: AsJson = False,
    url: ServiceUrl = DEFAULT_URL,
    tenant: Tenant = "default",
) -> None:
    """The posts on a date, as known at a time, from the running service."""
    params = {
        key: value
        for key, value in (("as_of", as_of), ("known_at", known_at), ("org_unit_id", org_unit))
        if value
    }
    try:
        reply = httpx.get(f"{url}/structure", params=params, headers={"X-Tenant": tenant})
    except httpx.HTTPError as error:
        errors.print(f"Cannot reach {url}: {error}. Is `estab up` running?")
        raise typer.Exit(2) from None
    if reply.status_code != 200:  # noqa: PLR2004 - HTTP OK
        errors.print(f"[red]{reply.status_code}[/red] {reply.text}")
        raise typer.Exit(1)
    _print_structure(reply.json(), as_json)


def _print_structure(view: dict[str, object], as_json: bool) -> None:
    if as_json:
        sys.stdout.write(orjson.dumps(view, option=orjson.OPT_INDENT_2).decode() + "\n")
    else:
        console.print(structure_table(view))


@app.command()
def replay(
    as_of: AsOf = None,
    known_at: KnownAt = None,
    org_unit: OrgUnit = None,
    as_json: AsJson = False,
    tenant: Tenant = "default",
    redis_url: RedisUrl = None,
    data_dir: DataDir = Path("data"),
) -> None:
    """Rebuild the structure straight from the stream, without the services."""
    day = as_of or date.today().isoformat()  # noqa: DTZ011 - a calendar date, as people mean it
    moment = format_timestamp(parse_timestamp(known_at)) if known_at else None
    view = asyncio.run(
        replay_structure(_redis_url(redis_url, data_dir), tenant, day, moment, org_unit)
    )
    _print_structure(view, as_json)


@app.command()
def verify(
    tenant: Annotated[list[str] | None, typer.Option(help="only these tenants")] = None,
    redis_url: RedisUrl = None,
    data_dir: DataDir = Path("data"),
) -> None:
    """Check every stream's hash chain; exit 1 naming the first bad event."""
    results = asyncio.run(verify_all(_redis_url(redis_url, data_dir), tenant or []))
    bad = False
    for name, stream, report in results:
        if report.ok:
            console.print(f"[green]ok[/green]  {name} {stream}: {report.events} events")
            continue
        bad = True
        broken = report.first_break
        errors.print(
            f"[red]BROKEN[/red] {name} {stream}: entry {broken.entry_id} "
            f"(event {broken.event_id}, sequence {broken.sequence}): {broken.reason}"
        )
    if not results:
        console.print("No event streams found.")
    if bad:
        raise typer.Exit(1)
