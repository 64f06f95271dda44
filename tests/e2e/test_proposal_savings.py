"""Seed 000's redesign as a proposal, priced by finance: its savings statement is Table 1,
the same to the penny as the redesign recorded live, and `/proposals/compare` says so."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import uuid4

import httpx
import orjson
import pytest
from bearer import speaking_for
from conftest import provision
from driving import caught_up, estab, get, load, send
from leeds_2018 import record_leeds_2018
from seed_000 import BASIS

from eventlog.tenant_registry import TenantRegistry
from scenarios.loader import bundled_scenario, load_scenario

pytestmark = [pytest.mark.e2e, pytest.mark.redis]

UNIT = "children-and-families"
BEFORE, AFTER = "2018-03-31", "2018-04-01"


def _leeds_before_the_redesign(services: dict[str, Any], tenant: str) -> list[dict[str, Any]]:
    """Leeds's costing basis, posts and postholders before 2018-04-01; the redesign's commands."""
    commands = [
        step.command
        for step in load_scenario(bundled_scenario("leeds_2018_children_and_families")).steps
    ]
    for command in BASIS + [item for item in commands if item["effective_date"] <= BEFORE]:
        send(services, tenant, command)
    load(services, tenant, "leeds_2018_postholders")
    return [item for item in commands if item["effective_date"] > BEFORE]


@pytest.fixture
async def recorded(registry: TenantRegistry) -> str:
    """Another tenant, for the redesign recorded live."""
    return await provision(registry, f"t-{uuid4().hex[:12]}")


def test_the_proposal_is_priced_as_the_redesign_recorded_live(
    services: dict[str, Any], tenant: str, recorded: str, tmp_path: Path
) -> None:
    """/savings and /ledger with the proposal equal the live redesign's; compare nets 235,530."""
    record_leeds_2018(services, recorded)
    redesign = _leeds_before_the_redesign(services, tenant)
    with httpx.Client(base_url=services["establishment"].url, headers=speaking_for(tenant),
                      timeout=60) as client:  # fmt: skip
        made = client.post("/proposals", json={"proposal_id": "redesign-2018", "org_unit_id": UNIT,
                           "title": "Service Redesign", "implementation_date": AFTER})  # fmt: skip
        assert made.status_code == 201, made.text
        added = client.post("/proposals/redesign-2018/commands", json={"commands": redesign})
        assert added.status_code == 201, added.text
    for service in services.values():
        caught_up(service)

    for costs in ("explicit", "grades"):
        window = {"from": BEFORE, "to": AFTER, "org_unit_id": UNIT, "costs": costs}
        planned = get(services["finance"], tenant, "/savings", proposal="redesign-2018", **window)
        actual = get(services["finance"], recorded, "/savings", **window)
        for part in ("deleted", "created", "changed", "transferred_in", "net", "table"):
            assert planned[part] == actual[part], (costs, part)
        if costs == "explicit":
            assert planned["table"]["deletions"] == "623930.00"
            assert planned["table"]["new_posts"] == "388400.00"
            assert planned["net"]["annual_cost"] == "-235530.00"
    year = {"fy": 2018, "as_of": AFTER}
    planned_ledger = get(services["finance"], tenant, "/ledger", proposal="redesign-2018", **year)
    assert (
        planned_ledger["totals"] == get(services["finance"], recorded, "/ledger", **year)["totals"]
    )

    evaluated = estab(
        "proposal", "evaluate", "redesign-2018", "--tenant", tenant, "--from", BEFORE,
        "--org-unit", UNIT, "--consultation-start", "2018-02-01",
        "--url", services["establishment"].url, "--finance-url", services["finance"].url,
        "--recruitment-url", services["recruitment"].url, "--data-dir", str(tmp_path),
    )  # fmt: skip
    assert evaluated.returncode == 0, evaluated.stderr
    said = evaluated.stdout
    assert "Table 1: deletions 623930.00, new posts 388400.00; net -235530.00" in said
    assert "Consultation: 6 proposed redundancies, at least 0 days from 2018-02-01" in said
    assert said.count("alternatives cf-") == 6
    assert "Deleted: 6 posts" in said
    [column] = get(services["finance"], tenant, "/proposals/compare", ids="redesign-2018")[
        "proposals"
    ]
    assert column["net_annual_saving"] == "235530.00"
    assert column["posts_deleted"] == 6
    created = (column["posts_created"], column["posts_externally_funded"])
    assert created == (planned["created"]["posts"], planned["externally_funded"]["posts"])
    live_ledger = get(services["finance"], tenant, "/ledger", **year)
    saved = Decimal(live_ledger["totals"]["in_year_cost"]) - Decimal(
        planned_ledger["totals"]["in_year_cost"]
    )
    assert Decimal(column["in_year_saving"]) == saved


