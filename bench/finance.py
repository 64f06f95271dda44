"""Finance benchmark: a whole-council ledger, and a pay award re-costing every post.

    uv run python bench/finance.py [--posts 5000]

Pure: the books are folded in-process from synthetic events (the default catalogue as grading
records it; posts spread over its grades, half of them filled, one in four of those shared by two
0.5 holders at different points, one in three funded 50/50 by a grant), then the budget ledger by
grade and the forecast ledger by funding of one year are computed, and every post's figures for
four years are recomputed as a back-dated award would make finance do. Every post must be
priced (the count of unpriced posts is printed, and must be 0). Prints the figures and appends
them, with machine and date, to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from datetime import UTC, datetime
from itertools import count
from pathlib import Path
from typing import Any

from contracts.identifiers import grade_key
from contracts.pay_catalogue import PayCatalogueView
from contracts.registry import grading_command_from_message
from readmodels.establishment import Establishment
from readmodels.workforce import Workforce
from scenarios.loader import bundled_scenario, load_scenario
from services.finance.books import Books
from services.finance.costing import FORECAST, Policy
from services.finance.funding_book import FundingBook
from services.finance.handlers import figure
from services.finance.ledger import ledger
from services.grading.catalogue import Catalogue
from services.grading.domain import decide

GRADES = ("B1", "C1", "C3", "SO1", "SO2", "PO1", "PO3", "PO6")


def event(
    sequence: int,
    kind: str,
    effective: str,
    payload: dict[str, Any],
    aggregate: tuple[str, str, int] | None = None,
) -> dict[str, Any]:
    """A stored event body with what the folds read (`aggregate`: type, id and version)."""
    kind_of, aggregate_id, version = aggregate or ("x", str(payload.get("post_id", sequence)), 1)
    return {
        "event_id": f"e{sequence}",
        "type": kind,
        "aggregate_type": kind_of,
        "aggregate_id": aggregate_id,
        "aggregate_version": version,
        "sequence": sequence,
        "effective_date": effective,
        "recorded_at": "2026-01-01T00:00:00.000000Z",
        "payload": payload,
    }


def catalogue() -> PayCatalogueView:
    """The default catalogue, decided by grading's rules and folded as finance folds it."""
    pay, grading, sequence = PayCatalogueView(), Catalogue(), count(1)
    for step in load_scenario(bundled_scenario("catalogue_njc_leeds_style")).steps:
        for draft in decide(grading_command_from_message(step.command), grading):
            aggregate = (draft.aggregate_type, draft.aggregate_id, draft.expected_version + 1)
            recorded = event(
                next(sequence), draft.type, draft.effective_date, draft.payload, aggregate
            )
            grading.apply(recorded)
            pay.apply(recorded)
    return pay


def _holding(number: int, index: int, person: int, fte: str, scp: int | None) -> dict[str, Any]:
    held = {
        "contract_id": f"c{index}-{person}",
        "post_id": f"p{index}",
        "person_ref": f"e{index}-{person}",
    }
    return event(number, "PostholderAppointed", "2020-10-01", {**held, "fte": fte, "scp": scp})


def books(posts: int) -> Books:
    """A council of `posts` posts on the default catalogue."""
    pay = catalogue()
    establishment = Establishment()
    staffing = Workforce()
    number = 0
    unit = {"org_unit_id": "council", "name": "Council", "parent_id": None}
    establishment.apply(event(0, "OrgUnitCreated", "2015-01-01", unit))
    shared = [{"source_id": "base", "share": "0.5"}, {"source_id": "grant", "share": "0.5"}]
    for index in range(posts):
        number += 1
        grade = GRADES[index % len(GRADES)]
        post = {
            "post_id": f"p{index}",
            "title": "Officer",
            "grade": grade,
            "fte": "1",
            "org_unit_id": "council",
            "funding": shared if index % 3 == 0 else [],
        }
        establishment.apply(event(number, "PostCreated", "2019-04-01", post))
        if index % 2:
            number += 1
            if index % 4 == 3:
                defined = pay.grades[grade_key(grade)].at("2020-10-01")
                assert defined is not None
                staffing.apply(_holding(number, index, 1, "0.5", defined.value.scp_min))
                number += 1
                staffing.apply(_holding(number, index, 2, "0.5", defined.value.scp_max))
            else:
                staffing.apply(_holding(number, index, 1, "1", None))
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
    forecast = ledger(
        council, 2023, as_of="2023-10-01", group_by="funding", policy=Policy(basis=FORECAST)
    )
    forecast_s = time.perf_counter() - began
    unpriced = len(answer["unpriced"]) + len(forecast["unpriced"])
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
            f"| forecast ledger 2023/24 by funding (job shares, 50/50 posts) | "
            f"{forecast_s:.2f} s | — |"
        ),
        f"| posts that could not be priced | {unpriced} | 0 |",
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
