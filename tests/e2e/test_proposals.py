"""Redesign proposals over HTTP: seed 000's 2018 redesign drafted as a proposal, viewed as if
recorded, approved into the live log in one append; refusals and conflicts that add nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from uuid import uuid4

import httpx
import orjson
import pytest
from bearer import speaking_for
from conftest import provision
from driving import caught_up, estab, get, send, stream_events, stream_lengths
from grade_catalogue import record_catalogue
from redis.asyncio import Redis as AsyncRedis

from contracts.streams import ESTABLISHMENT_EVENTS, StoreKeys
from eventlog.tenant_registry import TenantRegistry
from scenarios.loader import bundled_scenario, http_request, load_scenario

pytestmark = [pytest.mark.e2e, pytest.mark.redis, pytest.mark.usefixtures("with_catalogue")]

UNIT = "children-and-families"
BEFORE, AFTER = "2018-03-31", "2018-04-01"
DECISION = {"decided_by": "Director of Children and Families", "decision_date": "2018-02-14",
            "reference": "Executive Board report, 30 January 2018"}  # fmt: skip


def _steps() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Seed 000's commands: the establishment before the redesign, and the redesign itself."""
    commands = [
        step.command
        for step in load_scenario(bundled_scenario("leeds_2018_children_and_families")).steps
    ]
    before = [command for command in commands if command["effective_date"] <= BEFORE]
    return before, [command for command in commands if command["effective_date"] > BEFORE]


def _record(client: httpx.Client, commands: list[dict[str, Any]]) -> None:
    for command in commands:
        method, path, body = http_request(command)
        reply = client.request(method, path, json=body)
        assert reply.is_success, reply.text


def _client(service: Any, tenant: str) -> httpx.Client:
    return httpx.Client(base_url=service.url, headers=speaking_for(tenant), timeout=60)


@pytest.fixture
def leeds(establishment_service: Any, tenant: str) -> Iterator[httpx.Client]:
    """The tenant holding Leeds as it stood before the redesign."""
    with _client(establishment_service, tenant) as client:
        _record(client, _steps()[0])
        yield client


def _drafted(client: httpx.Client, commands: list[dict[str, Any]]) -> str:
    """A draft proposal of the redesign with `commands`; its id."""
    made = client.post(
        "/proposals",
        json={"title": "Children and Families Service Redesign", "implementation_date": AFTER,
              "org_unit_id": UNIT},
    )  # fmt: skip
    assert made.status_code == 201, made.text
    proposal_id: str = made.json()["proposal_id"]
    added = client.post(f"/proposals/{proposal_id}/commands", json={"commands": commands})
    assert added.status_code == 201, added.text
    return proposal_id


def _structure(client: httpx.Client, **params: str) -> dict[str, Any]:
    reply = client.get("/structure", params={"as_of": AFTER, "org_unit_id": UNIT, **params})
    assert reply.status_code == 200, reply.text
    answer: dict[str, Any] = reply.json()
    return answer


@pytest.fixture
async def recorded(registry: TenantRegistry, redis: AsyncRedis) -> str:
    """Another tenant with the catalogue, for the redesign recorded live."""
    other = await provision(registry, f"t-{uuid4().hex[:12]}")
    await record_catalogue(redis, other)
    return other


