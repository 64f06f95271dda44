"""`estab up --demo`: load the seed scenarios and show what they say, with the URLs to explore.

The summary is the 2018 Children and Families redesign (seed 000) told by the running service:
the structure the day before and the day it took effect, and the diff between them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx

from cli.loading import load_file
from cli.render import diff_lines
from scenarios.loader import bundled_scenarios

if TYPE_CHECKING:
    from rich.console import Console

TENANT = "leeds"
UNIT = "children-and-families"
BEFORE, AFTER = "2018-03-31", "2018-04-01"


def run_demo(console: Console, url: str) -> None:
    """Load every bundled scenario, then print the redesign's before/after and the URLs."""
    for path in bundled_scenarios():
        report = load_file(console, path, url)
        for step, problem in report.failures:
            console.print(f"[red]{step}[/red]: {problem.get('detail')}")
    headers = {"X-Tenant": TENANT}
    with httpx.Client(base_url=url, headers=headers, timeout=30) as client:
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
        console.print(f"as of {day}: {total['posts']} posts, {total['fte']} FTE")
    for line in diff_lines(changes):
        console.print(line)
    console.rule("Explore")
    console.print(f"API docs:   {url}/docs")
    console.print(
        f"Structure:  curl -H 'X-Tenant: {TENANT}' "
        f"'{url}/structure?as_of={AFTER}&org_unit_id={UNIT}'"
    )
    console.print(f"Diff:       curl -H 'X-Tenant: {TENANT}' '{url}/diff?from={BEFORE}&to={AFTER}'")
    console.print(
        f"CLI:        estab structure --tenant {TENANT} --as-of {BEFORE} --org-unit {UNIT}"
    )
    console.print(f"Audit:      estab verify && estab replay --tenant {TENANT} --as-of {AFTER}")
