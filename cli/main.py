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

from cli.audit import replay_ledger, replay_structure, verify_all
from cli.demo import run_demo
from cli.loading import load_file
from cli.render import ledger_table, savings_lines, structure_table
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
FINANCE_URL = "http://127.0.0.1:8104"
FinanceUrl = Annotated[str, typer.Option("--finance-url", help="the finance service")]
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
    params = _given(as_of=as_of, known_at=known_at, org_unit_id=org_unit)
    _print_structure(_query(url, "/structure", params, tenant), as_json)


Params = dict[str, str | int]


def _given(**options: str | None) -> Params:
    """The options that were given, as query parameters."""
    return {name: value for name, value in options.items() if value}


def _query(url: str, path: str, params: Params, tenant: str) -> dict[str, object]:
    """GET a running service's answer, or exit saying why not."""
    try:
        reply = httpx.get(f"{url}{path}", params=params, headers={"X-Tenant": tenant}, timeout=60)
    except httpx.HTTPError as error:
        errors.print(f"Cannot reach {url}: {error}. Is `estab up` running?")
        raise typer.Exit(2) from None
    if reply.status_code != 200:  # noqa: PLR2004 - HTTP OK
        errors.print(f"[red]{reply.status_code}[/red] {reply.text}")
        raise typer.Exit(1)
    answer: dict[str, object] = reply.json()
    return answer


def _print_json(view: dict[str, object]) -> None:
    sys.stdout.write(orjson.dumps(view, option=orjson.OPT_INDENT_2).decode() + "\n")


@app.command(name="ledger")
def show_ledger(
    fy: Annotated[int, typer.Option(help="financial year by its start year: 2018 is 2018/19")],
    group_by: Annotated[str, typer.Option(help="org_unit, grade, funding or post")] = "org_unit",
    basis: Annotated[str, typer.Option(help="budget or forecast")] = "budget",
    as_of: AsOf = None,
    known_at: KnownAt = None,
    org_unit: OrgUnit = None,
    as_json: AsJson = False,
    url: FinanceUrl = FINANCE_URL,
    tenant: Tenant = "default",
) -> None:
    """Full-year and in-year cost of a financial year, from the running finance service."""
    params: Params = {"fy": fy, "group_by": group_by, "basis": basis}
    params |= _given(as_of=as_of, known_at=known_at, org_unit_id=org_unit)
    view = _query(url, "/ledger", params, tenant)
    if as_json:
        _print_json(view)
    else:
        console.print(ledger_table(view))


@app.command(name="savings")
def show_savings(
    start: Annotated[str, typer.Option("--from", help="effective date before the change")],
    end: Annotated[str, typer.Option("--to", help="effective date after the change")],
    org_unit: OrgUnit = None,
    grades: Annotated[
        bool, typer.Option(help="cost from grades alone, not explicit costs")
    ] = False,
    known_at: KnownAt = None,
    as_json: AsJson = False,
    url: FinanceUrl = FINANCE_URL,
    tenant: Tenant = "default",
) -> None:
    """A savings statement between two dates (seed 000's Table 1 shape)."""
    params: Params = {"from": start, "to": end, "costs": "grades" if grades else "explicit"}
    params |= _given(known_at=known_at, org_unit_id=org_unit)
    view = _query(url, "/savings", params, tenant)
    if as_json:
        _print_json(view)
    else:
        for line in savings_lines(view):
            console.print(line)


def _print_structure(view: dict[str, object], as_json: bool) -> None:
    if as_json:
        _print_json(view)
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
    fy: Annotated[
        int | None, typer.Option(help="also the budget ledger of this financial year")
    ] = None,
) -> None:
    """Rebuild the structure (and a ledger) straight from the streams, without the services."""
    day = as_of or date.today().isoformat()  # noqa: DTZ011 - a calendar date, as people mean it
    moment = format_timestamp(parse_timestamp(known_at)) if known_at else None
    url = _redis_url(redis_url, data_dir)
    view = asyncio.run(replay_structure(url, tenant, day, moment, org_unit))
    _print_structure(view, as_json)
    if fy is not None:
        books = asyncio.run(replay_ledger(url, tenant, fy, day, moment, "org_unit"))
        if as_json:
            _print_json(books)
        else:
            console.print(ledger_table(books))


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
