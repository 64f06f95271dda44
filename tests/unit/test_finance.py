"""Finance's figures from the seeds, every service's rules run purely (no Redis).

Each scenario step goes through the pure `decide` of the service that records it; the events are
folded exactly as the services fold them, and finance's pure functions read the result.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from finance_council import Council, basis_cost, basis_council
from seed_000 import BASIS, OLD_SPINE_2018

from contracts import finance as fi
from services.finance.costing import FORECAST, Policy, in_year, increments
from services.finance.domain import decide_costs, decide_funding
from services.finance.funding import committed_by_fy, sensitivity, stream_view
from services.finance.funding_book import FundingBook, PublishedCosts
from services.finance.ledger import ledger
from services.finance.savings import statement
from services.finance.unpriced import Unpriced


@pytest.fixture(scope="module")
def leeds() -> Council:
    return Council().load(
        "catalogue_njc_leeds_style",
        "leeds_2018_children_and_families",
        "leeds_2018_postholders",
        "leeds_innovation_2017",
    )


def test_table_1_to_the_penny_with_the_reports_explicit_costs(leeds: Council) -> None:
    """Seed 000's Table 1 comes out to the penny from the report's own explicit costs."""
    table = statement(leeds.books, "2018-03-31", "2018-04-01", Policy(), "children-and-families")
    assert (table["deleted"]["posts"], table["deleted"]["annual_cost"]) == (6, "497930.00")
    assert table["changed"]["items"][0]["before"]["annual_cost"] == "126000.00"
    assert table["changed"]["items"][0]["after"]["annual_cost"] == "110110.00"
    assert (table["created"]["posts"], table["created"]["annual_cost"]) == (4, "278290.00")
    assert table["table"] == {"deletions": "623930.00", "new_posts": "388400.00"}
    assert table["net"]["annual_cost"] == "-235530.00"
    assert Decimal(table["net"]["fte"]).quantize(Decimal("0.01")) == Decimal("-1.81")
    funded = table["externally_funded"]
    assert {item["post_id"] for item in funded["items"]} == {"rh-co-audit", "cf-early-help-sdm-2"}
    assert funded["base_budget_impact"] == "0.00"


def test_table_1_from_grades_alone_is_within_ten_pounds_a_line(leeds: Council) -> None:
    """Costed from grades alone, every Table 1 line is within ten pounds of the report."""
    council = Council()
    for command in BASIS:
        council.run(command)
    council.load("leeds_2018_children_and_families")
    policy = Policy(explicit_costs=False)
    table = statement(council.books, "2018-03-31", "2018-04-01", policy, "children-and-families")
    explicit = statement(leeds.books, "2018-03-31", "2018-04-01", Policy(), "children-and-families")
    for part in ("deleted", "created"):
        for ours, report in zip(table[part]["items"], explicit[part]["items"], strict=True):
            assert abs(Decimal(ours["annual_cost"]) - Decimal(report["annual_cost"])) <= 10, ours
    changed = table["changed"]["items"][0]
    assert abs(Decimal(changed["before"]["annual_cost"]) - 126000) <= 10
    assert abs(Decimal(changed["after"]["annual_cost"]) - 110110) <= 10
    assert abs(Decimal(table["table"]["deletions"]) - 623930) <= 50
    assert abs(Decimal(table["table"]["new_posts"]) - 388400) <= 50
    assert abs(Decimal(table["net"]["annual_cost"]) + 235530) <= 50
    assert table["net"]["fte"] == "-1.8108"  # 30/37 hours, shown to 4 places


def test_seed_003_a_year_filled_from_october_costs_about_half_the_next_full_year(
    leeds: Council,
) -> None:
    """Seed 003's posts filled from October cost about half the next year's full-year cost."""
    policy = Policy(basis=FORECAST)
    first = ledger(
        leeds.books,
        2017,
        as_of="2026-01-01",
        group_by="org_unit",
        policy=policy,
        org_unit_id="cf-innovation",
    )
    second = ledger(
        leeds.books,
        2018,
        as_of="2026-01-01",
        group_by="org_unit",
        policy=policy,
        org_unit_id="cf-innovation",
    )
    assert first["totals"]["fte"] == "36.5000"
    ratio = Decimal(first["totals"]["in_year_cost"]) / Decimal(second["totals"]["annual_cost"])
    assert Decimal("0.45") < ratio < Decimal("0.52")
    per_fte = Decimal(second["totals"]["annual_cost"]) / Decimal("36.5")
    assert Decimal(40000) < per_fte < Decimal(46000)  # the report implies about 42.7k


def test_seed_003_a_months_delay_is_of_the_order_of_130k(leeds: Council) -> None:
    """Seed 003: a month's delay in filling 36.5 FTE saves about the report's 130k."""
    delay = sensitivity(leeds.books, 2017, 1, "cf-innovation")
    change = Decimal(delay["change"])
    assert Decimal(-160000) < change < Decimal(-110000)
    later = Decimal(sensitivity(leeds.books, 2017, 2, "cf-innovation")["change"])
    assert Decimal("1.9") < later / change < Decimal("2.1")


def test_seed_003_headroom_by_year_and_posts_outliving_the_grant(leeds: Council) -> None:
    """Seed 003's grant: committed per year, headroom, and the 37 posts that outlive it."""
    stream = leeds.books.funding.streams["dfe-innovation-2017"]
    view = stream_view(leeds.books, stream)
    assert [row["fy"] for row in view["by_fy"]] == [2017, 2018, 2019]
    total = sum(committed_by_fy(leeds.books, stream).values(), Decimal(0))
    assert view["committed"] == f"{total.quantize(Decimal('0.01'))}"
    assert Decimal(view["headroom"]) == Decimal("9600000.00") - Decimal(view["committed"])
    assert view["breached"] is False
    assert len(view["warnings"]) == 37


