"""`estab`: start the system, provision tenants, load and import, query, and audit the log.

Every command finds the stack `estab up` started through its data directory (`--data-dir`,
default `data`); the `--url` options are for a remote stack. The stack's status and tokens are
in `cli.stack_commands`, the audit of the raw log in `cli.audit_commands`.
"""

from __future__ import annotations

import os
from pathlib import Path  # noqa: TC003 - typer reads annotations at runtime
from typing import Annotated, Any

import httpx
import typer

from cli.audit_commands import save_checkpoint, verify
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
    DataDir,
    EstablishmentUrl,
    FinanceUrl,
    RedisUrl,
    console,
    errors,
    url_for,
)
from cli.person_commands import person_app
from cli.proposal_commands import proposal_app
from cli.query_commands import show_diff, show_ledger, show_savings, show_structure
from cli.redis_acl_command import redis_acl
from cli.replay_command import replay
from cli.stack_calls import bearer_header, call
from cli.stack_commands import make_signing_keys, make_tokens, show_status, show_token
from cli.stack_file import StackAddress, service_urls, write_stack
from cli.status_file import clear_status
from cli.supervising import supervise_until_signal
from cli.supervisor import Durability, Stack, StartupError
from cli.view_printing import print_json
from contracts.tenancy import ProvisionTenant
from scenarios.loader import ScenarioError, bundled_scenarios

app = typer.Typer(
    help="Establishment control: posts and structures on any date, as known at any time.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
tenant_app = typer.Typer(help="Provision and list tenants (organisations).", no_args_is_help=True)
app.add_typer(tenant_app, name="tenant")
app.add_typer(person_app, name="person")
app.add_typer(chart_app, name="chart")
app.add_typer(proposal_app, name="proposal")
app.command(name="import")(import_establishment)
app.command(name="status")(show_status)
app.command(name="redis-acl")(redis_acl)
app.command(name="export")(export)
app.command(name="token")(show_token)
app.command(name="tokens")(make_tokens)
app.command(name="signing-keys")(make_signing_keys)
app.command()(verify)
app.command(name="checkpoint")(save_checkpoint)
app.command()(replay)
app.command(name="structure")(show_structure)
app.command(name="ledger")(show_ledger)
app.command(name="savings")(show_savings)
app.command(name="diff")(show_diff)


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
        print_json(view)
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
