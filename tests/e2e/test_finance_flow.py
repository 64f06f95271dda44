"""Finance with the other three services as separate processes, driven as HR and finance would.

Seed 000's Table 1 to the penny (and from grades alone), seed 003's in-year costs, sensitivity
and grant headroom, and a back-dated pay award's cost updates with the ledger as known before it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from conftest import ServiceProcess
from driving import caught_up, get, load, send, stream_events
from seed_000 import BASIS

from contracts.streams import FINANCE_COST_UPDATES, FINANCE_EVENTS
from eventlog.clock import format_timestamp
from scenarios.loader import bundled_scenario, load_scenario

pytestmark = [pytest.mark.e2e, pytest.mark.redis]

AWARD = "njc-2023-24"


def test_table_1_to_the_penny_and_from_grades_alone(
    services: dict[str, ServiceProcess], tenant: str
) -> None:
    """Seed 000's savings net -235530.00 exactly; from grades alone, each line is within £10."""
    for command in BASIS:
        send(services, tenant, command)
    load(services, tenant, "leeds_2018_children_and_families")
    finance = services["finance"]
    params = {"from": "2018-03-31", "to": "2018-04-01", "org_unit_id": "children-and-families"}
    table = get(finance, tenant, "/savings", **params)
    assert table["net"]["annual_cost"] == "-235530.00"
    assert Decimal(table["net"]["fte"]).quantize(Decimal("0.01")) == Decimal("-1.81")
    assert table["table"] == {"deletions": "623930.00", "new_posts": "388400.00"}
    assert table["deleted"]["annual_cost"] == "497930.00"
    funded = {item["post_id"] for item in table["externally_funded"]["items"]}
    assert funded == {"rh-co-audit", "cf-early-help-sdm-2"}
    assert table["externally_funded"]["base_budget_impact"] == "0.00"
    grades = get(finance, tenant, "/savings", costs="grades", **params)
    for part in ("deleted", "created"):
        for ours, report in zip(grades[part]["items"], table[part]["items"], strict=True):
            assert abs(Decimal(ours["annual_cost"]) - Decimal(report["annual_cost"])) <= 10
    for key in ("deletions", "new_posts"):
        assert abs(Decimal(grades["table"][key]) - Decimal(table["table"][key])) <= 50
    assert abs(Decimal(grades["net"]["annual_cost"]) + 235530) <= 50


def test_seed_003_in_year_sensitivity_headroom_and_a_breach(
    services: dict[str, ServiceProcess], tenant: str, redis_url: str
) -> None:
    """Seed 003 costs about half a year in 2017 with grant headroom; an overspent grant breaches."""
    for name in ("catalogue_njc_leeds_style", "leeds_2018_children_and_families"):
        load(services, tenant, name)
    load(services, tenant, "leeds_innovation_2017")
    finance = services["finance"]
    scope = {"org_unit_id": "cf-innovation", "basis": "forecast"}
    first = get(finance, tenant, "/ledger", fy=2017, **scope)["totals"]
    second = get(finance, tenant, "/ledger", fy=2018, **scope)["totals"]
    assert first["fte"] == "36.5000"
    ratio = Decimal(first["in_year_cost"]) / Decimal(second["annual_cost"])
    assert Decimal("0.45") < ratio < Decimal("0.52")
    month = get(finance, tenant, "/sensitivity", fy=2017, months=1, org_unit_id="cf-innovation")
    assert Decimal(-160000) < Decimal(month["change"]) < Decimal(-110000)
    grant = get(finance, tenant, "/funding-streams/dfe-innovation-2017")
    assert [row["fy"] for row in grant["by_fy"]] == [2017, 2018, 2019]
    assert Decimal(grant["headroom"]) > 0
    assert grant["breached"] is False

    send(
        services,
        tenant,
        {
            "type": "RegisterFundingStream",
            "source_id": "small-grant",
            "name": "A small grant",
            "amount": "50000",
            "start_date": "2018-04-01",
            "end_date": "2019-03-31",
        },
    )
    send(
        services,
        tenant,
        {
            "type": "CreatePost",
            "post_id": "cf-small-grant-post",
            "title": "Project Lead",
            "grade": "PO6",
            "fte": "1",
            "org_unit_id": "cf-innovation",
            "funding": [{"source_id": "small-grant", "share": "1"}],
            "effective_date": "2018-04-01",
        },
    )
    caught_up(finance)
    events = stream_events(redis_url, tenant, FINANCE_EVENTS)
    breaches = [event for event in events if event["type"] == "FundingHeadroomBreached"]
    assert [event["payload"]["source_id"] for event in breaches] == ["small-grant"]
    assert get(finance, tenant, "/funding-streams/small-grant")["breached"] is True


def test_a_back_dated_award_publishes_cost_updates_and_old_views_keep_old_totals(
    services: dict[str, ServiceProcess], tenant: str, redis_url: str
) -> None:
    """An award publishes a higher cost per post; a ledger known before it keeps the old totals."""
    load(services, tenant, "catalogue_njc_leeds_style", skip=AWARD)
    send(
        services,
        tenant,
        {"type": "CreateOrgUnit", "org_unit_id": "u", "name": "U", "effective_date": "2022-04-01"},
    )
    posts = ["a", "b", "c"]
    for post_id, grade in zip(posts, ("PO6", "SO1", "C2"), strict=True):
        send(
            services,
            tenant,
            {
                "type": "CreatePost",
                "post_id": post_id,
                "title": post_id.upper(),
                "grade": grade,
                "fte": "1",
                "org_unit_id": "u",
                "effective_date": "2022-04-01",
            },
        )
    finance = services["finance"]
    caught_up(finance)
    before_award = format_timestamp(datetime.now(UTC))
    old = get(finance, tenant, "/ledger", fy=2023, group_by="post")["totals"]
    award = next(
        step.command
        for step in load_scenario(bundled_scenario("catalogue_njc_leeds_style")).steps
        if step.step == AWARD
    )
    published = send(services, tenant, award)
    caught_up(finance)
    updates = [event["payload"] for event in stream_events(redis_url, tenant, FINANCE_COST_UPDATES)]
    caused = [item for item in updates if item["cause_event_id"] == published["event_id"]]
    assert {(item["post_id"], item["fy"]) for item in caused} >= {(post, 2023) for post in posts}
    for item in caused:
        assert Decimal(item["annual_cost_after"]) > Decimal(item["annual_cost_before"])
    assert (
        get(finance, tenant, "/ledger", fy=2023, group_by="post", known_at=before_award)["totals"]
        == old
    )
    new = get(finance, tenant, "/ledger", fy=2023, group_by="post")["totals"]
    salaries = 1925 * 3
    on_costs = Decimal("1.297")
    assert (
        abs(Decimal(new["in_year_cost"]) - Decimal(old["in_year_cost"]) - salaries * on_costs) < 1
    )
