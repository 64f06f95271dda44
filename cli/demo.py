"""`estab up --demo`: load the seed scenarios and show what they say, with the URLs to explore.

The summary is the 2018 Children and Families redesign (seed 000) told by the running services:
the structure the day before and the day it took effect, the diff between them, and what grading
says the Table 1 grades cost on the default catalogue; then the seeds loaded as proposals
(001 awaiting approval, 002's outturn).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import httpx

from cli.loading import load_file
from cli.render import diff_lines, savings_lines
from contracts.tenancy import ProvisionTenant
from scenarios.loader import bundled_scenarios

if TYPE_CHECKING:
    from collections.abc import Mapping

    from rich.console import Console

TENANT = "leeds"
DEMO_TENANTS = (
    ProvisionTenant(tenant=TENANT, name="Leeds City Council", vacancy_control="required"),
    ProvisionTenant(tenant="dudley", name="Dudley Metropolitan Borough Council"),
    ProvisionTenant(tenant="leeds-2011", name="Leeds City Council, 2010/11 (seed 001)"),
)
"""The seed scenarios' tenants; Leeds refuses appointments without approval to recruit. Seed
001's 2010/11 structure has a tenant of its own, so it does not stand beside 2018's."""
UNIT = "children-and-families"
BEFORE, AFTER = "2018-03-31", "2018-04-01"
WAIT_SECONDS = 30.0
SHOWN = 6
"""People listed per tenant in the at-risk summary."""
TABLE_1_GRADES = ("Dir 80%", "Dir 70%", "Dir 65%", "Dir 60%", "Dir 52.5%", "Dir 45%", "PO6")


def _client(url: str, access: Mapping[str, str], tenant: str = TENANT) -> httpx.Client:
    """A client of one service speaking for `tenant` with the stack's token."""
    return httpx.Client(base_url=url, headers={**access, "X-Tenant": tenant}, timeout=60)


def _establishment(console: Console, url: str, access: Mapping[str, str]) -> None:
    with _client(url, access) as client:
        totals = {
            day: client.get("/structure", params={"as_of": day, "org_unit_id": UNIT}).json()[
                "totals"
            ]
            for day in (BEFORE, AFTER)
        }
        changes = client.get(
            "/diff", params={"from": BEFORE, "to": AFTER, "org_unit_id": UNIT}
        ).json()
    console.rule("Leeds Children and Families redesign, effective 1 April 2018 (seed 000)")
    for day, total in totals.items():
        console.print(
            f"as of {day}: {total['posts']} posts, {total['fte']} FTE; "
            f"{total['headcount']} people in post ({total['fte_in_post']} FTE), "
            f"{total['vacant_fte']} FTE vacant"
        )
    for line in diff_lines(changes):
        console.print(line)


def _grading(console: Console, url: str, access: Mapping[str, str]) -> None:
    console.rule(f"Grade costs on {AFTER}, default NJC catalogue (grading)")
    with _client(url, access) as client:
        for grade in TABLE_1_GRADES:
            cost = client.get(f"/grades/{grade}/cost", params={"on": AFTER}).json()
            point = f" at point {cost['scp']}" if cost.get("scp") else ""
            console.print(
                f"{grade:<10} salary {cost['salary']:>10}{point}: annual cost "
                f"{cost['annual_cost']:>10} (NI {cost['employer_ni']}, "
                f"pension {cost['pension']}, levy {cost['levy']})"
            )


def _caught_up(console: Console, url: str, access: Mapping[str, str]) -> None:
    """Wait until the service has read every event it consumes (deletions place staff at risk)."""
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if httpx.get(f"{url}/progress", headers=access, timeout=5).json()["caught_up"]:
            return
        time.sleep(0.1)
    console.print(f"[yellow]{url} is still catching up; figures may be partial[/yellow]")


def _recruitment(console: Console, url: str, access: Mapping[str, str]) -> None:
    _caught_up(console, url, access)
    for tenant, day, what in (
        (TENANT, AFTER, "Leeds Children and Families, seed 000"),
        ("dudley", "2023-12-04", "Dudley Children's Services (synthetic), seed 004"),
    ):
        with _client(url, access, tenant) as client:
            risk = client.get("/at-risk", params={"as_of": day}).json()
            open_posts = client.get("/vacancies", params={"as_of": day}).json()
        console.rule(f"Staff at risk on {day}: {what} (recruitment)")
        console.print(
            f"{risk['totals']['people']} people at risk on {risk['totals']['posts']} deleted "
            f"posts; {open_posts['totals']['posts']} vacancies ({open_posts['totals']['fte']} FTE)"
        )
        for person in risk["people"][:SHOWN]:
            for post in person["posts"]:
                offers = ", ".join(item["post_id"] for item in post["alternatives"]) or "none"
                console.print(
                    f"  {person['person_ref']} ({post['post_id']}, {post['grade']}): "
                    f"alternatives {offers}"
                )