def test_seed_000_as_a_proposal_is_viewed_as_recorded_and_approved_in_one_append(
    leeds: httpx.Client, establishment_service: Any, recorded: str, redis_url: str, tenant: str
) -> None:
    """Viewed with the proposal it equals the redesign recorded live; approval records just that."""
    before, redesign = _steps()
    with _client(establishment_service, recorded) as live:
        _record(live, before + redesign)
        expected = _structure(live)
    key = StoreKeys.for_stream(tenant, ESTABLISHMENT_EVENTS).stream
    drafting = stream_lengths(redis_url, tenant)[key.encode()]
    proposal_id = _drafted(leeds, redesign)
    untouched = _structure(leeds)
    assert untouched["totals"] == _structure(leeds, as_of=BEFORE)["totals"]

    applied = _structure(leeds, proposal=proposal_id)
    assert applied["posts"] == expected["posts"]
    assert applied["totals"] == expected["totals"]
    changes = leeds.get("/diff", params={"from": BEFORE, "to": AFTER, "org_unit_id": UNIT,
                                         "proposal": proposal_id}).json()  # fmt: skip
    assert (len(changes["deleted"]), len(changes["created"])) == (6, 5)
    assert _structure(leeds)["totals"] == untouched["totals"]

    lengths = stream_lengths(redis_url, tenant)
    assert lengths[key.encode()] == drafting
    for decision in ("submit", "approve"):
        done = leeds.post(f"/proposals/{proposal_id}/{decision}", json=DECISION)
        assert done.status_code == 201, done.text
    appended = stream_events(redis_url, tenant, ESTABLISHMENT_EVENTS)[lengths[key.encode()] :]
    assert len(appended) == len(redesign)
    assert {event["correlation_id"] for event in appended} == {proposal_id}
    assert _structure(leeds)["posts"] == expected["posts"]

    shown = leeds.get(f"/proposals/{proposal_id}").json()
    assert shown["status"] == "approved"
    assert [item["decision"] for item in shown["decisions"]] == ["submit", "approve"]
    again = leeds.post(f"/proposals/{proposal_id}/approve", json=DECISION)
    assert again.status_code == 409
    assert again.json()["type"].endswith("proposal-status")


def test_a_command_the_live_rules_refuse_adds_nothing_and_is_named(leeds: httpx.Client) -> None:
    """A change to a post that does not exist: 404 naming command 2, the draft unchanged."""
    proposal_id = _drafted(leeds, [_steps()[1][0]])
    wrong = {"type": "ChangePostFTE", "post_id": "no-such-post", "fte": "0.5",
             "effective_date": AFTER}  # fmt: skip
    refused = leeds.post(f"/proposals/{proposal_id}/commands", json={"commands": [wrong]})
    assert refused.status_code == 404, refused.text
    assert "command 2 (ChangePostFTE)" in refused.json()["detail"]
    assert leeds.get(f"/proposals/{proposal_id}").json()["command_count"] == 1


def test_a_proposal_overtaken_by_the_live_log_is_refused_listing_each_conflict(
    leeds: httpx.Client, redis_url: str, tenant: str
) -> None:
    """The live log deleted a post the proposal changes: 409 proposal-conflict, nothing added."""
    _, redesign = _steps()
    deletions = [command for command in redesign if command["type"] == "DeletePost"]
    proposal_id = _drafted(leeds, deletions)
    assert leeds.post(f"/proposals/{proposal_id}/submit", json=DECISION).status_code == 201
    _record(leeds, [deletions[0]])
    assert leeds.get(f"/proposals/{proposal_id}").json()["conflicts"][0]["number"] == 1
    lengths = stream_lengths(redis_url, tenant)

    refused = leeds.post(f"/proposals/{proposal_id}/approve", json=DECISION)
    assert refused.status_code == 409, refused.text
    problem = refused.json()
    assert problem["type"].endswith("proposal-conflict")
    assert [(item["number"], item["post_id"]) for item in problem["errors"]] == [
        (1, deletions[0]["post_id"])
    ]
    assert stream_lengths(redis_url, tenant) == lengths
    assert leeds.get(f"/proposals/{proposal_id}").json()["status"] == "submitted"


def test_rejected_and_withdrawn_proposals_stay_in_history(leeds: httpx.Client) -> None:
    """A rejected proposal cannot be approved; a withdrawn draft is still listed."""
    rejected = _drafted(leeds, _steps()[1][:2])
    withdrawn = _drafted(leeds, _steps()[1][2:4])
    assert leeds.post(f"/proposals/{rejected}/submit", json=DECISION).status_code == 201
    assert leeds.post(f"/proposals/{rejected}/reject", json=DECISION).status_code == 201
    assert leeds.post(f"/proposals/{withdrawn}/withdraw", json=DECISION).status_code == 201
    late = leeds.post(f"/proposals/{rejected}/approve", json=DECISION)
    assert late.status_code == 409
    listed = {
        item["proposal_id"]: item["status"] for item in leeds.get("/proposals").json()["proposals"]
    }
    assert listed == {rejected: "rejected", withdrawn: "withdrawn"}


