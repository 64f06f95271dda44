"""Recruitment benchmark: vacancies and staff at risk on a date, for a whole council (pure).

    uv run python bench/recruitment.py [--posts 5000] [--deleted 200]

Posts spread over the default grades, every other one filled, `--deleted` held posts deleted (their
holders at risk) and as many new posts created the same day. Prints the figures and appends them,
with machine and date, to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from contracts.pay_catalogue import PayCatalogueView
from readmodels.establishment import Establishment
from readmodels.workforce import Workforce
from scenarios.loader import bundled_scenario, load_scenario
from services.recruitment.scene import Scene
from services.recruitment.views import at_risk, vacancies

GRADES = ("B1", "C1", "C3", "SO1", "SO2", "PO1", "PO3", "PO6")
CATALOGUE = {
    "PublishPaySpine": "PayScalePublished",
    "DefineGrade": "GradeDefined",
    "SetDirectorSalary": "DirectorSalarySet",
}


class Numbered:
    """Event bodies numbered in recorded order."""

    def __init__(self) -> None:
        self.sequence = 0

    def __call__(self, kind: str, aggregate: str, effective: str, payload: Any) -> dict[str, Any]:
        """The next event."""
        self.sequence += 1
        return {
            "event_id": f"e{self.sequence}",
            "type": kind,
            "aggregate_type": "org_unit" if kind.startswith("OrgUnit") else "post",
            "aggregate_id": aggregate,
            "aggregate_version": 1,
            "sequence": self.sequence,
            "effective_date": effective,
            "recorded_at": "2026-01-01T00:00:00.000000Z",
            "payload": payload,
        }


def council(posts: int, deleted: int) -> Scene:
    """The scene of a council of `posts` posts with `deleted` held posts deleted."""
    event = Numbered()
    pay, establishment, workforce = PayCatalogueView(), Establishment(), Workforce()
    for step in load_scenario(bundled_scenario("catalogue_njc_leeds_style")).steps:
        kind = CATALOGUE.get(step.command["type"])
        if kind:
            pay.apply(event(kind, "c", step.command["effective_date"], step.command))
    unit = {"org_unit_id": "council", "name": "Council", "parent_id": None}
    establishment.apply(event("OrgUnitCreated", "council", "2015-01-01", unit))
    for index in range(posts + deleted):
        start = "2019-04-01" if index < posts else "2023-12-04"
        post = {
            "post_id": f"p{index}",
            "title": "Officer",
            "grade": GRADES[index % len(GRADES)],
            "fte": "1",
            "org_unit_id": "council",
        }
        establishment.apply(event("PostCreated", post["post_id"], start, post))
        if index < posts and index % 2:
            contract = {
                "contract_id": f"c{index}",
                "post_id": f"p{index}",
                "person_ref": f"e{index}",
                "fte": "1",
            }
            workforce.apply(event("PostholderAppointed", f"c{index}", "2020-01-01", contract))
    for index in range(1, deleted * 2, 2):
        establishment.apply(
            event("PostDeleted", f"p{index}", "2023-12-04", {"post_id": f"p{index}"})
        )
        placed = {"contract_id": f"c{index}", "post_id": f"p{index}", "person_ref": f"e{index}"}
        workforce.apply(event("StaffPlacedAtRisk", f"c{index}", "2023-12-04", placed))
    return Scene(workforce, establishment, pay)


def main() -> None:
    """Run and record the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--posts", type=int, default=5000)
    parser.add_argument("--deleted", type=int, default=200)
    args = parser.parse_args()
    scene = council(args.posts, args.deleted)
    began = time.perf_counter()
    open_posts = vacancies(scene, "2023-12-04")
    vacancies_s = time.perf_counter() - began
    began = time.perf_counter()
    risk = at_risk(scene, "2023-12-04")
    risk_s = time.perf_counter() - began
    lines = [
        (
            f"### {datetime.now(UTC):%Y-%m-%d %H:%M} UTC — {platform.node()}, "
            f"{os.cpu_count()} cores, Python {platform.python_version()}"
        ),
        "",
        (
            f"Recruitment, {args.posts:,} posts, {args.deleted} held posts deleted "
            f"(`uv run python bench/recruitment.py --posts {args.posts} --deleted {args.deleted}`)"
        ),
        "",
        "| measure | figure | limit |",
        "|---|---|---|",
        (
            f"| GET /vacancies fold ({open_posts['totals']['posts']:,} vacancies) | "
            f"{vacancies_s:.2f} s | — |"
        ),
        (
            f"| GET /at-risk fold ({risk['totals']['people']} people, with alternatives) | "
            f"{risk_s:.2f} s | — |"
        ),
        "",
    ]
    print("\n".join(lines))
    with Path(__file__).with_name("RESULTS.md").open("a") as out:
        out.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
