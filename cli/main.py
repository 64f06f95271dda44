"""`estab`: start the system, provision tenants, load and import, query, and audit the log.

Every command finds the stack `estab up` started through its data directory (`--data-dir`,
default `data`); the `--url` options are for a remote stack. The stack's status and tokens are
in `cli.stack_commands`, the audit of the raw log in `cli.audit_commands`.
"""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import date
from pathlib import Path  # noqa: TC003 - typer reads annotations at runtime
from typing import TYPE_CHECKING, Annotated, Any

import httpx
import orjson
import typer

from cli.archive_commands import archive_sound, opened
from cli.audit import replay_views
from cli.audit_commands import save_checkpoint, verified_or_exit, verify
from cli.chart_commands import chart_app
from cli.credentials import TOKEN_ENV, bearer
from cli.data_dir_lock import DataDirInUseError, holding
from cli.demo import DEMO_TENANTS, run_demo
from cli.export_command import export
from cli.import_command import import_establishment
from cli.loading import TenantNotProvisionedError, load_file
from cli.options import (
    DATA,
    AsJson,
    AsOf,
    DataDir,
    EstablishmentUrl,
    FinanceUrl,
    KnownAt,
    OrgUnit,
    RedisUrl,
    Tenant,
    console,
    errors,
    redis_url_for,
    url_for,
)
from cli.person_commands import person_app
from cli.redis_acl_command import redis_acl
from cli.render import ledger_table, savings_lines, structure_table
from cli.stack_calls import bearer_header, call
from cli.stack_commands import make_signing_keys, make_tokens, show_status, show_token
from cli.stack_file import StackAddress, service_urls, write_stack
from cli.status_file import clear_status
from cli.supervising import supervise_until_signal
from cli.supervisor import Durability, Stack, StartupError
from contracts.tenancy import ProvisionTenant
from eventlog.clock import format_timestamp, parse_timestamp
from scenarios.loader import ScenarioError, bundled_scenarios

if TYPE_CHECKING:
    from eventlog.archive import Archive

