"""Finance never prices a post at zero silently: unpriced posts are listed and estimated (pure).

Establishment refuses a post on a grade the catalogue does not define on its date, but streams
still hold posts recorded before that rule, and a catalogue may lack on-cost rates for an earlier
year; so these posts are folded into finance's reading of establishment's stream as recorded.
Expected figures come from seed 000's costing basis (`basis_cost`).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from finance_council import Council, basis_cost, basis_council
from seed_000 import BASIS, OLD_SPINE_2018

from contracts import finance as fi
from contracts.money import PENNY
from services.finance.costing import Policy
from services.finance.domain import decide_costs
from services.finance.funding_book import PublishedCosts
from services.finance.handlers import figure
from services.finance.ledger import ledger
from services.finance.savings import statement

RATES = next(item for item in BASIS if item["type"] == "SetOnCostRates")


def _council() -> Council:
    council = basis_council()
    council.unit()
    return council


def _band(council: Council, grade: str, ceiling: str, effective: str) -> None:
    council.run(
        {
            "type": "DefineGrade",
            "grade": grade,
            "salary_min": "20000",
            "salary_max": ceiling,
            "effective_date": effective,
        }
    )


def _recorded_post(council: Council, grade: str, **fields: Any) -> None:
    """A PostCreated on establishment's stream from before grades were checked."""
    council.sequence += 1
    council.establishment.apply(
        {
            "event_id": f"e{council.sequence}",
            "type": "PostCreated",
            "schema_version": 2,
            "aggregate_type": "post",
            "aggregate_id": "p",
            "aggregate_version": 1,
            "sequence": council.sequence,
            "effective_date": "2018-04-01",
            "recorded_at": f"2026-01-01T00:00:00.{council.sequence:06d}Z",
            "payload": {
                "post_id": "p",
                "title": "Nurse",
                "grade": grade,
                "fte": "1",
                "org_unit_id": "u",
                **fields,
            },
        }
    )


def _ledger(council: Council, fy: int = 2018) -> dict[str, Any]:
    return ledger(council.books, fy, as_of="2018-06-01", group_by="post", policy=Policy())


def _publish(published: PublishedCosts, costed: fi.CostFigure) -> list[dict[str, Any]]:
    """Decide on one figure, fold what is published, and return its payloads."""
    command = fi.PublishCostChanges(
        cause_event_id="e", cause_type="x", effective_date=date(2018, 4, 1), figures=(costed,)
    )
    drafts = decide_costs(command, published)
    for draft in drafts:
        published.apply(_update(draft.payload, draft.expected_version + 1))
    return [draft.payload for draft in drafts]


def _update(payload: dict[str, Any], version: int) -> dict[str, Any]:
    """A stored cost update, as far as the fold of published costs reads it."""
    return {
        "type": "PostCostChanged",
        "aggregate_type": "post_cost",
        "aggregate_id": f"{payload['post_id']}:{payload['fy']}",
        "aggregate_version": version,
        "effective_date": "2018-04-01",
        "payload": payload,
    }


def test_a_post_on_a_grade_defined_only_later_is_listed_with_its_estimate() -> None:
    """A post whose grade starts next year is unpriced all year, estimated at that start."""
    council = _council()
    _band(council, "Band 5", "25000", "2019-04-01")
    _recorded_post(council, "Band 5")
    view = _ledger(council)
    assert view["totals"]["annual_cost"] == "0.00"
    [item] = view["unpriced"]
    assert item["post_id"] == "p"
    assert (item["title"], item["grade"], item["fte"]) == ("Nurse", "Band 5", "1.0000")
    assert "not defined on 2018-04-01" in item["problem"]
    assert item["days_unpriced"] == 365
    estimate = basis_cost("25000", "1").quantize(PENNY)
    assert Decimal(item["estimated_annual_cost"]) == estimate
    assert view["unpriced_totals"] == {
        "posts": 1,
        "fte": "1.0000",
        "estimated_annual_cost": f"{estimate}",
        "posts_without_estimate": 0,
    }
    assert _ledger(council, 2019)["unpriced"] == []


def test_an_estimate_takes_the_on_cost_rates_the_answer_is_priced_at() -> None:
    """With `rates_on`, an unpriced post's estimate uses that date's rates, as priced posts do."""
    council = _council()
    council.run({**RATES, "pension_rate": "0.25", "effective_date": "2019-04-01"})
    _band(council, "Band 5", "25000", "2019-04-01")
    _recorded_post(council, "Band 5")
    [later_rates] = _ledger(council)["unpriced"]
    view = ledger(council.books, 2018, as_of="2018-06-01", group_by="post",
                  policy=Policy(rates_on="2018-04-01"))  # fmt: skip
    [item] = view["unpriced"]
    estimate = basis_cost("25000", "1").quantize(PENNY)
    assert Decimal(item["estimated_annual_cost"]) == estimate
    assert Decimal(later_rates["estimated_annual_cost"]) > estimate


