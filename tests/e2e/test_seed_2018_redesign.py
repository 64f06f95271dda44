"""Seed 000 end to end: the 2018 Children and Families redesign loaded over HTTP, checked
against Table 1 of the report to the penny."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import httpx
import pytest
from bearer import speaking_for

from scenarios.loader import bundled_scenario, http_request, load_scenario

pytestmark = [pytest.mark.e2e, pytest.mark.redis, pytest.mark.usefixtures("with_catalogue")]

UNIT = "children-and-families"


@pytest.fixture
def leeds(establishment_service: Any, tenant: str) -> Iterator[httpx.Client]:
    scenario = load_scenario(bundled_scenario("leeds_2018_children_and_families"))
    with httpx.Client(
        base_url=establishment_service.url, headers=speaking_for(tenant), timeout=30
    ) as client:
        for step in scenario.steps:
            method, path, body = http_request(step.command)
            reply = client.request(method, path, json=body)
            assert reply.is_success, (step.step, reply.text)
        yield client


def cost(post: dict[str, Any]) -> Decimal:
    return Decimal(post["budgeted_annual_cost"])


def externally_funded(post: dict[str, Any]) -> bool:
    return any(item["source_id"] != "base" for item in post["funding"])


def test_structure_before_and_after(leeds: httpx.Client) -> None:
    """The unit has 11 posts at 10.8108 FTE on 2018-03-31 and 11 at 11.0000 FTE the next day."""
    before = leeds.get("/structure", params={"as_of": "2018-03-31", "org_unit_id": UNIT}).json()
    after = leeds.get("/structure", params={"as_of": "2018-04-01", "org_unit_id": UNIT}).json()
    assert (before["totals"]["posts"], before["totals"]["fte"]) == (11, "10.8108")
    assert (after["totals"]["posts"], after["totals"]["fte"]) == (11, "11.0000")


def test_diff_is_exactly_table_1(leeds: httpx.Client) -> None:
    """The 2018 diff holds Table 1's deletions, new posts, changes and transfer: net -235530.00."""
    changes = leeds.get(
        "/diff", params={"from": "2018-03-31", "to": "2018-04-01", "org_unit_id": UNIT}
    ).json()
    deleted, created = changes["deleted"], changes["created"]
    assert len(deleted) == 6
    assert sorted(post["grade"] for post in deleted) == ["Dir 52.5%"] * 5 + ["Dir 65%"]
    # 5 full-time posts and one of 30/37 hours (the report's "0.81 FTE"), shown to 4 places
    assert sum((Decimal(post["fte"]) for post in deleted), Decimal(0)) == Decimal("5.8108")
    assert len(created) == 5
    assert sorted(post["grade"] for post in created) == [
        "Dir 45%",
        "Dir 45%",
        "Dir 60%",
        "PO6",
        "PO6",
    ]
    funded = [post for post in created if externally_funded(post)]
    assert [post["funding"] for post in funded] == [
        [{"source_id": "partners-in-practice", "share": "1"}]
    ]

    changed = {item["post_id"]: item for item in changes["changed"]}
    assert set(changed) == {"cf-co-learning-improvement", "cf-head-safeguarding-qa"}
    regraded = changed["cf-co-learning-improvement"]
    assert (regraded["before"]["title"], regraded["before"]["grade"]) == (
        "Chief Officer Learning and Improvement",
        "Dir 80%",
    )
    assert (regraded["after"]["title"], regraded["after"]["grade"]) == (
        "Chief Officer Social Work",
        "Dir 70%",
    )
    line = changed["cf-head-safeguarding-qa"]
    assert (line["before"]["reports_to"], line["after"]["reports_to"]) == (
        "cf-deputy-director-social-care",
        "cf-director",
    )

    [moved] = changes["transferred_in"]
    assert moved["before"]["org_unit_id"] == "resources-and-housing"
    assert moved["before"]["title"] == "Chief Officer Audit"
    assert moved["after"]["title"] == "Chief Officer Resources and Strategy"
    assert moved["after"]["grade"] == "Dir 65%"
    assert changes["transferred_out"] == []

    # Table 1: deletions (with the re-designated post's old cost) against new posts (with its new
    # cost), externally funded posts at zero base-budget impact.
    removed = sum(map(cost, deleted), Decimal(0)) + cost(regraded["before"])
    added = sum((cost(post) for post in created if not externally_funded(post)), Decimal(0)) + cost(
        regraded["after"]
    )
    assert removed == Decimal("623930.00")
    assert added == Decimal("388400.00")
    assert added - removed == Decimal("-235530.00")
    fte_change = len([p for p in created if not externally_funded(p)]) - Decimal("5.8108")
    assert fte_change.quantize(Decimal("0.01")) == Decimal("-1.81")
    assert fte_change.quantize(Decimal("0.1")) == Decimal("-1.8")  # as the report prints it


def test_reloading_the_scenario_records_nothing_new(leeds: httpx.Client) -> None:
    """Sending every scenario step again succeeds and leaves a post's history unchanged."""
    scenario = load_scenario(bundled_scenario("leeds_2018_children_and_families"))
    history_before = leeds.get("/posts/rh-co-audit/history").json()
    for step in scenario.steps:
        method, path, body = http_request(step.command)
        assert leeds.request(method, path, json=body).is_success
    assert leeds.get("/posts/rh-co-audit/history").json() == history_before


def test_the_text_diff_reads_as_a_change_report(leeds: httpx.Client) -> None:
    """`format=text`: one line per post under its kind of change, each with its FTE and cost."""
    params = {"from": "2018-03-31", "to": "2018-04-01", "org_unit_id": UNIT}
    changes = leeds.get("/diff", params=params).json()
    reply = leeds.get("/diff", params={**params, "format": "text"})
    assert reply.headers["content-type"].startswith("text/plain")
    report = reply.text
    assert report.startswith("Changes from 2018-03-31 to 2018-04-01 (as known at now)")
    assert f"Deleted: {len(changes['deleted'])} posts" in report
    assert f"Created: {len(changes['created'])} posts" in report
    assert "Re-designated: 1 post\n" in report
    assert "Re-lined: 1 post\n" in report
    assert "Transferred: 1 post\n" in report
    for post in changes["deleted"]:
        assert f"- {post['post_id']} {post['title']}" in report
        assert f"-{post['fte']} FTE, -£{cost(post):,.2f}" in report
    line = next(text for text in report.splitlines() if "cf-head-safeguarding-qa" in text)
    assert "reports to cf-deputy-director-social-care -> cf-director" in line
    pairs: list[tuple[dict[str, Any] | None, dict[str, Any] | None]]
    pairs = [(post, None) for post in changes["deleted"]]
    pairs += [(None, post) for post in changes["created"]]
    pairs += [(item["before"], item["after"]) for item in changes["changed"]]
    pairs += [(item["before"], item["after"]) for item in changes["transferred_in"]]
    net, uncosted = Decimal(0), 0
    for old, new in pairs:
        sides = [side for side in (old, new) if side is not None]
        if any(side["budgeted_annual_cost"] is None for side in sides):
            uncosted += 1
            continue
        net += (cost(new) if new else Decimal(0)) - (cost(old) if old else Decimal(0))
    sign = "+" if net >= 0 else "-"
    ending = f"{sign}£{abs(net):,.2f} a year; {uncosted} post(s) with no recorded cost not counted"
    assert report.rstrip().endswith(ending)
