"""`estab proposal evaluate`: what a decision report needs about a proposal, before it is made.

Asked of all three services with the proposal applied and nothing written: the structure's
totals on its date (establishment), the savings statement in seed 000's Table 1 shape
(finance), the people it puts at risk with their suitable alternatives and the collective
consultation it needs (recruitment), and the change report line by line (establishment).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import typer

from cli.options import (
    DATA,
    AsJson,
    DataDir,
    EstablishmentUrl,
    FinanceUrl,
    OrgUnit,
    RecruitmentUrl,
    Tenant,
    console,
    url_for,
)
from cli.render import at_risk_table, savings_lines
from cli.stack_calls import call
from cli.view_printing import print_json


def evaluate(
    proposal_id: Annotated[str, typer.Argument(help="the proposal's id")],
    tenant: Tenant,
    start: Annotated[str, typer.Option("--from", help="the baseline day (before it takes effect)")],
    org_unit: OrgUnit = None,
    consultation_start: Annotated[
        str | None, typer.Option(help="when consultation would start (default today)")
    ] = None,
    as_json: AsJson = False,
    data_dir: DataDir = DATA,
    url: EstablishmentUrl = None,
    finance_url: FinanceUrl = None,
    recruitment_url: RecruitmentUrl = None,
) -> None:
    """Structure totals, Table 1 savings, people at risk with alternatives, consultation."""
    urls = {
        "establishment": url_for(data_dir, "establishment", url),
        "finance": url_for(data_dir, "finance", finance_url),
        "recruitment": url_for(data_dir, "recruitment", recruitment_url),
    }

    def ask(service: str, path: str, **params: Any) -> Any:
        return call(
            "GET", f"{urls[service]}{path}", data_dir, params=params, headers={"X-Tenant": tenant}
        )

    proposal = ask("establishment", f"/proposals/{proposal_id}").json()
    day = proposal["implementation_date"]
    scope = {"org_unit_id": org_unit} if org_unit else {}
    applied = {"proposal": proposal_id}
    views = {
        "structure": ask("establishment", "/structure", as_of=day, **applied, **scope).json(),
        "savings": ask(
            "finance", "/savings", **{"from": start, "to": day}, **applied, **scope
        ).json(),
        "at_risk": ask("recruitment", "/at-risk", as_of=day, **applied).json(),
        "consultation": ask(
            "recruitment",
            "/consultation",
            **applied,
            start=consultation_start or date.today().isoformat(),  # noqa: DTZ011 - a calendar date
        ).json(),
    }
    if as_json:
        print_json({"proposal": proposal, **views})
        return
    totals = views["structure"]["totals"]
    console.print(
        f"{proposal['title']} ({proposal['status']}), from {day}: {totals['posts']} posts, "
        f"{totals['fte']} FTE after it"
    )
    for line in savings_lines(views["savings"]):
        console.print(line)
    console.print(at_risk_table(views["at_risk"]))
    for person in views["at_risk"]["people"]:
        for post in person["posts"]:
            offered = ", ".join(item["post_id"] for item in post["alternatives"]) or "none"
            console.print(f"  {person['person_ref']} ({post['post_id']}): alternatives {offered}")
    needs = views["consultation"]
    hr1 = "HR1 to be notified before it starts" if needs["hr1_required"] else "no HR1"
    console.print(
        f"Consultation: {needs['proposed_redundancies']} proposed redundancies, at least "
        f"{needs['minimum_days']} days from {needs['consultation_start']} "
        f"(earliest dismissal {needs['earliest_dismissal_date']}); {hr1}"
    )
    window = {"from": start, "to": day, "format": "text"}
    console.print(ask("establishment", "/diff", **window, **applied, **scope).text, markup=False)