def _finance(console: Console, url: str, access: Mapping[str, str]) -> None:
    _caught_up(console, url, access)
    params = {"from": BEFORE, "to": AFTER, "org_unit_id": UNIT}
    console.rule("Savings statement, seed 000 Table 1 (finance)")
    with _client(url, access) as client:
        for costs in ("explicit", "grades"):
            view = client.get("/savings", params={**params, "costs": costs}).json()
            for line in savings_lines(view):
                console.print(line)
        grant = client.get("/funding-streams/dfe-innovation-2017").json()
        delay = client.get(
            "/sensitivity", params={"fy": 2017, "months": 1, "org_unit_id": "cf-innovation"}
        ).json()
    console.rule("DfE innovation grant, seed 003 (finance)")
    years = ", ".join(
        f"{row['fy']}/{(row['fy'] + 1) % 100:02d} {row['committed']}" for row in grant["by_fy"]
    )
    console.print(
        f"{grant['amount']} ({grant['contingent_amount']} contingent): committed "
        f"{grant['committed']} ({years}); headroom {grant['headroom']}; "
        f"{len(grant['warnings'])} posts outlive it"
    )
    console.print(f"a month's delay in filling the posts changes 2017/18 by {delay['change']}")


def _proposals(console: Console, urls: Mapping[str, str], access: Mapping[str, str]) -> None:
    """Seeds 001 and 002 as proposals: the first awaiting approval, the second's outturn."""
    console.rule("Proposals, seeds 001 and 002")
    returning = "leeds-2011-education-leeds-return"
    with _client(urls["establishment"], access, "leeds-2011") as client:
        shown = client.get(f"/proposals/{returning}").json()
        after = client.get("/structure", params={"as_of": "2011-04-01", "proposal": returning})
    with _client(urls["recruitment"], access, "leeds-2011") as client:
        need = client.get("/consultation", params={"proposal": returning}).json()
    console.print(
        f"{shown['title']} ({shown['status']}, {shown['command_count']} commands): "
        f"{after.json()['totals']['posts']} posts after it, "
        f"{need['proposed_redundancies']} people at risk"
    )
    team = "leeds-2022-transformation-team"
    with _client(urls["finance"], access) as client:
        outturn = client.get(f"/proposals/{team}/outturn", params={"fy": 2023}).json()
    verdict = "recouped" if outturn["recouped"] else "not recouped"
    console.print(
        f"Transformation Team (invest to save), 2023/24: investment "
        f"{outturn['investment']['actual']}, savings {outturn['savings']['actual']}: {verdict}"
    )


def run_demo(console: Console, urls: Mapping[str, str], access: Mapping[str, str]) -> None:
    """Load every bundled scenario, then print the redesign's before/after and the URLs.

    `access` is the stack's admin Authorization header.
    """
    for path in bundled_scenarios():
        tenants = [None, "dudley"] if path.stem.startswith("catalogue") else [None]
        for tenant in tenants:
            report = load_file(console, path, urls, access, tenant)
            for step, problem in report.failures:
                console.print(f"[red]{step}[/red]: {problem.get('detail')}")
    url, grading = urls["establishment"], urls["grading"]
    _establishment(console, url, access)
    _grading(console, grading, access)
    _recruitment(console, urls["recruitment"], access)
    _finance(console, urls["finance"], access)
    _proposals(console, urls, access)
    console.rule("Explore")
    console.print("API docs:   " + "  ".join(f"{base}/docs" for base in urls.values()))
    console.print('Token:      AUDITOR="Authorization: Bearer $(estab token auditor)"')
    recruitment = urls["recruitment"]
    for label, tenant, address in (
        ("Structure", TENANT, f"{url}/structure?as_of={AFTER}&org_unit_id={UNIT}"),
        ("Diff", TENANT, f"{url}/diff?from={BEFORE}&to={AFTER}"),
        ("Grade cost", TENANT, f"{grading}/grades/PO6/cost?on={AFTER}&fte=30/37"),
        ("Evaluate", TENANT, f"{grading}/evaluations/pending?as_of={AFTER}"),
        ("At risk", "dudley", f"{recruitment}/at-risk?as_of=2023-12-04"),
        ("Vacancies", TENANT, f"{recruitment}/vacancies?as_of={AFTER}"),
    ):
        console.print(f"{label + ':':<11} curl -H \"$AUDITOR\" -H 'X-Tenant: {tenant}' '{address}'")
    console.print(
        f"CLI:        estab structure --tenant {TENANT} --as-of {BEFORE} --org-unit {UNIT}"
    )
    console.print(
        f"Savings:    estab savings --tenant {TENANT} --from {BEFORE} --to {AFTER} "
        f"--org-unit {UNIT}"
    )
    console.print(f"Ledger:     estab ledger --tenant {TENANT} --fy 2018 --group-by grade")
    console.print(f"Audit:      estab verify && estab replay --tenant {TENANT} --as-of {AFTER}")
