"""`estab proposal`: draft a redesign, add its commands, look at it applied, decide on it.

Every subcommand asks the establishment service (`/proposals`): `create` starts a draft, `add`
gives it establishment commands (from a scenario file, as `estab load` reads them, or `--command`
JSON), `show` lists its commands, decisions and any conflicts with the live log, `evaluate`
prints the structure it would leave and its change report, and `submit`, `approve`, `reject`,
`withdraw` record a decision (approval appends the commands to the live log, or exits 1 listing
each command that no longer applies); `compare` and `outturn` ask finance.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path  # noqa: TC003 - typer reads annotations at runtime
from typing import Annotated, Any

import orjson
import typer
from rich.table import Table

from cli.options import (
    DATA,
    AsJson,
    DataDir,
    EstablishmentUrl,
    FinanceUrl,
    OrgUnit,
    Tenant,
    console,
    url_for,
)
from cli.proposal_evaluation import evaluate
from cli.stack_calls import call
from cli.view_printing import print_json
from scenarios.loader import load_scenario

proposal_app = typer.Typer(
    help="Redesign proposals: draft, add commands, evaluate, decide.", no_args_is_help=True
)

ProposalId = Annotated[str, typer.Argument(help="the proposal's id")]


class Decision(StrEnum):
    """What `estab proposal decide` records."""

    SUBMIT = "submit"
    APPROVE = "approve"
    REJECT = "reject"
    WITHDRAW = "withdraw"


def _ask(method: str, path: str, tenant: str, data_dir: Path, url: str | None, **kw: Any) -> Any:
    base = url_for(data_dir, "establishment", url)
    return call(method, f"{base}{path}", data_dir, headers={"X-Tenant": tenant}, **kw)


@proposal_app.command(name="create")
def create(
    tenant: Tenant,
    title: Annotated[str, typer.Option(help="what the proposal is called")],
    implementation_date: Annotated[str, typer.Option(help="the date it would take effect")],
    proposal_id: Annotated[str | None, typer.Option("--id", help="its id (default: made)")] = None,
    org_unit: OrgUnit = None,
    description: Annotated[str | None, typer.Option(help="what it is for")] = None,
    data_dir: DataDir = DATA,
    url: EstablishmentUrl = None,
) -> None:
    """Start a draft proposal; prints its id."""
    body = {
        "proposal_id": proposal_id,
        "title": title,
        "implementation_date": implementation_date,
        "org_unit_id": org_unit,
        "description": description,
    }
    made = _ask(
        "POST", "/proposals", tenant, data_dir, url, body={k: v for k, v in body.items() if v}
    )
    console.print(f"Drafted proposal {made.json()['proposal_id']}")


@proposal_app.command(name="add")
def add(
    proposal_id: ProposalId,
    tenant: Tenant,
    file: Annotated[
        Path | None, typer.Option(help="a scenario file (YAML) whose steps are the commands")
    ] = None,
    command: Annotated[
        list[str] | None, typer.Option(help="one command as JSON (repeat for more)")
    ] = None,
    data_dir: DataDir = DATA,
    url: EstablishmentUrl = None,
) -> None:
    """Add establishment commands to a draft; each is checked on top of the live log."""
    commands = [step.command for step in load_scenario(file).steps] if file else []
    commands += [orjson.loads(text) for text in command or []]
    if not commands:
        console.print("Nothing to add: give --file or --command.")
        raise typer.Exit(2)
    path = f"/proposals/{proposal_id}/commands"
    _ask("POST", path, tenant, data_dir, url, body={"commands": commands})
    console.print(f"Added {len(commands)} command(s) to proposal {proposal_id}")


@proposal_app.command(name="show")
def show(
    proposal_id: ProposalId,
    tenant: Tenant,
    as_json: AsJson = False,
    data_dir: DataDir = DATA,
    url: EstablishmentUrl = None,
) -> None:
    """The proposal: status, commands, decisions and conflicts with the live log now."""
    shown = _ask("GET", f"/proposals/{proposal_id}", tenant, data_dir, url).json()
    if as_json:
        print_json(shown)
        return
    console.print(
        f"{shown['proposal_id']}: {shown['title']} ({shown['status']}), from "
        f"{shown['implementation_date']}, {shown['command_count']} command(s)"
    )
    for item in shown["commands"]:
        target = item.get("post_id") or item.get("org_unit_id") or ""
        console.print(f"  {item['number']}. {item['type']} {target} from {item['effective_date']}")
    for item in shown["decisions"]:
        console.print(f"  {item['decision']} by {item['decided_by']} on {item['decision_date']}")
    for item in shown["conflicts"]:
        console.print(f"  [red]conflict[/red] command {item['number']}: {item['detail']}")


@proposal_app.command(name="decide")
def decide(
    proposal_id: ProposalId,
    decision: Annotated[Decision, typer.Argument(help="submit, approve, reject or withdraw")],
    tenant: Tenant,
    decided_by: Annotated[str, typer.Option(help="who decided (a person or a body)")],
    decision_date: Annotated[str, typer.Option(help="when it was decided")],
    reference: Annotated[str | None, typer.Option(help="the report or delegation")] = None,
    data_dir: DataDir = DATA,
    url: EstablishmentUrl = None,
) -> None:
    """Record a decision; `approve` appends the proposal's commands to the live log."""
    body = {"decided_by": decided_by, "decision_date": decision_date, "reference": reference}
    path = f"/proposals/{proposal_id}/{decision.value}"
    _ask("POST", path, tenant, data_dir, url, body={k: v for k, v in body.items() if v})
    console.print(f"Proposal {proposal_id}: {decision.value} recorded")


