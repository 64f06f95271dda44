"""`GET /metrics`: appends, refusals and request times counted; a paused consumer's lag seen."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from driving import in_process
from prometheus_client.parser import text_string_to_metric_families
from waiting import until_async

from contracts import establishment as est
from contracts.streams import ESTABLISHMENT_EVENTS, stream_key
from eventlog.command_log import Accepted, Submitted
from services.establishment.application import TenantEstablishment
from services.establishment.main import create_app as establishment_app
from services.recruitment.main import create_app as recruitment_app

if TYPE_CHECKING:
    from collections.abc import Callable

    import httpx
    from redis.asyncio import Redis

    from eventlog.settings import Settings

pytestmark = [pytest.mark.redis, pytest.mark.usefixtures("with_catalogue")]

DAY = "2020-04-01"


async def _sample(client: httpx.AsyncClient, name: str, **labels: str) -> float:
    """The value of one series in the scrape (0 if it is not there yet)."""
    reply = await client.get("/metrics")
    assert reply.status_code == 200, reply.text
    for family in text_string_to_metric_families(reply.text):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                return float(sample.value)
    return 0.0


async def test_appends_refusals_and_requests_are_counted(
    settings: Callable[[str], Settings], tenant: str
) -> None:
    """An append adds one event to its stream's counter, a 422 one refusal, and each request is
    timed under its route's template."""
    stream = stream_key(tenant, ESTABLISHMENT_EVENTS)
    async with in_process(establishment_app(settings("establishment")), tenant) as client:
        before = await _sample(client, "estab_events_appended_total", stream=stream)
        refused = await _sample(
            client, "estab_commands_refused_total", via="http", reason="invalid"
        )
        unit = {"org_unit_id": "u", "name": "Unit", "effective_date": DAY}
        assert (await client.post("/org-units", json=unit)).status_code == 201
        assert (await client.post("/org-units", json={"name": "x"})).status_code == 422
        assert (await client.get("/posts/nobody")).status_code == 404
        after = await _sample(client, "estab_events_appended_total", stream=stream)
        assert after == before + 1
        now_refused = await _sample(
            client, "estab_commands_refused_total", via="http", reason="invalid"
        )
        assert now_refused == refused + 1
        timed = await _sample(
            client,
            "estab_http_request_seconds_count",
            method="GET",
            route="/posts/{post_id}",
            status="404",
        )
        assert timed >= 1


def _unit_and_posts(count: int) -> list[est.EstablishmentCommand]:
    commands: list[est.EstablishmentCommand] = [
        est.CreateOrgUnit.model_validate({"org_unit_id": "u", "name": "U", "effective_date": DAY})
    ]
    for number in range(count):
        body = {
            "post_id": f"p{number}",
            "title": "Officer",
            "grade": "PO6",
            "fte": "1",
            "org_unit_id": "u",
            "effective_date": DAY,
        }
        commands.append(est.CreatePost.model_validate(body))
    return commands


async def test_a_paused_consumers_lag_rises_and_returns_to_zero(
    redis: Redis, settings: Callable[[str], Settings], tenant: str
) -> None:
    """Recruitment's establishment consumer stopped: lag and pending count the events appended
    meanwhile (a read blocked when it stopped may still take some: pending, not acked); started
    again, it reads and acks them all and both are 0."""
    stream = stream_key(tenant, ESTABLISHMENT_EVENTS)
    app = recruitment_app(settings("recruitment").model_copy(update={"reclaim_idle_ms": 200}))
    async with in_process(app, tenant) as client:
        (consumer,) = [item for item in app.state.subscriptions if item.stream == stream]
        await consumer.stop()
        commands = _unit_and_posts(4)
        outcomes = await TenantEstablishment(redis, tenant).execute(
            [Submitted(command) for command in commands]
        )
        assert all(isinstance(outcome, Accepted) for outcome in outcomes)
        labels = {"stream": stream, "group": consumer.group}
        lag = await _sample(client, "estab_consumer_lag", **labels)
        pending = await _sample(client, "estab_consumer_pending", **labels)
        assert lag + pending == len(commands)
        await consumer.start(redis, drain_seconds=5, poll_seconds=0.01)

        async def drained() -> bool:
            lag = await _sample(client, "estab_consumer_lag", **labels)
            return lag + await _sample(client, "estab_consumer_pending", **labels) == 0

        await until_async(drained, "the consumer's lag and pending to return to 0", 20)
