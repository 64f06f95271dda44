"""`estab export`: the structure, ledgers and savings of a tenant as a workbook or CSV files.

Everything comes from the running services' answers (structure and org units from
establishment, the ledgers and the savings statement from finance), so a total in the file is
the API's total to the penny. `--format xlsx` writes one workbook; `--format csv` a folder with
one file per sheet. Sheets: Structure (one row per post on `--as-of`), Ledger (the financial
year by org unit, grade and funding, budget and forecast), Savings (with `--from/--to`), Notes
(what it was made from, the log positions read, unpriced posts). `--format jsonl` is the
tenant's whole history instead, read straight from Redis: every stream of every service, as an
archive `estab verify --archive` and `estab replay --archive` read with no Redis at all.
`--format organogram` is the data.gov.uk senior/junior CSV pair (cli.organogram_export).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum
from pathlib import Path  # noqa: TC003 - typer reads annotations at runtime
from typing import Annotated, Any

import typer

from cli.archive_commands import export_archive
from cli.options import (
    DATA,
    AsOf,
    DataDir,
    EstablishmentUrl,
    FinanceUrl,
    GradingUrl,
    KnownAt,
    OrgUnit,
    RecruitmentUrl,
    RedisUrl,
    Tenant,
    console,
    errors,
    redis_url_for,
    url_for,
)
from cli.organogram_export import export_organogram
from cli.stack_calls import call
from eventlog.clock import format_timestamp, parse_timestamp
from exporting.csv_files import write_csv
from exporting.finance_sheets import ledger_sheet, savings_sheet
from exporting.notes_sheet import notes_sheet
from exporting.structure_sheet import structure_sheet
from exporting.xlsx_file import write_xlsx
from services.finance.fiscal import fy_of

GROUPINGS = ("org_unit", "grade", "funding")
BASES = ("budget", "forecast")


class ExportFormat(StrEnum):
    """What `estab export` writes."""

    XLSX = "xlsx"
    CSV = "csv"
    JSONL = "jsonl"
    ORGANOGRAM = "organogram"


def export(
    tenant: Tenant,
    out: Annotated[
        Path, typer.Option(help="the workbook (xlsx) or the folder (csv, organogram) to write")
    ],
    export_format: Annotated[
        ExportFormat,
        typer.Option(
            "--format", help="xlsx: a workbook; csv: a file per sheet; organogram: the CSV pair"
        ),
    ] = ExportFormat.XLSX,
    as_of: AsOf = None,
    known_at: KnownAt = None,
    fy: Annotated[
        int | None, typer.Option(help="the ledger's financial year (default: as-of's)")
    ] = None,
    start: Annotated[
        str | None, typer.Option("--from", help="the savings statement from this date")
    ] = None,
    end: Annotated[str | None, typer.Option("--to", help="... to this date")] = None,
    org_unit: OrgUnit = None,
    data_dir: DataDir = DATA,
    url: EstablishmentUrl = None,
    finance_url: FinanceUrl = None,
    grading_url: GradingUrl = None,
    recruitment_url: RecruitmentUrl = None,
    redis_url: RedisUrl = None,
) -> None:
    """Export the structure, ledgers and savings (xlsx, CSV), or the whole history (jsonl)."""
    if export_format is ExportFormat.JSONL:
        export_archive(tenant, out, redis_url_for(redis_url, data_dir), data_dir)
        return
    if (start is None) != (end is None):
        errors.print("Give both --from and --to for the savings statement, or neither.")
        raise typer.Exit(2)
    day = as_of or date.today().isoformat()  # noqa: DTZ011 - a calendar date, as people mean it
    moment = format_timestamp(parse_timestamp(known_at)) if known_at else None
    if export_format is ExportFormat.ORGANOGRAM:
        urls = {"establishment": url, "grading": grading_url, "recruitment": recruitment_url}
        export_organogram(tenant, out, day, moment, data_dir, urls, org_unit)
        return
    year = fy if fy is not None else fy_of(day)
    base = url_for(data_dir, "establishment", url)
    money = url_for(data_dir, "finance", finance_url)

    def get(where: str, **params: Any) -> dict[str, Any]:
        chosen = {name: value for name, value in params.items() if value is not None}
        reply = call("GET", where, data_dir, params=chosen, headers={"X-Tenant": tenant})
        answer: dict[str, Any] = reply.json()
        return answer

    with console.status(f"Reading {tenant}'s structure and ledgers…"):
        structure = get(f"{base}/structure", as_of=day, known_at=moment, org_unit_id=org_unit)
        units = get(f"{base}/org-units", as_of=day, known_at=moment)
        common = {"fy": year, "as_of": day, "known_at": moment, "org_unit_id": org_unit}
        costs = get(f"{money}/ledger", group_by="post", basis="budget", **common)
        ledgers = [
            get(f"{money}/ledger", group_by=grouping, basis=basis, **common)
            for grouping in GROUPINGS
            for basis in BASES
        ]
        savings = (
            get(
                f"{money}/savings",
                **{"from": start, "to": end, "known_at": moment, "org_unit_id": org_unit},
            )
            if start and end
            else None
        )
    settings = {
        "tenant": tenant,
        "as of": day,
        "known at": structure["known_at"],
        "org unit": org_unit,
        "financial year": f"{year}/{(year + 1) % 100:02d}",
        "savings from": start,
        "savings to": end,
        "made at": format_timestamp(datetime.now(UTC)),
    }
    sheets = [structure_sheet(structure, units, costs), ledger_sheet(ledgers)]
    if savings is not None:
        sheets.append(savings_sheet(savings))
    sheets.append(notes_sheet(settings, structure.get("log_position", {}), costs["unpriced"]))
    if export_format is ExportFormat.XLSX:
        write_xlsx(sheets, out)
        console.print(f"Wrote {out}: {', '.join(sheet.name for sheet in sheets)}", markup=False)
        return
    written = write_csv(sheets, out)
    console.print(
        f"Wrote {len(written)} files to {out}: " + ", ".join(p.name for p in written), markup=False
    )
