"""`estab import`: bring an existing establishment in from an HR posts report or organogram files.

The files are read and planned by `importing` (pure); this module only asks grading for the
tenant's grades on the import date, sends each planned command through the services' HTTP APIs
exactly as `estab load` does (so every service's own validation applies), and prints the
report. Every command carries a command id derived from the tenant and what it records, so a
second run of the same import records nothing: the services answer each as a repeat.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import httpx
import orjson
import typer
from rich.console import Console
from rich.progress import track

from cli.credentials import bearer
from cli.loading import problem_of
from cli.patient_transport import PatientTransport
from cli.stack_file import service_urls
from contracts.rejections import Reason, problem_type
from eventlog.http_params import REPLAYED
from eventlog.token_file import TokensFileError
from importing.catalogue import KnownGrade, known_grades
from importing.files import ImportFileError, ImportFormat, read_import
from importing.mapping import ColumnMapping, MappingError, read_mapping
from importing.plan import Kind
from importing.planner import plan_import
from importing.report import ImportReport
from scenarios.loader import http_request, service_of

if TYPE_CHECKING:
    from collections.abc import Mapping

    from importing.plan import Plan

errors = Console(stderr=True, highlight=False)


class StopImportError(Exception):
    """The import cannot go on; `code` is the exit code and the message says why."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


def _stop_if_unknown_tenant(problem: dict[str, Any]) -> None:
    if problem.get("type") == problem_type(Reason.UNKNOWN_TENANT):
        raise StopImportError(str(problem.get("detail") or problem.get("title")), 1)


def _catalogue(client: httpx.Client, grading: str, day: date) -> dict[str, KnownGrade]:
    """The tenant's grades on `day` (this is also where an unknown tenant is found)."""
    reply = client.get(f"{grading}/grades", params={"as_of": day.isoformat()})
    if not reply.is_success:
        problem = problem_of(reply)
        _stop_if_unknown_tenant(problem)
        raise StopImportError(f"grading refused to list the grades: {problem}", 1)
    return known_grades(reply.json())


def _has_rates(client: httpx.Client, grading: str, day: date) -> bool:
    reply = client.get(f"{grading}/on-cost-rates", params={"as_of": day.isoformat()})
    return reply.is_success


def _send(client: httpx.Client, urls: Mapping[str, str], plan: Plan, report: ImportReport) -> None:
    """Send every step in order; a step whose need was refused is not sent."""
    for step in track(plan.steps, description="Importing", console=errors, transient=True):
        reason = report.blocked(step)
        if reason is not None:
            report.skip(step, reason)
            continue
        method, path, body = http_request(step.message)
        reply = client.request(method, f"{urls[service_of(step.message)]}{path}", json=body)
        if reply.is_success:
            report.recorded(step, replayed=reply.headers.get(REPLAYED) == "true")
            continue
        problem = problem_of(reply)
        _stop_if_unknown_tenant(problem)
        if step.kind is Kind.ORG_UNIT and problem.get("type") == problem_type(
            Reason.ALREADY_EXISTS
        ):
            report.existed(step)
        else:
            report.refused(step, problem)


def _day(as_of: str) -> date:
    try:
        return date.fromisoformat(as_of)
    except ValueError:
        errors.print(f"--as-of {as_of!r} is not a date (YYYY-MM-DD)", markup=False)
        raise typer.Exit(2) from None


def _mapping(path: Path | None) -> ColumnMapping:
    if path is None:
        return ColumnMapping()
    try:
        return read_mapping(path)
    except MappingError as error:
        errors.print(str(error), markup=False)
        raise typer.Exit(2) from None


def _print(report: ImportReport, as_json: bool) -> None:
    if as_json:
        sys.stdout.write(orjson.dumps(report.view(), option=orjson.OPT_INDENT_2).decode() + "\n")
    else:
        for line in report.lines():
            typer.echo(line)


def import_establishment(
    files: Annotated[
        list[Path],
        typer.Argument(exists=True, dir_okay=False, help="posts reports or organogram files"),
    ],
    tenant: Annotated[str, typer.Option(help="the organisation to import into (X-Tenant)")],
    as_of: Annotated[str, typer.Option("--as-of", help="the date the establishment stands")],
    file_format: Annotated[
        ImportFormat,
        typer.Option("--format", help="auto (by name and headings), csv, xlsx or organogram"),
    ] = ImportFormat.AUTO,
    mapping: Annotated[
        Path | None,
        typer.Option(exists=True, dir_okay=False, help="YAML: field -> column heading, options"),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="record nothing; report what would happen")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="print the report as JSON")] = False,
    data_dir: Annotated[Path, typer.Option(help="the stack's data directory")] = Path("data"),
    url: Annotated[
        str | None, typer.Option("--url", help="the establishment service (default: the stack's)")
    ] = None,
    grading_url: Annotated[str | None, typer.Option(help="the grading service")] = None,
    recruitment_url: Annotated[str | None, typer.Option(help="the recruitment service")] = None,
) -> None:
    """Import posts, org units, grades and postholders from CSV, XLSX or organogram files."""
    day = _day(as_of)
    try:
        reading = read_import(files, file_format, _mapping(mapping))
    except ImportFileError as error:
        errors.print(str(error), markup=False)
        raise typer.Exit(2) from None
    urls = service_urls(
        data_dir, {"establishment": url, "grading": grading_url, "recruitment": recruitment_url}
    )
    report: ImportReport | None = None
    try:
        access = bearer(data_dir)
        headers = {**access, "X-Tenant": tenant}
        with httpx.Client(headers=headers, timeout=60, transport=PatientTransport()) as client:
            catalogue = _catalogue(client, urls["grading"], day)
            plan = plan_import(reading, tenant=tenant, as_of=day, catalogue=catalogue)
            report = ImportReport.start(plan, tenant=tenant, as_of=day.isoformat(), dry_run=dry_run)
            if not _has_rates(client, urls["grading"], day):
                warning = (
                    f"grading has no on-cost rates in force on {day.isoformat()}: the imported "
                    "posts cannot be priced until they are recorded"
                )
                errors.print(f"Warning: {warning}", markup=False)
                report.note(warning)
            if not dry_run:
                _send(client, urls, plan, report)
    except StopImportError as error:
        _stopped(report, as_json, str(error), error.code)
    except TokensFileError as error:
        _stopped(report, as_json, f"{error}; or pass --token (ESTAB_TOKEN)", 2)
    except httpx.HTTPError as error:
        message = f"cannot reach the stack: {error}. Is `estab up` running?"
        _stopped(report, as_json, message, 1 if report and sum(report.created.values()) else 2)
    assert report is not None
    _print(report, as_json)
    raise typer.Exit(report.exit_code())


def _stopped(report: ImportReport | None, as_json: bool, message: str, code: int) -> None:
    """Say why the import stopped (and what it recorded before), then exit with `code`."""
    if report is not None and not report.dry_run:
        _print(report, as_json)
    errors.print(message, markup=False)
    raise typer.Exit(code)
