"""Grading and establishment as separate processes, driven over HTTP as HR systems would.

Seed 000's Table 1 from grades alone, and the job evaluation round trip: a post created with a
proposed grade is evaluated to another grade, and establishment shows the evaluated grade from
the evaluation's effective date, with its history holding both.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx
import pytest
from bearer import speaking_for
from conftest import ServiceProcess
from redis import Redis
from seed_000 import BASIS, TABLE_1
from waiting import until

from contracts.streams import ESTABLISHMENT_EVENTS, stream_key
from scenarios.loader import bundled_scenario, http_request, load_scenario

pytestmark = [pytest.mark.e2e, pytest.mark.redis]


def client(service: ServiceProcess, tenant: str) -> httpx.Client:
    return httpx.Client(base_url=service.url, headers=speaking_for(tenant), timeout=10)


def record(http: httpx.Client, command: dict[str, Any]) -> dict[str, Any]:
    method, path, body = http_request(command)
    reply = http.request(method, path, json=body)
    assert reply.is_success, reply.text
    return dict(reply.json())


def test_table_1_from_grades_alone_is_within_ten_pounds_a_line(
    grading_service: ServiceProcess, tenant: str
) -> None:
    """Each Table 1 line costed by grading from its grade alone is within £10 of the report."""
    with client(grading_service, tenant) as grading:
        for command in BASIS:
            record(grading, command)
        for grade, fte, posts, report in TABLE_1:
            reply = grading.get(f"/grades/{grade}/cost", params={"on": "2018-04-01", "fte": fte})
            assert reply.status_code == 200, reply.text
            line = posts * Decimal(reply.json()["annual_cost"])
            assert abs(line - report) <= 10, (grade, fte, line, report)


def consumed(redis_url: str, tenant: str) -> bool:
    """Whether grading's group has read and acknowledged all of establishment's events."""
    with Redis.from_url(redis_url) as redis:
        stream = stream_key(tenant, ESTABLISHMENT_EVENTS)
        last = redis.xinfo_stream(stream)["last-generated-id"]
        groups = redis.xinfo_groups(stream)
    grading = next(group for group in groups if group["name"] == b"grading")
    return bool(grading["last-delivered-id"] == last and grading["pending"] == 0)


def test_an_evaluation_regrades_the_post_from_its_effective_date(
    establishment_service: ServiceProcess,
    grading_service: ServiceProcess,
    redis_url: str,
    tenant: str,
) -> None:
    """An evaluation to PO6 regrades the PO5 post from its effective date; history holds both."""
    catalogue = load_scenario(bundled_scenario("catalogue_njc_leeds_style"))
    with client(establishment_service, tenant) as hr, client(grading_service, tenant) as grading:
        for step in catalogue.steps:
            record(grading, step.command)
        record(
            hr,
            {
                "type": "CreateOrgUnit",
                "org_unit_id": "cf",
                "name": "Children and Families",
                "effective_date": "2018-04-01",
            },
        )
        created = record(
            hr,
            {
                "type": "CreatePost",
                "title": "Service Improvement Officer",
                "grade": "PO5",
                "fte": "1",
                "org_unit_id": "cf",
                "effective_date": "2018-04-01",
            },
        )
        post_id = created["post_id"]

        def pending(as_of: str = "2018-04-01") -> list[dict[str, Any]]:
            reply = grading.get("/evaluations/pending", params={"as_of": as_of})
            return [item for item in reply.json()["posts"] if item["post_id"] == post_id]

        assert until(pending, "grading to learn of the post") == [
            {"post_id": post_id, "proposed_grade": "PO5", "since": "2018-04-01"}
        ]
        levels = dict.fromkeys(catalogue_factors(grading), 5) | {"knowledge": 8}
        evaluated = grading.post(
            "/evaluations",
            json={"post_id": post_id, "factor_levels": levels, "effective_date": "2018-07-01"},
        )
        assert evaluated.status_code == 201, evaluated.text
        result = evaluated.json()
        assert result["grade"] == "PO6"
        assert result["total_points"] == 160 + 5 * (20 + 20 + 13 + 13 + 10 * 4 + 13 * 4)

        def regraded() -> dict[str, Any] | None:
            view = hr.get(f"/posts/{post_id}", params={"as_of": "2018-07-01"}).json()
            return view if view["job_evaluation"] == "evaluated" else None

        after = until(regraded, "establishment to apply the evaluation")
        assert after["grade"] == "PO6"
        before = hr.get(f"/posts/{post_id}", params={"as_of": "2018-06-30"}).json()
        assert (before["grade"], before["job_evaluation"]) == ("PO5", "pending")
        history = hr.get(f"/posts/{post_id}/history").json()
        assert [event["type"] for event in history] == [
            "PostCreated",
            "PostRedesignated",
            "PostGradeConfirmed",
        ]
        assert history[0]["payload"]["grade"] == "PO5"
        assert history[1]["payload"]["grade"] == "PO6"
        assert history[1]["causation_id"] == f"grading:{result['event_id']}"
        assert history[2]["payload"]["evaluation_event_id"] == result["event_id"]
        assert history[2]["effective_date"] == "2018-07-01"
        until(lambda: consumed(redis_url, tenant), "grading to read every establishment event")
        assert pending("2018-07-01") == []
        assert len(pending("2018-06-30")) == 1
        listed = grading.get("/evaluations", params={"post_id": post_id}).json()["evaluations"]
        assert [(item["grade"], item["proposed_grade"]) for item in listed] == [("PO6", "PO5")]


def catalogue_factors(grading: httpx.Client) -> list[str]:
    scheme = grading.get("/evaluation-schemes/NJC-JES", params={"as_of": "2018-07-01"}).json()
    return sorted(scheme["factors"])
