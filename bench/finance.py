"""Finance benchmark: a whole-council ledger, and a pay award re-costing every post.

    uv run python bench/finance.py [--posts 5000]

Pure: the books are folded in-process from synthetic events (posts spread over the default grades,
half of them filled), then the budget ledger of one year is computed, and every post's figures
for four years are recomputed as a back-dated award would make finance do. Prints the figures and
appends them, with machine and date, to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from contracts.establishment_view import EstablishmentView
from contracts.pay_catalogue import PayCatalogueView
from contracts.staffing_view import StaffingView
from scenarios.loader import bundled_scenario, load_scenario
from services.finance.books import Books
from services.finance.costing import Policy
from services.finance.funding_book import FundingBook
from services.finance.handlers import figure
from services.finance.ledger import ledger

GRADES = ("B1", "C1", "C3", "SO1", "SO2", "PO1", "PO3", "PO6")


def event(sequence: int, kind: str, effective: str, payload: dict[str, Any]) -> dict[str, Any]:
    """A stored event body with what the folds read."""
    return {
        "event_id": f"e{sequence}",
        "type": kind,
        "aggregate_type": "x",
        "aggregate_id": str(payload.get("post_id", sequence)),
        "aggregate_version": 1,
        "sequence": sequence,
        "effective_date": effective,
        "recorded_at": "2026-01-01T00:00:00.000000Z",
        "payload": payload,
    }


def books(posts: int) -> Books:
    """A council of `posts` posts on the default catalogue."""
    pay = PayCatalogueView()
    establishment = EstablishmentView()
    staffing = StaffingView()
    number = 0
    for step in load_scenario(bundled_scenario("catalogue_njc_leeds_style")).steps:
        command = step.command
        kinds = {
            "PublishPaySpine": "PayScalePublished",
            "DefineGrade": "GradeDefined",
            "SetDirectorSalary": "DirectorSalarySet",
            "SetOnCostRates": "OnCostRatesSet",
        }
        if command["type"] in kinds:
            number += 1
            pay.apply(event(number, kinds[command["type"]], command["effective_date"], command))
    unit = {"org_unit_id": "council", "name": "Council", "parent_id": None}
    establishment.apply(event(0, "OrgUnitCreated", "2015-01-01", unit))
    for index in range(posts):
        number += 1
        post = {
            "post_id": f"p{index}",
            "title": "Officer",
            "grade": GRADES[index % len(GRADES)],
            "fte": "1",
            "org_unit_id": "council",
        }
        establishment.apply(event(number, "PostCreated", "2019-04-01", post))
        if index % 2:
            number += 1
            held = {
                "contract_id": f"c{index}",
                "post_id": f"p{index}",
                "person_ref": f"e{index}",
                "fte": "1",
            }
            staffing.apply(event(number, "PostholderAppointed", "2020-10-01", held))
    return Books(establishment, pay, staffing, FundingBook())


def main() -> None:
    """Run and record the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--posts", type=int, default=5000)
    posts = parser.parse_args().posts
    began = time.perf_counter()
    council = books(posts)
    fold_s = time.perf_counter() - began
    began = time.perf_counter()
    answer = ledger(council, 2023, as_of="2023-10-01", group_by="grade", policy=Policy())
    ledger_s = time.perf_counter() - began
    began = time.perf_counter()
    for index in range(posts):
        for fy in range(2023, 2027):
            figure(council, f"p{index}", fy, "2026-11-23")
    award_s = time.perf_counter() - began
    lines = [
        (
            f"### {datetime.now(UTC):%Y-%m-%d %H:%M} UTC — {platform.node()}, "
            f"{os.cpu_count()} cores, Python {platform.python_version()}"
        ),
        "",
        (
            f"Finance, {posts:,} posts on the default catalogue (`uv run python bench/finance.py "
            f"--posts {posts}`)"
        ),
        "",
        "| measure | figure | limit |",
        "|---|---|---|",
        f"| fold the books | {fold_s:.2f} s | — |",
        (
            f"| budget ledger 2023/24 by grade ({answer['totals']['posts']:,} posts) | "
            f"{ledger_s:.2f} s | — |"
        ),
        (
            f"| re-cost every post for 4 years (a back-dated award) | {award_s:.2f} s "
            f"({posts * 4 / award_s:,.0f} post-years/s) | — |"
        ),
        "",
    ]
    print("\n".join(lines))
    with Path(__file__).with_name("RESULTS.md").open("a") as out:
        out.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
