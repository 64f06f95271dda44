"""One real Redis for the whole session, and a fresh tenant per test so tests never share state.

`ESTAB_TEST_REDIS_URL` points the suite at an existing server instead (CI with a Redis service).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from uuid import uuid4

import httpx
import orjson
import pytest
from grade_catalogue import record_catalogue
from redis.asyncio import Redis
from waiting import until

from contracts.tenancy import ProvisionTenant
from eventlog.audit import stream_bodies
from eventlog.redis_server import EmbeddedRedis, free_port
from eventlog.settings import Settings
from eventlog.tenant_registry import TenantRegistry
from eventlog.token_file import TOKENS_ENV, ensure_tokens

SESSION_TOKENS = pytest.StashKey[Path]()


def pytest_configure(config: pytest.Config) -> None:
    """One tokens file for the session, named in the environment every service and CLI reads."""
    if not os.environ.get(TOKENS_ENV):
        path = Path(tempfile.mkdtemp(prefix="estab-tokens-")) / "tokens.json"
        ensure_tokens(path)
        os.environ[TOKENS_ENV] = str(path)
        config.stash[SESSION_TOKENS] = path


def pytest_unconfigure(config: pytest.Config) -> None:
    """Remove the session's tokens file."""
    path = config.stash.get(SESSION_TOKENS, None)
    if path is not None:
        shutil.rmtree(path.parent, ignore_errors=True)
        del os.environ[TOKENS_ENV]


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A Redis started by the suite (AOF on, in a temporary data directory)."""
    existing = os.environ.get("ESTAB_TEST_REDIS_URL")
    if existing:
        yield existing
        return
    with EmbeddedRedis(tmp_path_factory.mktemp("redis-data")) as server:
        yield server.url


@pytest.fixture
async def redis(redis_url: str) -> AsyncIterator[Redis]:
    """A client on the suite's Redis."""
    client = Redis.from_url(redis_url)
    try:
        yield client
    finally:
        await client.aclose()


@pytest.fixture
def system() -> str:
    """This test's own tenant registry namespace (`ESTAB_SYSTEM`), so the services a test starts
    serve only the tenants it provisions, not every tenant the session has made."""
    return f"_t{uuid4().hex[:12]}"


@pytest.fixture
def registry(redis: Redis, system: str) -> TenantRegistry:
    """This test's tenant registry."""
    return TenantRegistry(redis, system=system)


async def provision(registry: TenantRegistry, tenant: str, **policy: Any) -> str:
    """Record `tenant` in the registry (every service following it then serves the tenant)."""
    await registry.provision(ProvisionTenant(tenant=tenant, **policy))
    return tenant


@pytest.fixture
async def tenant(registry: TenantRegistry) -> str:
    """A provisioned tenant no other test uses."""
    return await provision(registry, f"t-{uuid4().hex[:12]}")


@pytest.fixture
def settings(redis_url: str, system: str) -> Callable[[str], Settings]:
    """Settings of an in-process service on the suite's Redis and this test's registry."""

    def of(service: str) -> Settings:
        return Settings(service=service, redis_url=redis_url, system=system)

    return of


@pytest.fixture
async def with_catalogue(redis: Redis, tenant: str) -> None:
    """The bundled NJC grade catalogue recorded in `tenant`'s grading stream (posts need grades)."""
    await record_catalogue(redis, tenant)


class ServiceProcess:
    """A service started as its own process, exactly as `estab up` starts it."""

    def __init__(self, module: str, redis_url: str, log: Path, system: str) -> None:
        self.module = module
        self.redis_url = redis_url
        self.log = log
        self.system = system
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        env = {
            **os.environ,
            "ESTAB_REDIS_URL": self.redis_url,
            "ESTAB_PORT": str(self.port),
            "ESTAB_RECLAIM_IDLE_MS": "300",
            "ESTAB_SYSTEM": self.system,
            "ESTAB_LOG_JSON": "true",
        }
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", self.module], env=env, stdout=out, stderr=out
            )

        def healthy() -> bool:
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.module} exited:\n{self.log.read_text()[-3000:]}")
            try:
                return httpx.get(f"{self.url}/health", timeout=1).status_code == 200
            except httpx.HTTPError:
                return False

        until(healthy, lambda: f"{self.module} to be healthy:\n{self.log.read_text()[-3000:]}", 30)

    def kill(self) -> None:
        """SIGKILL: no shutdown, no acks, nothing flushed by the service."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self) -> int:
        """SIGTERM and wait for a clean exit; return the exit code."""
        if self.process is None or self.process.poll() is not None:
            return self.process.returncode if self.process else 0
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=20)


@contextmanager
def running(module: str, redis_url: str, log: Path, system: str) -> Iterator[ServiceProcess]:
    """`module` started as its own process (serving the test's tenants), then stopped."""
    service = ServiceProcess(module, redis_url, log, system)
    service.start()
    try:
        yield service
    finally:
        service.stop()


@pytest.fixture
def establishment_service(
    redis_url: str, tenant: str, system: str, tmp_path: Path
) -> Iterator[ServiceProcess]:
    """The establishment service in its own process, consuming `tenant`'s command stream."""
    with running("services.establishment", redis_url, tmp_path / "svc.log", system) as service:
        yield service


@pytest.fixture
def grading_service(
    redis_url: str, tenant: str, system: str, tmp_path: Path
) -> Iterator[ServiceProcess]:
    """The grading service in its own process, consuming `tenant`'s establishment events."""
    with running("services.grading", redis_url, tmp_path / "grading.log", system) as service:
        yield service


@pytest.fixture
def recruitment_service(
    redis_url: str, tenant: str, system: str, tmp_path: Path
) -> Iterator[ServiceProcess]:
    """The recruitment service in its own process, consuming `tenant`'s establishment events."""
    with running("services.recruitment", redis_url, tmp_path / "recruit.log", system) as service:
        yield service


@pytest.fixture
def finance_service(
    redis_url: str, tenant: str, system: str, tmp_path: Path
) -> Iterator[ServiceProcess]:
    """The finance service in its own process, consuming `tenant`'s establishment and grading."""
    with running("services.finance", redis_url, tmp_path / "finance.log", system) as service:
        yield service


Tamper = Callable[[str, int, Callable[[dict[str, Any]], None]], Awaitable[tuple[str, str]]]


@pytest.fixture
def tamper(redis: Redis) -> Tamper:
    """Edit one stored event in place, as an attacker with write access to Redis would.

    Returns (entry id, event id) of the edited entry; every other entry keeps its id and body.
    """

    async def edit(
        key: str, index: int, change: Callable[[dict[str, Any]], None]
    ) -> tuple[str, str]:
        entries = await stream_bodies(redis, key)
        target_id, body = entries[index]
        change(body)
        await redis.delete(key)
        for entry_id, original in entries:
            value = body if entry_id == target_id else original
            await redis.xadd(key, {"__data__": orjson.dumps(value)}, id=entry_id)
        return target_id, str(body["event_id"])

    return edit


@pytest.fixture
def services(
    establishment_service: ServiceProcess,
    grading_service: ServiceProcess,
    recruitment_service: ServiceProcess,
    finance_service: ServiceProcess,
) -> dict[str, ServiceProcess]:
    """All four services, each in its own process, by name (what `driving.send` routes by)."""
    return {
        "establishment": establishment_service,
        "grading": grading_service,
        "recruitment": recruitment_service,
        "finance": finance_service,
    }
