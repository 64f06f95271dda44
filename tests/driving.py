"""Driving running services the way HR and finance systems do: HTTP calls, and waiting (with a
deadline, never a bare sleep) until a consumer has read everything it consumes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx
import orjson
from redis import Redis
from waiting import until

from contracts.streams import stream_key
from scenarios.loader import bundled_scenario, http_request, load_scenario, service_of

if TYPE_CHECKING:
    from conftest import ServiceProcess

Services = dict[str, "ServiceProcess"]


def send(services: Services, tenant: str, command: dict[str, Any]) -> Any:
    """Record one command through the service that owns it; return its answer."""
    method, path, body = http_request(command)
    url = services[service_of(command)].url
    reply = httpx.request(method, f"{url}{path}", json=body, headers={"X-Tenant": tenant})
    assert reply.is_success, (command.get("type"), reply.text)
    return reply.json()


def load(services: Services, tenant: str, *names: str, skip: str = "") -> None:
    """Load bundled scenarios into `tenant` (all steps but `skip`)."""
    for name in names:
        for step in load_scenario(bundled_scenario(name)).steps:
            if step.step != skip:
                send(services, tenant, step.command)


def get(service: ServiceProcess, tenant: str, path: str, **params: Any) -> Any:
    """A query's answer, which must be 200."""
    headers = {"X-Tenant": tenant}
    reply = httpx.get(f"{service.url}{path}", params=params, headers=headers, timeout=30)
    assert reply.status_code == 200, reply.text
    return reply.json()


def caught_up(service: ServiceProcess, seconds: float = 60) -> None:
    """Wait until the service's consumer groups have read and acknowledged everything."""
    until(
        lambda: httpx.get(f"{service.url}/progress").json()["caught_up"],
        f"{service.module} to catch up with its streams",
        seconds,
    )


def serving(service: ServiceProcess, tenant: str, seconds: float = 10) -> None:
    """Wait until the service follows `tenant`'s streams (its consumer groups are reading)."""

    def following() -> bool:
        groups = httpx.get(f"{service.url}/progress").json()["groups"]
        return any(group["stream"].startswith(f"{{{tenant}}}:") for group in groups)

    until(following, f"{service.module} to serve tenant {tenant}", seconds)


def stream_events(redis_url: str, tenant: str, stream: str) -> list[dict[str, Any]]:
    """Every event on one of the tenant's streams, decoded."""
    with Redis.from_url(redis_url) as redis:
        entries = redis.xrange(stream_key(tenant, stream))
    return [orjson.loads(fields[b"__data__"]) for _, fields in entries]
