"""The pictures before rendering: a large chart collapses by unit; the waterfall adds up."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from contracts.pay_catalogue import PayCatalogueView
from readmodels.establishment import Establishment
from readmodels.workforce import Workforce
from services.finance.books import Books
from services.finance.funding_book import FundingBook
from services.finance.org_chart import COLLAPSE_AT, org_chart
from services.finance.savings_chart import _steps

UNITS = 20


def _event(number: int, kind: str, aggregate: str, payload: dict[str, Any]) -> dict[str, Any]:
    return {
        "event_id": f"e{number}",
        "type": kind,
        "aggregate_type": "org_unit" if kind.startswith("OrgUnit") else "post",
        "aggregate_id": aggregate,
        "aggregate_version": 1,
        "sequence": number,
        "effective_date": "2020-04-01",
        "recorded_at": f"2026-01-01T00:00:00.{number:06d}Z",
        "payload": payload,
    }


def _council(posts: int) -> Books:
    """A council of UNITS units under one top unit, with `posts` posts spread over them."""
    establishment = Establishment()
    number = 0
    for unit in ("top", *(f"u{index}" for index in range(UNITS))):
        number += 1
        parent = None if unit == "top" else "top"
        payload = {"org_unit_id": unit, "name": unit.upper(), "parent_id": parent}
        establishment.apply(_event(number, "OrgUnitCreated", unit, payload))
    for index in range(posts):
        number += 1
        post = f"p{index}"
        payload = {
            "post_id": post, "title": f"Officer {index}", "grade": "PO6", "fte": "1",
            "org_unit_id": f"u{index % UNITS}",
        }  # fmt: skip
        establishment.apply(_event(number, "PostCreated", post, payload))
    return Books(establishment, PayCatalogueView(), Workforce(), FundingBook())


def test_a_chart_of_a_few_posts_draws_each_post_inside_its_unit() -> None:
    """Under COLLAPSE_AT posts every post is a node inside its unit's cluster."""
    source = org_chart(_council(40), "2020-06-01")
    assert "cluster_u3" in source
    assert "Officer 39" in source


def test_a_chart_of_thousands_of_posts_collapses_to_one_box_per_unit() -> None:
    """Past COLLAPSE_AT posts no post is drawn; each unit says its counts, sub-units included."""
    posts = COLLAPSE_AT * 2
    source = org_chart(_council(posts), "2020-06-01")
    assert "Officer" not in source
    assert f"{posts // UNITS} posts" in source
    assert f"{posts // UNITS} vacant" in source
    assert f"TOP\n{posts} posts" in source  # a unit's box counts its sub-units' posts too


def test_the_waterfall_ends_where_the_statement_says() -> None:
    """Baseline, minus deletions, plus new posts, changes and transfers, is the result."""
    statement = {
        "from": "2018-03-31",
        "to": "2018-04-01",
        **{
            part: {"annual_cost": cost}
            for part, cost in (
                ("deleted", "497930.00"), ("created", "388400.00"), ("changed", "-126000.00"),
                ("transferred_in", "0.00"), ("transferred_out", "50000.00"),
            )
        },
    }  # fmt: skip
    steps = _steps(statement, Decimal(1000000))
    assert [label for label, _, _ in steps][1:5] == [
        "Deletions",
        "New posts",
        "Changes",
        "Transfers",
    ]
    result = steps[-1][1]
    assert result == Decimal(1000000) - 497930 + 388400 - 126000 - 50000
