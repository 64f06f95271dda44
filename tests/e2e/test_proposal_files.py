"""Seeds 001 and 002 as proposal files loaded by `estab load`: Education Leeds' 62 posts
transferred at once and approved in one append; the invest-to-save team's outturn saying whether
the Early Help savings recouped it, on plan and with the savings six months late."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from bearer import speaking_for
from driving import caught_up, estab_load, get, load, send, stream_events, stream_lengths

from contracts.streams import ESTABLISHMENT_EVENTS, StoreKeys

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = [pytest.mark.e2e, pytest.mark.redis]

RETURN = "leeds-2011-education-leeds-return"
TEAM = "leeds-2022-transformation-team"
SEED_001 = ["leeds_2010_catalogue", "leeds_2010_childrens_services", RETURN.replace("-", "_")]
REMITS = ("cs-learning-skills-universal", "cs-safeguarding-targeted-specialist",
          "cs-strategy-commissioning-performance", "cs-business-support")  # fmt: skip
DECISION = {"decided_by": "Personnel Panel", "decision_date": "2011-01-12"}


def _all_caught_up(services: dict[str, Any]) -> None:
    for service in services.values():
        caught_up(service)


def _structure(services: dict[str, Any], tenant: str, **params: str) -> dict[str, Any]:
    view: dict[str, Any] = get(
        services["establishment"], tenant, "/structure", as_of="2011-04-01", **params
    )
    return view


def test_seed_001_transfers_education_leeds_in_one_approved_append(
    services: dict[str, Any], tenant: str, redis_url: str, tmp_path: Path
) -> None:
    """Drafted and submitted by the file, nothing live, compared as recruitment counts its people;
    approved, its 84 commands are one append."""
    loaded = estab_load(services, tenant, SEED_001, tmp_path)
    assert loaded.returncode == 0, loaded.stdout + loaded.stderr
    assert f"proposal {RETURN!r}, 3 of 3 steps recorded" in " ".join(loaded.stdout.split())
    shown = get(services["establishment"], tenant, f"/proposals/{RETURN}")
    assert (shown["status"], shown["command_count"]) == ("submitted", 84)
    _all_caught_up(services)

    live = _structure(services, tenant)
    assert live["totals"]["posts"] == 70
    applied = _structure(services, tenant, proposal=RETURN)
    assert applied["totals"]["posts"] == 67
    returned = _structure(services, tenant, proposal=RETURN, org_unit_id="education-leeds")
    assert returned["totals"]["posts"] == 0
    changes = get(services["establishment"], tenant, "/diff", **{"from": "2011-03-31",
                  "to": "2011-04-01", "proposal": RETURN})  # fmt: skip
    assert (len(changes["deleted"]), len(changes["created"])) == (7, 4)
    moved = [item for item in changes["changed"]
             if item["before"]["org_unit_id"].startswith("el-")]  # fmt: skip
    assert len(moved) == 62
    assert {item["after"]["org_unit_id"] for item in moved} == set(REMITS)
    need = get(services["recruitment"], tenant, "/consultation", proposal=RETURN)
    assert (need["proposed_redundancies"], need["minimum_days"], need["hr1_required"]) == (
        7,
        0,
        False,
    )
    [column] = get(services["finance"], tenant, "/proposals/compare", ids=RETURN)["proposals"]
    assert (column["people_at_risk"], column["consultation_days"], column["hr1_required"]) == (
        need["proposed_redundancies"],
        need["minimum_days"],
        need["hr1_required"],
    )
    assert (column["posts_deleted"], column["posts_created"]) == (7, 4)

    key = StoreKeys.for_stream(tenant, ESTABLISHMENT_EVENTS).stream.encode()
    before = stream_lengths(redis_url, tenant)[key]
    with httpx.Client(base_url=services["establishment"].url, headers=speaking_for(tenant),
                      timeout=60) as client:  # fmt: skip
        approved = client.post(f"/proposals/{RETURN}/approve", json=DECISION)
    assert approved.status_code == 201, approved.text
    appended = stream_events(redis_url, tenant, ESTABLISHMENT_EVENTS)[before:]
    assert len(appended) == 84
    assert {event["correlation_id"] for event in appended} == {RETURN}
    assert _structure(services, tenant)["posts"] == applied["posts"]

    _all_caught_up(services)
    lengths = stream_lengths(redis_url, tenant)
    again = estab_load(services, tenant, SEED_001, tmp_path)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "(3 recorded before)" in again.stdout
    assert stream_lengths(redis_url, tenant) == lengths


@pytest.mark.usefixtures("with_catalogue")
def test_seed_002_outturn_says_whether_the_team_was_recouped(
    services: dict[str, Any], tenant: str, tmp_path: Path
) -> None:
    """On plan the Early Help savings recoup the team in 2023/24; six months late they do not."""
    load(services, tenant, "leeds_2018_children_and_families")
    loaded = estab_load(
        services, tenant, ["leeds_2022_early_help", TEAM.replace("-", "_")], tmp_path
    )
    assert loaded.returncode == 0, loaded.stdout + loaded.stderr
    assert get(services["establishment"], tenant, f"/proposals/{TEAM}")["status"] == "approved"
    _all_caught_up(services)

    first = get(services["finance"], tenant, f"/proposals/{TEAM}/outturn", fy=2022)
    assert Decimal(first["investment"]["actual"]) > 0
    assert (first["savings"]["actual"], first["recouped"]) == ("0.00", False)
    planned = get(services["finance"], tenant, f"/proposals/{TEAM}/outturn", fy=2023)
    budgets = get(services["finance"], tenant, "/ledger", fy=2023, as_of="2023-04-01",
                  group_by="post", basis="budget")["rows"]  # fmt: skip
    team = [row for row in budgets if "-tt-" in row["key"]]
    assert len(team) == 20
    invested = sum((Decimal(row["in_year_cost"]) for row in team), Decimal(0))
    assert Decimal(planned["investment"]["actual"]) == invested
    assert Decimal(planned["savings"]["actual"]) >= invested
    assert planned["recouped"] is True
    assert planned["shortfall"] == "0.00"

    late = [f"cf-eh-practitioner-{number:02d}" for number in range(1, 21)]
    for post_id in late:
        history = get(services["establishment"], tenant, f"/posts/{post_id}/history")
        deletion = next(event for event in history if event["type"] == "PostDeleted")
        send(services, tenant, {"type": "RetractEvent", "event_id": deletion["event_id"],
                                "reason": "review implemented late"})  # fmt: skip
        send(services, tenant, {"type": "DeletePost", "post_id": post_id,
                                "effective_date": "2023-10-01"})  # fmt: skip
    _all_caught_up(services)
    slipped = get(services["finance"], tenant, f"/proposals/{TEAM}/outturn", fy=2023)
    lines = {line["post_id"]: line for line in slipped["lines"]}
    assert {lines[post_id]["cause"] for post_id in late} == {
        "deleted on 2023-10-01, 183 days later than planned"
    }
    lost = sum((Decimal(lines[post_id]["difference"]) for post_id in late), Decimal(0))
    assert Decimal(slipped["shortfall"]) == lost > 0
    assert Decimal(slipped["savings"]["actual"]) == Decimal(planned["savings"]["actual"]) - lost
    assert slipped["recouped"] is (Decimal(slipped["savings"]["actual"]) >= invested)
    assert slipped["recouped"] is False
