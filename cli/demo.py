"""`estab up --demo`: load the seed scenarios and show what they say, with the URLs to explore.

The summary is the 2018 Children and Families redesign (seed 000) told by the running services:
the structure the day before and the day it took effect, the diff between them, and what grading
says the Table 1 grades cost on the default catalogue.
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
)
"""The seed scenarios' tenants; Leeds refuses appointments without approval to recruit."""
UNIT = "children-and-families"
BEFORE, AFTER = "2018-03-31", "2018-04-01"
WAIT_SECONDS = 30.0
SHOWN = 6
"""People listed per tenant in the at-risk summary."""
TABLE_1_GRADES = ("Dir 80%", "Dir 70%", "Dir 65%", "Dir 60%", "Dir 52.5%", "Dir 45%", "PO6")


def _establishment(console: Console, url: str) -> None:
    with httpx.Client(base_url=url, headers={"X-Tenant": TENANT}, timeout=30) as client:
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


def _grading(console: Console, url: str) -> None:
    console.rule(f"Grade costs on {AFTER}, default NJC catalogue (grading)")
    with httpx.Client(base_url=url, headers={"X-Tenant": TENANT}, timeout=30) as client:
        for grade in TABLE_1_GRADES:
            cost = client.get(f"/grades/{grade}/cost", params={"on": AFTER}).json()
            point = f" at point {cost['scp']}" if cost.get("scp") else ""
            console.print(
                f"{grade:<10} salary {cost['salary']:>10}{point}: annual cost "
                f"{cost['annual_cost']:>10} (NI {cost['employer_ni']}, "
                f"pension {cost['pension']}, levy {cost['levy']})"
            )


def _caught_up(console: Console, url: str) -> None:
    """Wait until the service has read every event it consumes (deletions place staff at risk)."""
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if httpx.get(f"{url}/progress", timeout=5).json()["caught_up"]:
            return
        time.sleep(0.1)
    console.print(f"[yellow]{url} is still catching up; figures may be partial[/yellow]")


def _recruitment(console: Console, url: str) -> None:
    _caught_up(console, url)
    for tenant, day, what in (
        (TENANT, AFTER, "Leeds Children and Families, seed 000"),
        ("dudley", "2023-12-04", "Dudley Children's Services (synthetic), seed 004"),
    ):
        headers = {"X-Tenant": tenant}
        risk = httpx.get(f"{url}/at-risk", params={"as_of": day}, headers=headers).json()
        open_posts = httpx.get(f"{url}/vacancies", params={"as_of": day}, headers=headers).json()
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


def _finance(console: Console, url: str) -> None:
    _caught_up(console, url)
    headers = {"X-Tenant": TENANT}
    params = {"from": BEFORE, "to": AFTER, "org_unit_id": UNIT}
    console.rule("Savings statement, seed 000 Table 1 (finance)")
    for costs in ("explicit", "grades"):
        view = httpx.get(
            f"{url}/savings", params={**params, "costs": costs}, headers=headers, timeout=60
        ).json()
        for line in savings_lines(view):
            console.print(line)
    grant = httpx.get(
        f"{url}/funding-streams/dfe-innovation-2017", headers=headers, timeout=60
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
    delay = httpx.get(
        f"{url}/sensitivity",
        params={"fy": 2017, "months": 1, "org_unit_id": "cf-innovation"},
        headers=headers,
        timeout=60,
    ).json()
    console.print(f"a month's delay in filling the posts changes 2017/18 by {delay['change']}")


def run_demo(console: Console, urls: Mapping[str, str]) -> None:
    """Load every bundled scenario, then print the redesign's before/after and the URLs."""
    for path in bundled_scenarios():
        tenants = [None, "dudley"] if path.stem.startswith("catalogue") else [None]
        for tenant in tenants:
            report = load_file(console, path, urls, tenant)
            for step, problem in report.failures:
                console.print(f"[red]{step}[/red]: {problem.get('detail')}")
    url, grading = urls["establishment"], urls["grading"]
    _establishment(console, url)
    _grading(console, grading)
    _recruitment(console, urls["recruitment"])
    _finance(console, urls["finance"])
    console.rule("Explore")
    console.print("API docs:   " + "  ".join(f"{base}/docs" for base in urls.values()))
    console.print(
        f"Structure:  curl -H 'X-Tenant: {TENANT}' "
        f"'{url}/structure?as_of={AFTER}&org_unit_id={UNIT}'"
    )
    console.print(f"Diff:       curl -H 'X-Tenant: {TENANT}' '{url}/diff?from={BEFORE}&to={AFTER}'")
    console.print(
        f"Grade cost: curl -H 'X-Tenant: {TENANT}' '{grading}/grades/PO6/cost?on={AFTER}&fte=30/37'"
    )
    console.print(
        f"Evaluate:   curl -H 'X-Tenant: {TENANT}' '{grading}/evaluations/pending?as_of={AFTER}'"
    )
    console.print(
        f"CLI:        estab structure --tenant {TENANT} --as-of {BEFORE} --org-unit {UNIT}"
    )
    recruitment = urls["recruitment"]
    console.print(
        f"At risk:    curl -H 'X-Tenant: dudley' '{recruitment}/at-risk?as_of=2023-12-04'"
    )
    console.print(
        f"Vacancies:  curl -H 'X-Tenant: {TENANT}' '{recruitment}/vacancies?as_of={AFTER}'"
    )
    console.print(
        f"Savings:    estab savings --tenant {TENANT} --from {BEFORE} --to {AFTER} "
        f"--org-unit {UNIT}"
    )
    console.print(f"Ledger:     estab ledger --tenant {TENANT} --fy 2018 --group-by grade")
    console.print(f"Audit:      estab verify && estab replay --tenant {TENANT} --as-of {AFTER}")
