"""Driving running services the way HR and finance systems do: HTTP calls, and waiting (with a
deadline, never a bare sleep) until a consumer has read everything it consumes."""

from __future__ import annotations

import os
import subprocess
import sys
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

import httpx
import orjson
from bearer import auth, speaking_for
from redis import Redis
from waiting import until, until_async

from contracts.streams import stream_key
from scenarios.loader import bundled_scenario, http_request, load_scenario, service_of

if TYPE_CHECKING:
    from collections.abc import AsyncIterator
    from pathlib import Path

    from conftest import ServiceProcess
    from fastapi import FastAPI

Services = dict[str, "ServiceProcess"]


def send(services: Services, tenant: str, command: dict[str, Any]) -> Any:
    """Record one command through the service that owns it; return its answer."""
    method, path, body = http_request(command)
    url = services[service_of(command)].url
    reply = httpx.request(method, f"{url}{path}", json=body, headers=speaking_for(tenant))
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
    headers = speaking_for(tenant)
    reply = httpx.get(f"{service.url}{path}", params=params, headers=headers, timeout=30)
    assert reply.status_code == 200, reply.text
    return reply.json()


def caught_up(service: ServiceProcess, seconds: float = 60) -> None:
    """Wait until the service's consumer groups have read and acknowledged everything."""
    until(
        lambda: httpx.get(f"{service.url}/progress", headers=auth()).json()["caught_up"],
        f"{service.module} to catch up with its streams",
        seconds,
    )


def serving(service: ServiceProcess, tenant: str, seconds: float = 10) -> None:
    """Wait until the service follows `tenant`'s streams (its consumer groups are reading)."""

    def following() -> bool:
        groups = httpx.get(f"{service.url}/progress", headers=auth()).json()["groups"]
        return any(group["stream"].startswith(f"{{{tenant}}}:") for group in groups)

    until(following, f"{service.module} to serve tenant {tenant}", seconds)


def stream_events(redis_url: str, tenant: str, stream: str) -> list[dict[str, Any]]:
    """Every event on one of the tenant's streams, decoded."""
    with Redis.from_url(redis_url) as redis:
        entries = redis.xrange(stream_key(tenant, stream))
    return [orjson.loads(fields[b"__data__"]) for _, fields in entries]


def estab(
    *args: str, timeout: float = 300, unset: tuple[str, ...] = ()
) -> subprocess.CompletedProcess[str]:
    """The `estab` command run as a newcomer runs it: its own process, plain wide output.

    `unset` names environment variables the newcomer would not have (the session's tokens file).
    """
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    for name in unset:
        env.pop(name, None)
    return subprocess.run(
        [sys.executable, "-m", "cli", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        check=False,
    )


def _keys(redis: Redis, tenant: str) -> list[bytes]:
    """Every key of the tenant, and the system's own (the tenant registry)."""
    found = [*redis.keys(f"{{{tenant}}}:*"), *redis.keys("{_system}:*")]
    return sorted(key if isinstance(key, bytes) else key.encode() for key in found)


def stream_lengths(redis_url: str, tenant: str) -> dict[bytes, int]:
    """The length of every stream of the tenant and of the tenant registry."""
    with Redis.from_url(redis_url) as redis:
        return {
            key: redis.xlen(key) for key in _keys(redis, tenant) if redis.type(key) == b"stream"
        }


def tenant_text(redis_url: str, tenant: str) -> str:
    """Everything Redis holds for the tenant (and the registry), decoded, in one string."""
    parts: list[bytes] = []
    with Redis.from_url(redis_url) as redis:
        for key in _keys(redis, tenant):
            kind = redis.type(key)
            if kind == b"stream":
                parts += [value for _, fields in redis.xrange(key) for value in fields.values()]
            elif kind == b"hash":
                parts += [item for pair in redis.hgetall(key).items() for item in pair]
            elif kind == b"string":
                parts.append(redis.get(key) or b"")
            elif kind in {b"set", b"zset", b"list"}:
                members = (
                    redis.smembers(key)
                    if kind == b"set"
                    else redis.zrange(key, 0, -1)
                    if kind == b"zset"
                    else redis.lrange(key, 0, -1)
                )
                parts += list(members)
    return b"\n".join(parts).decode(errors="replace")


def _stack_options(services: Services, data_dir: Path) -> list[str]:
    """The URL options that point a CLI command at `services`, and its data directory."""
    return [
        "--url",
        services["establishment"].url,
        "--grading-url",
        services["grading"].url,
        "--recruitment-url",
        services["recruitment"].url,
        "--data-dir",
        str(data_dir),
    ]


def estab_import(
    services: Services, tenant: str, as_of: str, files: list[Path], data_dir: Path, *extra: str
) -> subprocess.CompletedProcess[str]:
    """`estab import FILES... --tenant T --as-of D` against `services`, as a newcomer runs it."""
    paths = [str(path) for path in files]
    options = _stack_options(services, data_dir)
    return estab("import", *paths, "--tenant", tenant, "--as-of", as_of, *options, *extra)


def estab_load(
    services: Services, tenant: str, names: list[str], data_dir: Path
) -> subprocess.CompletedProcess[str]:
    """`estab load FILES... --tenant T` of bundled scenarios against `services`."""
    paths = [str(bundled_scenario(name)) for name in names]
    options = [*_stack_options(services, data_dir), "--finance-url", services["finance"].url]
    return estab("load", *paths, "--tenant", tenant, *options)


@asynccontextmanager
async def in_process(app: FastAPI, tenant: str | None = None) -> AsyncIterator[httpx.AsyncClient]:
    """A service app run in this process, lifespan and all, and a client speaking for `tenant`."""
    headers = speaking_for(tenant) if tenant else auth()
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://service", headers=headers, timeout=60
        ) as client:
            yield client


async def caught_up_in_process(client: httpx.AsyncClient, seconds: float = 60) -> None:
    """`caught_up` for a service run `in_process`."""

    async def done() -> bool:
        return bool((await client.get("/progress")).json()["caught_up"])

    await until_async(done, "the in-process service to catch up with its streams", seconds)
