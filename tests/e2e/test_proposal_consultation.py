"""Seed 004 (Dudley) as proposals: 31 people at risk need 30 days and HR1; a version putting
100 or more at risk needs 45 days; one with 19 has no statutory minimum."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from bearer import speaking_for
from driving import caught_up, get, send

from scenarios.loader import bundled_scenario, load_scenario

pytestmark = [pytest.mark.e2e, pytest.mark.redis, pytest.mark.usefixtures("with_catalogue")]

CHANGE = "2023-12-04"


def _people_of(posts: list[str], holders: dict[str, list[str]]) -> set[str]:
    return {person for post_id in posts for person in holders.get(post_id, [])}


def _until_people(posts: list[str], holders: dict[str, list[str]], count: int) -> list[str]:
    """The first of `posts` whose holders number exactly `count` people."""
    chosen: list[str] = []
    for post_id in posts:
        if len(_people_of([*chosen, post_id], holders)) > count:
            continue
        chosen.append(post_id)
        if len(_people_of(chosen, holders)) == count:
            return chosen
    raise AssertionError(f"cannot reach {count} people")


def test_dudley_as_proposals_meets_each_consultation_threshold(
    services: dict[str, Any], tenant: str
) -> None:
    """31 -> 30 days and HR1 (seed 004); 100 -> 45 days; 19 -> none; the live log untouched."""
    commands = [
        step.command for step in load_scenario(bundled_scenario("dudley_2023_redesign")).steps
    ]
    baseline = [item for item in commands if item.get("effective_date") != CHANGE]
    redesign = [item for item in commands if item.get("effective_date") == CHANGE]
    for command in baseline:
        send(services, tenant, command)
    caught_up(services["recruitment"])
    holders: dict[str, list[str]] = {}
    for item in baseline:
        if item["type"] == "AppointPostholder":
            holders.setdefault(item["post_id"], []).append(item["person_ref"])
    deleted = [item["post_id"] for item in redesign if item["type"] == "DeletePost"]
    others = [post_id for post_id in holders if post_id not in deleted]
    versions = {
        "dudley-phase-two": redesign,
        "dudley-larger": redesign
        + [
            {"type": "DeletePost", "post_id": post_id, "effective_date": CHANGE}
            for post_id in _until_people(others, holders, 100 - len(_people_of(deleted, holders)))
        ],
        "dudley-smaller": [
            {"type": "DeletePost", "post_id": post_id, "effective_date": CHANGE}
            for post_id in _until_people(deleted, holders, 19)
        ],
    }
    with httpx.Client(base_url=services["establishment"].url, headers=speaking_for(tenant),
                      timeout=60) as client:  # fmt: skip
        for proposal_id, proposed in versions.items():
            made = client.post("/proposals", json={"proposal_id": proposal_id, "title": proposal_id,
                               "implementation_date": CHANGE})  # fmt: skip
            assert made.status_code == 201, made.text
            added = client.post(f"/proposals/{proposal_id}/commands", json={"commands": proposed})
            assert added.status_code == 201, added.text
    expected = {"dudley-phase-two": (31, 30, True), "dudley-larger": (100, 45, True),
                "dudley-smaller": (19, 0, False)}  # fmt: skip
    for proposal_id, figures in expected.items():
        needs = get(services["recruitment"], tenant, "/consultation", proposal=proposal_id,
                    start="2023-09-01")  # fmt: skip
        assert (needs["proposed_redundancies"], needs["minimum_days"], needs["hr1_required"]) == (
            figures
        ), proposal_id
    planned = get(services["recruitment"], tenant, "/at-risk", as_of=CHANGE,
                  proposal="dudley-phase-two")  # fmt: skip
    assert planned["totals"] == {"people": 31, "posts": 32}
    assert get(services["recruitment"], tenant, "/at-risk", as_of=CHANGE)["people"] == []