def test_over_committing_a_stream_records_the_breach_once() -> None:
    """Going over a stream's amount is recorded once, and coming back within it once."""
    book = FundingBook()
    council = Council()
    council.run(
        {
            "type": "RegisterFundingStream",
            "source_id": "grant",
            "name": "Grant",
            "amount": "100000",
            "start_date": "2018-04-01",
            "end_date": "2019-03-31",
        }
    )
    book = council.funding
    check = fi.CheckFundingHeadroom.model_validate(
        {"committed": {"grant": "120000"}, "cause_event_id": "e1", "effective_date": "2018-06-01"}
    )
    drafts = decide_funding(check, book)
    assert [draft.type for draft in drafts] == ["FundingHeadroomBreached"]
    for draft in drafts:
        book.apply(council._seal(draft))
    assert decide_funding(check, book) == []
    back = check.model_copy(update={"committed": {"grant": Decimal(90000)}})
    assert [draft.type for draft in decide_funding(back, book)] == ["FundingHeadroomRestored"]


def test_only_changed_figures_are_published() -> None:
    """A cost figure is published once; the same figure again publishes nothing."""
    published = PublishedCosts()
    figure = {"post_id": "p", "fy": 2018, "annual_cost": "100.00", "in_year_cost": "50.00"}
    command = fi.PublishCostChanges.model_validate(
        {
            "cause_event_id": "e",
            "cause_type": "PostCreated",
            "effective_date": "2018-04-01",
            "figures": [figure],
        }
    )
    drafts = decide_costs(command, published)
    assert [draft.payload["annual_cost_after"] for draft in drafts] == ["100.00"]
    published.apply({**_sealed(drafts[0])})
    assert decide_costs(command, published) == []


def _sealed(draft: Any) -> dict[str, Any]:
    folded: dict[str, Any] = draft.folded()
    return folded


@pytest.mark.parametrize(
    ("start", "day", "expected"),
    [
        ("2017-10-01", "2018-03-31", 0),
        ("2017-10-01", "2018-04-01", 1),  # six months on: the first increment
        ("2017-10-01", "2019-04-01", 2),
        ("2017-06-01", "2018-04-01", 1),
        ("2017-06-01", "2018-03-31", 0),
        ("2018-01-15", "2018-07-15", 1),
        ("2018-01-15", "2019-04-01", 2),
    ],
)
def test_increments(start: str, day: str, expected: int) -> None:
    """Increments each 1 April, the first after six months for October-March starters."""
    assert increments(start, day) == expected


def test_in_year_cost_splits_at_a_mid_year_deletion(leeds: Council) -> None:
    """A post deleted on 1 October costs its full-year rate for the 183 days it existed."""
    council = basis_council()
    council.unit()
    council.officer(title="P")
    council.run({"type": "DeletePost", "post_id": "p", "effective_date": "2018-10-01"})
    spent = in_year(council.books, "p", 2018, policy=Policy(), unpriced=Unpriced())
    full = basis_cost(OLD_SPINE_2018["49"], "1")
    assert abs(spent["base"] - full * 183 / 365) < Decimal("0.01")