def test_the_outturn_names_a_late_deletion_as_the_shortfall(
    services: dict[str, Any], tenant: str, tmp_path: Path
) -> None:
    """Approved, then one deletion put back to July: the outturn's one difference is that post."""
    redesign = _leeds_before_the_redesign(services, tenant)
    late = next(item["post_id"] for item in redesign if item["type"] == "DeletePost")
    decision = {"decided_by": "Executive Board", "decision_date": "2018-02-14"}
    with httpx.Client(base_url=services["establishment"].url, headers=speaking_for(tenant),
                      timeout=60) as client:  # fmt: skip
        made = client.post("/proposals", json={"proposal_id": "redesign", "title": "Redesign",
                           "implementation_date": AFTER})  # fmt: skip
        assert made.status_code == 201, made.text
        assert client.post("/proposals/redesign/commands", json={"commands": redesign}).is_success
        for step in ("submit", "approve"):
            assert client.post(f"/proposals/redesign/{step}", json=decision).is_success
        history = client.get(f"/posts/{late}/history").json()
        deletion = next(event for event in history if event["type"] == "PostDeleted")
        send(services, tenant, {"type": "RetractEvent", "event_id": deletion["event_id"],
                                "reason": "consultation ran on"})  # fmt: skip
        send(services, tenant, {"type": "DeletePost", "post_id": late,
                                "effective_date": "2018-07-01"})  # fmt: skip
    for service in services.values():
        caught_up(service)

    report = get(services["finance"], tenant, "/proposals/redesign/outturn", fy=2018)
    lines = {line["post_id"]: line for line in report["lines"]}
    assert lines[late]["cause"] == "deleted on 2018-07-01, 91 days later than planned"
    assert Decimal(lines[late]["difference"]) > 0
    others = [line for post_id, line in lines.items() if post_id != late]
    assert {line["cause"] for line in others} == {"as planned"}
    shortfall = Decimal(report["modelled_saving"]) - Decimal(report["actual_saving"])
    assert Decimal(report["shortfall"]) == shortfall == Decimal(lines[late]["difference"])
    posts = get(services["finance"], tenant, "/ledger", fy=2018, as_of=AFTER, group_by="post",
                basis="forecast")["rows"]  # fmt: skip
    annual = Decimal(next(row for row in posts if row["key"] == late)["annual_cost"])
    assert shortfall == (annual * 91 / 365).quantize(Decimal("0.01"))  # 1 April to 30 June
    common = ("--tenant", tenant, "--finance-url", services["finance"].url,
              "--data-dir", str(tmp_path))  # fmt: skip
    said = estab("proposal", "outturn", "redesign", "--fy", "2018", *common)
    assert said.returncode == 0, said.stderr
    assert f"shortfall {report['shortfall']}" in said.stdout
    assert f"{late}: {lines[late]['difference']} — deleted on 2018-07-01" in said.stdout
    compared = estab("proposal", "compare", "redesign", *common, "--json")
    assert compared.returncode == 0, compared.stderr
    [column] = orjson.loads(compared.stdout)["proposals"]
    assert (column["status"], column["people_at_risk"], column["consultation_days"]) == (
        "approved",
        6,
        0,
    )
