"""One correlation id followed from an HTTP request to its event, finance's cost update and logs."""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx
import orjson
import pytest
from bearer import speaking_for
from driving import stream_events
from waiting import until

from contracts.streams import ESTABLISHMENT_EVENTS, FINANCE_COST_UPDATES

if TYPE_CHECKING:
    from conftest import ServiceProcess

pytestmark = [pytest.mark.e2e, pytest.mark.redis, pytest.mark.usefixtures("with_catalogue")]

CORRELATION = "hr-batch-2026-12-02-0007"


def _logged(service: ServiceProcess, message: str) -> list[dict[str, object]]:
    """The service's JSON log lines with `message` as their event."""
    lines = [line for line in service.log.read_text().splitlines() if line.startswith("{")]
    return [entry for entry in map(orjson.loads, lines) if entry.get("event") == message]


def test_a_requests_correlation_id_reaches_its_event_the_cost_update_and_the_logs(
    services: dict[str, ServiceProcess], tenant: str, redis_url: str
) -> None:
    """X-Correlation-Id is echoed, recorded on the event and on finance's update, and logged."""
    establishment, finance = services["establishment"], services["finance"]
    headers = {**speaking_for(tenant), "X-Correlation-Id": CORRELATION}
    unit = {"org_unit_id": "cf", "name": "Children", "effective_date": "2018-04-01"}
    post = {
        "post_id": "p-corr",
        "title": "Social worker",
        "grade": "PO6",
        "fte": "1",
        "org_unit_id": "cf",
        "effective_date": "2018-04-01",
    }
    assert httpx.post(f"{establishment.url}/org-units", json=unit, headers=headers).is_success
    made = httpx.post(f"{establishment.url}/posts", json=post, headers=headers)
    assert made.status_code == 201, made.text
    assert made.headers["X-Correlation-Id"] == CORRELATION
    [created] = [
        event
        for event in stream_events(redis_url, tenant, ESTABLISHMENT_EVENTS)
        if event["type"] == "PostCreated"
    ]
    assert created["correlation_id"] == CORRELATION

    def costed() -> list[dict[str, object]]:
        updates = stream_events(redis_url, tenant, FINANCE_COST_UPDATES)
        return [update for update in updates if update["payload"]["post_id"] == "p-corr"]

    until(costed, "finance to publish the post's cost", 60)
    assert {update["correlation_id"] for update in costed()} == {CORRELATION}
    handled = _logged(establishment, "request handled")
    assert any(entry.get("correlation_id") == CORRELATION for entry in handled)

    def batch_logged() -> bool:
        batches = [entry.get("correlation_ids") for entry in _logged(finance, "messages handled")]
        return any(isinstance(ids, list) and CORRELATION in ids for ids in batches)

    until(batch_logged, "finance to log the batch it handled", 30)
    unnamed = httpx.post(f"{establishment.url}/org-units", json=unit, headers=speaking_for(tenant))
    assert len(unnamed.headers["X-Correlation-Id"]) == 36