app = typer.Typer(
    help="Establishment control: posts and structures on any date, as known at any time.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
tenant_app = typer.Typer(help="Provision and list tenants (organisations).", no_args_is_help=True)
app.add_typer(tenant_app, name="tenant")
app.add_typer(person_app, name="person")
app.add_typer(chart_app, name="chart")
app.command(name="import")(import_establishment)
app.command(name="status")(show_status)
app.command(name="redis-acl")(redis_acl)
app.command(name="export")(export)
app.command(name="token")(show_token)
app.command(name="tokens")(make_tokens)
app.command(name="signing-keys")(make_signing_keys)
app.command()(verify)
app.command(name="checkpoint")(save_checkpoint)


@app.callback()
def main(
    token: Annotated[
        str | None,
        typer.Option(
            envvar=TOKEN_ENV,
            help="the bearer token to send (default: the stack's admin token, in its tokens file)",
        ),
    ] = None,
) -> None:
    """Establishment control: posts and structures on any date, as known at any time."""
    if token:
        os.environ[TOKEN_ENV] = token


@app.command()
def up(
    demo: Annotated[bool, typer.Option(help="load the seed scenarios and print a summary")] = False,
    redis_url: RedisUrl = None,
    data_dir: DataDir = DATA,
    port_offset: Annotated[int, typer.Option(help="add to every default port")] = 0,
    durability: Annotated[
        Durability,
        typer.Option(help="embedded Redis fsync: everysec, or always (no loss on a power cut)"),
    ] = Durability.EVERYSEC,
    once: Annotated[
        bool, typer.Option(help="stop after start-up (and the demo): a smoke test")
    ] = False,
) -> None:
    """Start Redis and every service; stop them cleanly on Ctrl-C or SIGTERM."""
    tenants = [ProvisionTenant(tenant="default"), *(DEMO_TENANTS if demo else ())]
    try:
        with holding(data_dir):
            stack = Stack(
                data_dir, tenants, redis_url, port_offset=port_offset, durability=durability
            )
            _run_stack(stack, demo, once)
    except DataDirInUseError as error:
        errors.print(f"[red]Could not start:[/red] {error}")
        raise typer.Exit(1) from None


def _run_stack(stack: Stack, demo: bool, once: bool) -> None:
    """Start `stack`, say where it listens, run the demo if asked, and run until stopped."""
    data_dir = stack.data_dir
    tenants = stack.tenants
    try:
        url = stack.start()
        urls = {spec.name: spec.url(stack.host) for spec in stack.services()}
        recorded = write_stack(data_dir, StackAddress(redis_url=url, services=urls))
        fsync = f"appendfsync {stack.durability}; " if stack.redis is not None else ""
        console.print(f"[green]Redis[/green] {url}  ({fsync}data and logs in {data_dir.resolve()})")
        for name, base in urls.items():
            console.print(f"[green]{name}[/green] {base}  (API docs {base}/docs)")
        console.print(f"Tenants: {', '.join(item.tenant for item in tenants)}; stack in {recorded}")
        console.print(
            f"Tokens: {stack.tokens_file.resolve()} (one per role; `estab token ROLE` prints one)"
        )
        if demo:
            run_demo(console, urls, bearer(data_dir))
        if not once:
            console.print("Running (a service that stops is restarted). Press Ctrl-C to stop.")
            supervise_until_signal(stack, lambda line: console.print(line, markup=False))
    except StartupError as error:
        errors.print(f"[red]Could not start:[/red] {error}")
        raise typer.Exit(1) from None
    finally:
        stack.stop()
        clear_status(data_dir)
        console.print("Stopped.")


@tenant_app.command(name="create")
def tenant_create(
    tenant: Annotated[str, typer.Argument(help="the tenant's key: lower-case, digits, - or _")],
    name: Annotated[str | None, typer.Option(help="its display name")] = None,
    vacancy_control: Annotated[
        str, typer.Option(help="advisory (flag unapproved appointments) or required (refuse)")
    ] = "advisory",
    approval_months: Annotated[
        int, typer.Option(help="how long an approval to recruit stays live")
    ] = 4,
    person_ref_pattern: Annotated[
        str | None,
        typer.Option(help="a regular expression every person_ref must match, e.g. 'E[0-9]{6}'"),
    ] = None,
    data_dir: DataDir = DATA,
    url: EstablishmentUrl = None,
) -> None:
    """Provision a tenant: every running service serves it within a second."""
    body: dict[str, Any] = {
        "tenant": tenant,
        "vacancy_control": vacancy_control,
        "approval_months": approval_months,
    }
    if name:
        body["name"] = name
    if person_ref_pattern:
        body["person_ref_pattern"] = person_ref_pattern
    base = url_for(data_dir, "establishment", url)
    reply = call("POST", f"{base}/tenants", data_dir, body=body)
    record = reply.json()
    verb = "provisioned" if reply.status_code == 201 else "already provisioned"  # noqa: PLR2004
    console.print(
        f"Tenant {record['tenant']!r} ({record['name']}) {verb}: vacancy control "
        f"{record['vacancy_control']}, approvals live {record['approval_months']} months"
    )


@tenant_app.command(name="list")
def tenant_list(
    data_dir: DataDir = DATA, url: EstablishmentUrl = None, as_json: AsJson = False
) -> None:
    """Every provisioned tenant."""
    view = call("GET", f"{url_for(data_dir, 'establishment', url)}/tenants", data_dir).json()
    if as_json:
        _print_json(view)
        return
    for record in view["tenants"]:
        console.print(
            f"{record['tenant']:<20} {record['name']:<40} vacancy control "
            f"{record['vacancy_control']}, approvals {record['approval_months']} months"
        )


@app.command()
def load(
    files: Annotated[
        list[Path] | None,
        typer.Argument(
            exists=True, dir_okay=False, help="scenario YAML files (default: every bundled one)"
        ),
    ] = None,
    tenant: Annotated[str | None, typer.Option(help="override the scenarios' tenant")] = None,
    data_dir: DataDir = DATA,
    url: EstablishmentUrl = None,
    grading_url: Annotated[str | None, typer.Option(help="the grading service")] = None,
    recruitment_url: Annotated[str | None, typer.Option(help="the recruitment service")] = None,
    finance_url: FinanceUrl = None,
) -> None:
    """Load scenario files through the HTTP APIs (reloading one records nothing)."""
    urls = service_urls(
        data_dir,
        {
            "establishment": url,
            "grading": grading_url,
            "recruitment": recruitment_url,
            "finance": finance_url,
        },
    )
    failed = False
    for path in files or bundled_scenarios():
        try:
            report = load_file(console, path, urls, bearer_header(data_dir), tenant)
        except ScenarioError as error:
            errors.print(f"[red]{error}[/red]")
            raise typer.Exit(2) from None
        except TenantNotProvisionedError as error:
            errors.print(f"[red]{error}[/red]")
            raise typer.Exit(1) from None
        except httpx.HTTPError as error:
            errors.print(f"Cannot reach the stack: {error}. Is `estab up` running?")
            raise typer.Exit(2) from None
        for step, problem in report.failures:
            errors.print(f"[red]{step}[/red]: {problem.get('title')}: {problem.get('detail')}")
        failed = failed or bool(report.failures)
    if failed:
        raise typer.Exit(1)


@app.command(name="structure")
def show_structure(
    as_of: AsOf = None,
    known_at: KnownAt = None,
    org_unit: OrgUnit = None,
    as_json: AsJson = False,
    tenant: Tenant = "default",
    data_dir: DataDir = DATA,
    url: EstablishmentUrl = None,
) -> None:
    """The posts on a date, as known at a time, from the running service."""
    params = _given(as_of=as_of, known_at=known_at, org_unit_id=org_unit)
    base = url_for(data_dir, "establishment", url)
    _print_structure(_query(base, "/structure", params, tenant, data_dir), as_json)


Params = dict[str, str | int]


def _given(**options: str | None) -> Params:
    """The options that were given, as query parameters."""
    return {name: value for name, value in options.items() if value}


def _query(url: str, path: str, params: Params, tenant: str, data_dir: Path) -> dict[str, Any]:
    """GET a running service's answer, or exit saying why not."""
    reply = call("GET", f"{url}{path}", data_dir, params=params, headers={"X-Tenant": tenant})
    answer: dict[str, Any] = reply.json()
    return answer


def _print_json(view: dict[str, Any]) -> None:
    sys.stdout.write(orjson.dumps(view, option=orjson.OPT_INDENT_2).decode() + "\n")


def _print_unpriced(view: dict[str, Any]) -> None:
    """Warn about every post that could not be priced: never a silent zero."""
    unpriced = view.get("unpriced") or []
    if not unpriced:
        return
    summary = view.get("unpriced_totals") or {}
    amount = summary.get("estimated_annual_cost")
    worth = f", about {amount} a year at the nearest known rates" if amount else ""
    errors.print(
        f"[yellow]Warning:[/yellow] {len(unpriced)} post(s) could not be priced and count as "
        f"nothing above{worth}:"
    )
    for item in unpriced[:20]:
        errors.print(f"  {item['post_id']}: {item['problem']}")
    if len(unpriced) > 20:  # noqa: PLR2004 - enough to act on; --json lists them all
        errors.print(f"  ... and {len(unpriced) - 20} more (--json lists them all)")


@app.command(name="ledger")
def show_ledger(
    fy: Annotated[int, typer.Option(help="financial year by its start year: 2018 is 2018/19")],
    group_by: Annotated[str, typer.Option(help="org_unit, grade, funding or post")] = "org_unit",
    basis: Annotated[str, typer.Option(help="budget or forecast")] = "budget",
    as_of: AsOf = None,
    known_at: KnownAt = None,
    org_unit: OrgUnit = None,
    as_json: AsJson = False,
    tenant: Tenant = "default",
    data_dir: DataDir = DATA,
    url: FinanceUrl = None,
) -> None:
    """Full-year and in-year cost of a financial year, from the running finance service."""
    params: Params = {"fy": fy, "group_by": group_by, "basis": basis}
    params |= _given(as_of=as_of, known_at=known_at, org_unit_id=org_unit)
    view = _query(url_for(data_dir, "finance", url), "/ledger", params, tenant, data_dir)
    if as_json:
        _print_json(view)
    else:
        console.print(ledger_table(view))
    _print_unpriced(view)


@app.command(name="savings")
def show_savings(
    start: Annotated[str, typer.Option("--from", help="effective date before the change")],
    end: Annotated[str, typer.Option("--to", help="effective date after the change")],
    org_unit: OrgUnit = None,
    grades: Annotated[
        bool, typer.Option(help="cost from grades alone, not explicit costs")
    ] = False,
    rates_on: Annotated[
        str | None,
        typer.Option("--rates-on", help="take on-cost rates from this date (default --to)"),
    ] = None,
    known_at: KnownAt = None,
    as_json: AsJson = False,
    tenant: Tenant = "default",
    data_dir: DataDir = DATA,
    url: FinanceUrl = None,
) -> None:
    """A savings statement between two dates (seed 000's Table 1 shape)."""
    params: Params = {"from": start, "to": end, "costs": "grades" if grades else "explicit"}
    params |= _given(known_at=known_at, org_unit_id=org_unit, rates_on=rates_on)
    view = _query(url_for(data_dir, "finance", url), "/savings", params, tenant, data_dir)
    if as_json:
        _print_json(view)
    else:
        for line in savings_lines(view):
            console.print(line)
    _print_unpriced(view)


def _print_structure(view: dict[str, Any], as_json: bool) -> None:
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
    view, books = asyncio.run(replay_views(source, tenant, day, moment, org_unit, fy))
    _print_structure(view, as_json)
    if books is not None:
        if as_json:
            _print_json(books)
        else:
            console.print(ledger_table(books))
        _print_unpriced(books)
