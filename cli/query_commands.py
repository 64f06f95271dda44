"""The query commands: a running service's answer to a question, printed for people or as JSON.

`estab structure`, `ledger`, `savings` and `diff` ask establishment or finance over HTTP (the
stack `estab up` started, found through the data directory, or `--url`) and print what they
answer; `--json` prints the answer itself.
"""

from __future__ import annotations

import sys
from pathlib import Path  # noqa: TC003 - typer reads annotations at runtime
from typing import Annotated, Any

import typer

from cli.options import (
    DATA,
    AsJson,
    AsOf,
    DataDir,
    EstablishmentUrl,
    FinanceUrl,
    KnownAt,
    OrgUnit,
    Tenant,
    console,
    url_for,
)
from cli.render import ledger_table, savings_lines
from cli.stack_calls import call
from cli.view_printing import print_json, print_structure, print_unpriced


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
    print_structure(_query(base, "/structure", params, tenant, data_dir), as_json)


Params = dict[str, str | int]


def _given(**options: str | None) -> Params:
    """The options that were given, as query parameters."""
    return {name: value for name, value in options.items() if value}


def _query(url: str, path: str, params: Params, tenant: str, data_dir: Path) -> dict[str, Any]:
    """GET a running service's answer, or exit saying why not."""
    reply = call("GET", f"{url}{path}", data_dir, params=params, headers={"X-Tenant": tenant})
    answer: dict[str, Any] = reply.json()
    return answer


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
        print_json(view)
    else:
        console.print(ledger_table(view))
    print_unpriced(view)


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
        print_json(view)
    else:
        for line in savings_lines(view):
            console.print(line)
    print_unpriced(view)


def show_diff(
    start: Annotated[str, typer.Option("--from", help="effective date before the change")],
    end: Annotated[str, typer.Option("--to", help="effective date after the change")],
    org_unit: OrgUnit = None,
    known_at: KnownAt = None,
    as_json: AsJson = False,
    tenant: Tenant = "default",
    data_dir: DataDir = DATA,
    url: EstablishmentUrl = None,
) -> None:
    """What was deleted, created, re-designated, transferred and re-lined between two dates."""
    params: Params = {"from": start, "to": end}
    params |= _given(known_at=known_at, org_unit_id=org_unit)
    base = url_for(data_dir, "establishment", url)
    if as_json:
        print_json(_query(base, "/diff", params, tenant, data_dir))
        return
    params["format"] = "text"
    reply = call("GET", f"{base}/diff", data_dir, params=params, headers={"X-Tenant": tenant})
    sys.stdout.write(reply.text)
