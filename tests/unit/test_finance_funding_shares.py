"""Money by funding counts shares: grouped rows add up to the ungrouped ledger, to the penny (pure).

The councils are built by every service's pure rules (`Council` in test_finance.py); expected
figures come from seed 000's costing basis through `contracts.costing.cost` (`basis_cost`).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from finance_council import Council, basis_cost
from seed_000 import BASIS, OLD_SPINE_2018

from contracts.money import PENNY
from services.finance.apportion import apportion
from services.finance.costing import BUDGET, FORECAST, Policy
from services.finance.ledger import GROUPS, ledger

MONEY = ("annual_cost", "in_year_cost")
FORECAST_MONEY = (*MONEY, "obligations", "commitments")
SEEDS = (
    "catalogue_njc_leeds_style",
    "leeds_2018_children_and_families",
    "leeds_2018_postholders",
    "leeds_innovation_2017",
)


def _po6_top() -> Decimal:
    """PO6's full-time annual cost at its top point, from seed 000's costing basis."""
    return basis_cost(OLD_SPINE_2018["49"], "1")


def _council_with_a_split_post() -> Council:
    """One PO6 post funded 50/50 by the base budget and a grant, and one wholly by the base."""
    council = Council()
    for command in BASIS:
        council.run(command)
    council.run(
        {"type": "CreateOrgUnit", "org_unit_id": "u", "name": "U", "effective_date": "2018-04-01"}
    )
    for post_id, funding in (
        ("split", [{"source_id": "base", "share": "0.5"}, {"source_id": "grant", "share": "0.5"}]),
        ("whole", []),
    ):
        council.run(
            {
                "type": "CreatePost",
                "post_id": post_id,
                "title": "Officer",
                "grade": "PO6",
                "fte": "1",
                "org_unit_id": "u",
                "funding": funding,
                "effective_date": "2018-04-01",
            }
        )
    return council


def _added(rows: list[dict[str, Any]], column: str) -> Decimal:
    return sum((Decimal(row[column]) for row in rows), Decimal(0))


def test_a_post_split_50_50_counts_half_in_each_stream_and_once_in_the_totals() -> None:
    """Half the FTE and cost of a 50/50 post goes to each stream; the totals count it once."""
    books = _council_with_a_split_post().books
    view = ledger(books, 2018, as_of="2018-06-01", group_by="funding", policy=Policy())
    rows = {row["key"]: row for row in view["rows"]}
    full = _po6_top()
    assert rows["grant"]["fte"] == "0.5000"
    assert rows["grant"]["posts"] == 1
    assert Decimal(rows["grant"]["annual_cost"]) == (full / 2).quantize(PENNY)
    assert rows["base"]["fte"] == "1.5000"
    assert rows["base"]["posts"] == 2
    assert view["totals"]["posts"] == 2
    assert view["totals"]["fte"] == "2.0000"
    assert Decimal(view["totals"]["annual_cost"]) == (2 * full).quantize(PENNY)
    for column in ("fte", *MONEY):
        assert _added(view["rows"], column) == Decimal(view["totals"][column]), column


def test_in_year_follows_the_shares_in_force_on_each_day() -> None:
    """Re-funded from 1 October, a post's in-year cost splits by the days under each funding."""
    council = _council_with_a_split_post()
    council.run(
        {
            "type": "ChangePostFunding",
            "post_id": "whole",
            "funding": [{"source_id": "grant", "share": "1"}],
            "effective_date": "2018-10-01",
        }
    )
    view = ledger(council.books, 2018, as_of="2018-06-01", group_by="funding", policy=Policy())
    rows = {row["key"]: row for row in view["rows"]}
    daily = _po6_top() / 365
    grant = daily * 365 / 2 + daily * 182
    assert abs(Decimal(rows["grant"]["in_year_cost"]) - grant) <= PENNY
    assert rows["grant"]["posts"] == 2  # the re-funded post appears in both rows
    assert view["totals"]["posts"] == 2
    assert _added(view["rows"], "in_year_cost") == Decimal(view["totals"]["in_year_cost"])


@pytest.fixture(scope="module")
def seed_003() -> Council:
    return Council().load(*SEEDS)


@pytest.mark.parametrize("basis", [BUDGET, FORECAST])
@pytest.mark.parametrize(("fy", "as_of"), [(2017, "2018-01-15"), (2018, "2026-01-01")])
def test_seed_003_by_funding_adds_up_to_the_ungrouped_totals_to_the_penny(
    seed_003: Council, basis: str, fy: int, as_of: str
) -> None:
    """Seed 003's rows by funding add up, column by column, to the same totals as by post."""
    policy = Policy(basis=basis)
    by_post = ledger(seed_003.books, fy, as_of=as_of, group_by="post", policy=policy)
    by_funding = ledger(seed_003.books, fy, as_of=as_of, group_by="funding", policy=policy)
    assert by_funding["totals"] == by_post["totals"]
    assert by_funding["totals"]["posts"] == len(by_post["rows"])
    columns = FORECAST_MONEY if basis == FORECAST else MONEY
    for column in ("fte", *columns):
        assert _added(by_funding["rows"], column) == Decimal(by_funding["totals"][column]), column
    assert Decimal(by_funding["totals"]["annual_cost"]) > 0
    grant = next(row for row in by_funding["rows"] if row["key"] == "dfe-innovation-2017")
    assert grant["fte"] == "36.5000"  # seed 003's Table 1


def test_seed_003_split_mid_year_still_adds_up_in_every_grouping(seed_003: Council) -> None:
    """With an innovation post re-funded 50/50 mid-year, every grouping adds up to the totals."""
    council = Council().load(*SEEDS)
    council.run(
        {
            "type": "ChangePostFunding",
            "post_id": "cf-res-team-01",
            "funding": [
                {"source_id": "dfe-innovation-2017", "share": "0.5"},
                {"source_id": "base", "share": "0.5"},
            ],
            "effective_date": "2017-12-01",
        }
    )
    policy = Policy(basis=FORECAST)
    views = {
        group: ledger(council.books, 2017, as_of="2018-01-15", group_by=group, policy=policy)
        for group in GROUPS
    }
    totals = views["post"]["totals"]
    for group, view in views.items():
        assert view["totals"] == totals, group
        for column in ("fte", *FORECAST_MONEY):
            assert _added(view["rows"], column) == Decimal(totals[column]), (group, column)
    grant = next(row for row in views["funding"]["rows"] if row["key"] == "dfe-innovation-2017")
    assert grant["fte"] == "36.0000"  # 35.5 whole posts and half of the split one
    before = ledger(seed_003.books, 2017, as_of="2018-01-15", group_by="post", policy=policy)
    assert totals == before["totals"]  # re-funding moves money between rows, not in total


def test_rounding_pennies_go_to_the_largest_remainders() -> None:
    """Three rows of 0.005 against a shown total of 0.02 show 0.01, 0.01, 0.00 (ties: earlier)."""
    exact = [Decimal("0.005"), Decimal("0.005"), Decimal("0.005")]
    assert apportion(exact, Decimal("0.02"), PENNY) == [
        Decimal("0.01"),
        Decimal("0.01"),
        Decimal("0.00"),
    ]
    mixed = [Decimal("1.004"), Decimal("2.009"), Decimal("3.0049")]
    shown = apportion(mixed, Decimal("6.02"), PENNY)
    assert shown == [Decimal("1.00"), Decimal("2.01"), Decimal("3.01")]
    assert all(abs(row - value) < PENNY for row, value in zip(shown, mixed, strict=True))