def test_the_cli_drafts_evaluates_and_approves_a_proposal(
    leeds: httpx.Client, establishment_service: Any, tenant: str, tmp_path: Path
) -> None:
    """`estab proposal create/add/show/decide/approve`: the deletions recorded live."""
    deletions = [command for command in _steps()[1] if command["type"] == "DeletePost"][:2]
    common = ("--tenant", tenant, "--url", establishment_service.url, "--data-dir", str(tmp_path))
    proposal = f"cli-{uuid4().hex[:8]}"
    made = estab("proposal", "create", "--id", proposal, "--title", "Two deletions",
                 "--implementation-date", AFTER, *common)  # fmt: skip
    assert made.returncode == 0, made.stderr
    sent = [arg for command in deletions for arg in ("--command", orjson.dumps(command).decode())]
    added = estab("proposal", "add", proposal, *sent, *common)
    assert added.returncode == 0, added.stderr
    assert "Added 2 command(s)" in added.stdout
    shown = estab("proposal", "show", proposal, *common)
    assert f"{proposal}: Two deletions (draft)" in shown.stdout
    assert f"2. DeletePost {deletions[1]['post_id']}" in shown.stdout
    decision = ("--decided-by", "Director", "--decision-date", "2018-02-14")
    submitted = estab("proposal", "decide", proposal, "submit", *decision, *common)
    assert submitted.returncode == 0, submitted.stderr
    approved = estab("proposal", "approve", proposal, *decision, *common)
    assert approved.returncode == 0, approved.stderr
    live = {post["post_id"] for post in _structure(leeds)["posts"]}
    assert not live & {command["post_id"] for command in deletions}


def test_consultation_names_the_people_approval_then_puts_at_risk(
    services: dict[str, Any], tenant: str
) -> None:
    """Seed 000 as a proposal: 6 people to consult on (no statutory minimum), shown at risk with
    the proposal applied, and the same 6 recruitment places at risk once it is approved."""
    before, redesign = _steps()
    for command in before:
        send(services, tenant, command)
    for step in load_scenario(bundled_scenario("leeds_2018_postholders")).steps:
        send(services, tenant, step.command)
    with _client(services["establishment"], tenant) as client:
        proposal_id = _drafted(client, redesign)
        caught_up(services["recruitment"])
        needs = get(services["recruitment"], tenant, "/consultation", proposal=proposal_id,
                    start="2018-02-01", policy_days=14)  # fmt: skip
        assert needs["proposed_redundancies"] == 6
        assert (needs["statutory_minimum_days"], needs["minimum_days"]) == (0, 14)
        assert needs["hr1_required"] is False
        assert needs["earliest_dismissal_date"] == "2018-02-15"
        planned = get(
            services["recruitment"], tenant, "/at-risk", as_of=AFTER, proposal=proposal_id
        )
        assert planned["totals"]["people"] == 6
        assert all(person["posts"][0]["alternatives"] for person in planned["people"])
        assert get(services["recruitment"], tenant, "/at-risk", as_of=AFTER)["people"] == []
        for decision in ("submit", "approve"):
            assert client.post(f"/proposals/{proposal_id}/{decision}", json=DECISION).is_success
    for service in services.values():
        caught_up(service)
    placed = get(services["recruitment"], tenant, "/at-risk", as_of=AFTER)
    assert {person["person_ref"] for person in needs["people"]} == {
        person["person_ref"] for person in placed["people"]
    }
    assert planned["totals"] == placed["totals"]
    assert [person["posts"][0]["post_id"] for person in planned["people"]] == [
        person["posts"][0]["post_id"] for person in placed["people"]
    ]