def test_a_grade_defined_from_mid_year_leaves_only_the_earlier_days_unpriced() -> None:
    """Defined from 1 October, the post is unpriced for 183 days and costed for 182."""
    council = _council()
    _band(council, "Band 6", "30000", "2018-10-01")
    _recorded_post(council, "Band 6")
    view = ledger(council.books, 2018, as_of="2019-01-01", group_by="post", policy=Policy())
    [item] = view["unpriced"]
    assert item["days_unpriced"] == 183
    full = basis_cost("30000", "1")
    assert view["totals"]["annual_cost"] == f"{full.quantize(PENNY)}"
    assert abs(Decimal(view["totals"]["in_year_cost"]) - full * 182 / 365) <= PENNY
    assert Decimal(item["estimated_annual_cost"]) == full.quantize(PENNY)


def test_a_grade_no_catalogue_defines_has_no_estimate() -> None:
    """A grade that is never defined is listed with a null estimate, counted as such."""
    council = _council()
    _recorded_post(council, "Mystery 9")
    view = _ledger(council)
    assert view["unpriced"][0]["estimated_annual_cost"] is None
    assert view["unpriced_totals"]["estimated_annual_cost"] is None
    assert view["unpriced_totals"]["posts_without_estimate"] == 1


def test_an_explicit_budget_counts_as_known_in_the_estimate() -> None:
    """Costed from grades alone, a post with HR's own budget is estimated at that budget."""
    council = _council()
    _recorded_post(council, "Mystery 9", budgeted_annual_cost="41000.00")
    explicit = statement(council.books, "2018-03-31", "2018-04-01", Policy())
    assert explicit["created"]["annual_cost"] == "41000.00"
    assert explicit["unpriced"] == []
    grades = statement(council.books, "2018-03-31", "2018-04-01", Policy(explicit_costs=False))
    assert grades["created"]["annual_cost"] == "0.00"
    [item] = grades["unpriced"]
    assert (item["estimated_annual_cost"], item["days_unpriced"]) == ("41000.00", None)
    assert grades["unpriced_totals"]["estimated_annual_cost"] == "41000.00"


def test_no_on_cost_rates_for_an_earlier_year_is_unpriced_then_and_published_so() -> None:
    """Rates only from 2019: 2018 is listed, and its cost update says why it is 0.00."""
    council = Council()
    council.run(
        {
            "type": "PublishPaySpine",
            "scheme": "NJC",
            "points": OLD_SPINE_2018,
            "effective_date": "2018-04-01",
        }
    )
    council.run(
        {
            "type": "DefineGrade",
            "grade": "PO6",
            "scheme": "NJC",
            "scp_min": 47,
            "scp_max": 49,
            "effective_date": "2018-04-01",
        }
    )
    council.run({**RATES, "effective_date": "2019-04-01"})
    council.unit()
    council.officer()
    [item] = _ledger(council)["unpriced"]
    assert "no on-cost rates" in item["problem"]
    full = basis_cost(OLD_SPINE_2018["49"], "1").quantize(PENNY)
    assert Decimal(item["estimated_annual_cost"]) == full
    unpriced, priced = (
        figure(council.books, "p", 2018, "2026-01-01"),
        figure(council.books, "p", 2019, "2026-01-01"),
    )
    assert unpriced.unpriced is not None
    assert "no on-cost rates" in unpriced.unpriced
    assert (priced.annual_cost, priced.unpriced) == (full, None)
    published = PublishedCosts()
    [update] = _publish(published, unpriced)
    assert update["annual_cost_after"] == "0.00"
    assert update["unpriced"] == unpriced.unpriced


def test_a_cost_update_is_published_when_only_its_pricing_changes() -> None:
    """Unpriced, then priced at the same 0.00 figure: both are published, repeats are not."""
    published = PublishedCosts()
    blank = fi.CostFigure(post_id="p", fy=2018, annual_cost=Decimal(0), in_year_cost=Decimal(0))
    assert _publish(published, blank) == []
    missing = blank.model_copy(update={"unpriced": "2018-04-01: no rates"})
    assert [update["unpriced"] for update in _publish(published, missing)] == [
        "2018-04-01: no rates"
    ]
    assert _publish(published, missing) == []
    priced = fi.CostFigure(post_id="p", fy=2018, annual_cost=Decimal(100), in_year_cost=Decimal(50))
    [update] = _publish(published, priced)
    assert (update["annual_cost_after"], update["unpriced"]) == ("100.00", None)


def test_cost_updates_recorded_before_the_field_read_as_priced() -> None:
    """An old PostCostChanged without `unpriced` validates and folds as priced."""
    old = {
        "post_id": "p",
        "fy": 2018,
        "annual_cost_before": "0.00",
        "annual_cost_after": "100.00",
        "in_year_cost_before": "0.00",
        "in_year_cost_after": "50.00",
        "cause_event_id": "e",
        "cause_type": "PostCreated",
    }
    assert fi.PostCostChanged.model_validate(old).unpriced is None
    published = PublishedCosts()
    published.apply(_update(old, 1))
    same = fi.CostFigure(post_id="p", fy=2018, annual_cost=Decimal(100), in_year_cost=Decimal(50))
    assert _publish(published, same) == []