@proposal_app.command(name="approve")
def approve(
    proposal_id: ProposalId,
    tenant: Tenant,
    decided_by: Annotated[str, typer.Option(help="who decided (a person or a body)")],
    decision_date: Annotated[str, typer.Option(help="when it was decided")],
    reference: Annotated[str | None, typer.Option(help="the report or delegation")] = None,
    data_dir: DataDir = DATA,
    url: EstablishmentUrl = None,
) -> None:
    """Approve a submitted proposal: its commands are appended to the live log, all or none."""
    decide(
        proposal_id, Decision.APPROVE, tenant, decided_by, decision_date, reference, data_dir, url
    )


@proposal_app.command(name="compare")
def compare(
    ids: Annotated[str, typer.Argument(help="proposal ids, comma-separated")],
    tenant: Tenant,
    as_json: AsJson = False,
    data_dir: DataDir = DATA,
    finance_url: FinanceUrl = None,
) -> None:
    """Side by side: net saving, FTE, posts, in-year saving, people at risk, consultation days."""
    money = url_for(data_dir, "finance", finance_url)
    found = call(
        "GET",
        f"{money}/proposals/compare",
        data_dir,
        params={"ids": ids},
        headers={"X-Tenant": tenant},
    )
    columns = found.json()["proposals"]
    if as_json:
        print_json({"proposals": columns})
        return
    table = Table(title="Proposals compared")
    headings = (
        "proposal",
        "status",
        "from",
        "net saving",
        "FTE",
        "deleted",
        "created",
        "in-year saving",
        "at risk",
        "consultation days",
    )
    for column in headings:
        table.add_column(column)
    for item in columns:
        table.add_row(
            item["proposal_id"],
            item["status"],
            item["implementation_date"],
            item["net_annual_saving"],
            item["fte_change"],
            str(item["posts_deleted"]),
            str(item["posts_created"]),
            f"{item['in_year_saving']} ({item['fy']})",
            str(item["people_at_risk"]),
            str(item["consultation_days"]),
        )
    console.print(table)


@proposal_app.command(name="outturn")
def outturn(
    proposal_id: ProposalId,
    tenant: Tenant,
    fy: Annotated[int, typer.Option(help="financial year by its start year: 2018 is 2018/19")],
    as_json: AsJson = False,
    data_dir: DataDir = DATA,
    finance_url: FinanceUrl = None,
) -> None:
    """An approved proposal's modelled saving for a year beside what the ledger now shows."""
    base = url_for(data_dir, "finance", finance_url)
    found = call(
        "GET",
        f"{base}/proposals/{proposal_id}/outturn",
        data_dir,
        params={"fy": fy},
        headers={"X-Tenant": tenant},
    ).json()
    if as_json:
        print_json(found)
        return
    console.print(
        f"{proposal_id} in {fy}/{(fy + 1) % 100:02d}: modelled saving {found['modelled_saving']}, "
        f"actual {found['actual_saving']}, shortfall {found['shortfall']} ({found['basis']})"
    )
    invested, saved = found["investment"], found["savings"]
    verdict = "recouped" if found["recouped"] else "[red]not recouped[/red]"
    console.print(
        f"  investment {invested['actual']} (modelled {invested['modelled']}), savings "
        f"{saved['actual']} (modelled {saved['modelled']}): {verdict}"
    )
    for line in found["lines"]:
        if line["cause"] != "as planned":
            console.print(f"  {line['post_id']}: {line['difference']} — {line['cause']}")


proposal_app.command(name="evaluate")(evaluate)
