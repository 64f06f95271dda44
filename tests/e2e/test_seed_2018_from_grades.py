"""Seed 000's Table 1 priced from grades and on-costs alone, not from the figures the report gives.

The scenario feeds each post's Table 1 figure in as `budgeted_annual_cost`; asserting Table 1
against those is circular. Here every such figure is stripped from the scenario's commands before
they are sent, so finance can only price the posts from their grades and the bundled catalogue
(NJC spines, Director's salary, on-cost rates), and its totals are held to the report's printed
totals within £50.

The report's price base is 2018/19 pay with the on-cost rates in force when it was written
(30 January 2018, i.e. 2017/18): its two PO6 posts at 113,690 are the 2018/19 top of PO6 (old
point 49, 44,697) and its Dir lines fit only the 2017/18 NI threshold (8,164), not 2018/19's
(8,424, which puts every full-time Dir line about £36 low). So pay is priced on 2018-04-01 and
on-cost rates on 2018-03-31.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pytest
from driving import caught_up, get, send

from scenarios.loader import bundled_scenario, load_scenario

if TYPE_CHECKING:
    from conftest import ServiceProcess

pytestmark = [pytest.mark.e2e, pytest.mark.redis, pytest.mark.usefixtures("with_catalogue")]

SCENARIO = "leeds_2018_children_and_families"
UNIT = "children-and-families"
EXPLICIT = "budgeted_annual_cost"
TOLERANCE = Decimal(50)
PAY_ON = "2018-04-01"
RATES_ON = "2018-03-31"

# The report's own figures: /work/shared/seeds/000_f4c84c7791fee47a.txt, section 3.6, Table 1,
# "Total" row: post deletions 623,930 (the six deleted posts and the Dir 80% before its
# re-designation), new posts 388,400 (Dir 70%, Dir 60%, one Dir 45%, two PO6), saving -235,530;
# sections 4.4 and 4.5 repeat "a saving of £235,530". The price base is PAY_AND_RULES.md's check
# against this table (Director 122,524, pension 15.4%, levy 0.5%, NI 13.8% over 8,164, PO6 at
# 44,697), all of which the bundled catalogue holds, though not all on one date.
DELETIONS = Decimal(623930)
NEW_POSTS = Decimal(388400)
NET = Decimal(-235530)


def from_grades_only(command: dict[str, Any]) -> dict[str, Any]:
    """The command without the figure the report gives for its post."""
    return {key: value for key, value in command.items() if key != EXPLICIT}


@pytest.fixture
def table(
    establishment_service: ServiceProcess, finance_service: ServiceProcess, tenant: str
) -> dict[str, Any]:
    """Seed 000 loaded without a single explicit cost; finance's savings statement for 2018."""
    routes = {"establishment": establishment_service}
    for step in load_scenario(bundled_scenario(SCENARIO)).steps:
        send(routes, tenant, from_grades_only(step.command))
    caught_up(finance_service)
    window = {"from": "2018-03-31", "to": "2018-04-01"}
    answer: dict[str, Any] = get(
        finance_service,
        tenant,
        "/savings",
        **window,
        org_unit_id=UNIT,
        price_on=PAY_ON,
        rates_on=RATES_ON,
    )
    return answer


def test_no_post_carries_an_explicit_cost(
    establishment_service: ServiceProcess, table: dict[str, Any], tenant: str
) -> None:
    """Every post of the unit, before and after the redesign, has no budgeted_annual_cost."""
    for day in ("2018-03-31", "2018-04-01"):
        posts = get(establishment_service, tenant, "/structure", as_of=day, org_unit_id=UNIT)[
            "posts"
        ]
        assert len(posts) == 11  # the unit has 11 posts either side of the redesign
        assert [post[EXPLICIT] for post in posts] == [None] * len(posts)
    assert table["unpriced"] == []


def test_table_1_totals_from_grades_are_within_50_pounds(table: dict[str, Any]) -> None:
    """Deletions, new posts and the net saving priced from grades are each within £50 of Table 1."""
    off = {
        "deletions": Decimal(table["table"]["deletions"]) - DELETIONS,
        "new_posts": Decimal(table["table"]["new_posts"]) - NEW_POSTS,
        "net": Decimal(table["net"]["annual_cost"]) - NET,
    }
    assert all(abs(delta) <= TOLERANCE for delta in off.values()), off
    assert (table["price_on"], table.get("rates_on")) == (PAY_ON, RATES_ON)
