"""Run Redis and the services as child processes, wait until each is healthy, stop them cleanly.

`estab up` is what a newcomer runs first, so failures must explain themselves: a port in use, a
service that exits at start (its log tail is shown), or one that never turns healthy.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

import httpx

from cli.credentials import tokens_path
from contracts.decisions import DomainError
from eventlog.redis_server import EmbeddedRedis, free_port_run
from eventlog.redis_user_file import USERS_FILE, ensure_passwords, user_url
from eventlog.signing_keys import (
    KEYS_FOLDER,
    SIGNING_KEY_ENV,
    ensure_signing_key,
    load_signer,
    use_signer,
)
from eventlog.snapshots import KEY_ENV
from eventlog.tenant_registry import provision_at
from eventlog.token_file import TOKENS_ENV, ensure_tokens

if TYPE_CHECKING:
    from pathlib import Path

    from contracts.tenancy import ProvisionTenant

HEALTH_SECONDS = 60.0
STOP_SECONDS = 15.0
SNAPSHOT_KEY_FILE = "snapshot.key"
"""In the data directory: the key the services sign their projection snapshots with."""


@dataclass(frozen=True, slots=True)
class ServiceSpec:
    """One service process: its name, module and HTTP port."""

    name: str
    module: str
    port: int

    def url(self, host: str) -> str:
        """Base URL of the service's HTTP API."""
        return f"http://{host}:{self.port}"


SERVICES = (
    ServiceSpec("establishment", "services.establishment", 8101),
    ServiceSpec("grading", "services.grading", 8102),
    ServiceSpec("recruitment", "services.recruitment", 8103),
    ServiceSpec("finance", "services.finance", 8104),
)
"""Every service built so far, in start order."""


def free_port_offset() -> int:
    """A `--port-offset` under which every service's port is free now (a second stack's)."""
    return free_port_run(len(SERVICES)) - SERVICES[0].port


def snapshot_key(data_dir: Path) -> str:
    """The data directory's snapshot key: 64 random hex digits, made once, readable by us only.

    Every service started on this data directory signs and checks its snapshots with it, so a
    restart warm-starts from them (`eventlog.snapshots`).
    """
    path = data_dir / SNAPSHOT_KEY_FILE
    try:
        made = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    key = secrets.token_hex(32)
    with os.fdopen(made, "w") as out:
        out.write(key + "\n")
    return key


class Durability(StrEnum):
    """How the embedded Redis syncs its append-only file (docs/RELIABILITY.md).

    `everysec`: an acknowledged write survives a crash of any process, but a power cut may lose
    the last second of writes. `always`: each write is on disk before it is acknowledged.
    """

    EVERYSEC = "everysec"
    ALWAYS = "always"


class StartupError(RuntimeError):
    """A part of the system could not be started; the message says what to do."""


def port_in_use(host: str, port: int) -> bool:
    """Whether something already listens on `host:port`."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(0.2)
        return probe.connect_ex((host, port)) == 0


@dataclass
class Stack:
    """Redis (embedded unless a URL is given) and the service processes."""

    data_dir: Path
    tenants: list[ProvisionTenant]
    redis_url: str | None = None
    host: str = "127.0.0.1"
    port_offset: int = 0
    durability: Durability = Durability.EVERYSEC
    redis: EmbeddedRedis | None = None
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    environments: dict[str, dict[str, str]] = field(default_factory=dict)
    """Each service's environment, kept so a restart starts it exactly as before."""

    @property
    def tokens_file(self) -> Path:
        """The bearer tokens of this stack's services (made on first start, then kept)."""
        return tokens_path(self.data_dir)

    def services(self) -> list[ServiceSpec]:
        """The services with this stack's ports."""
        return [
            ServiceSpec(spec.name, spec.module, spec.port + self.port_offset) for spec in SERVICES
        ]

    def start(self) -> str:
        """Start Redis, provision the tenants, start the services; return the Redis URL.

        Returns once every service answers /health.
        """
        self.data_dir.mkdir(parents=True, exist_ok=True)
        for spec in self.services():
            if port_in_use(self.host, spec.port):
                raise StartupError(
                    f"port {spec.port} ({spec.name}) is already in use: is another `estab up` "
                    "running? Stop it, or pass --port-offset"
                )
        url = self.redis_url
        logins: dict[str, str] = {}
        if url is None:
            folder = self.data_dir / "redis"
            passwords = ensure_passwords(folder / USERS_FILE)
            self.redis = EmbeddedRedis(folder, appendfsync=self.durability.value, users=passwords)
            url = self.redis.start()
            logins = {
                spec.name: user_url(self.redis.address, spec.name, passwords[spec.name])
                for spec in self.services()
            }
        keys = self.data_dir / KEYS_FOLDER
        registry_key = ensure_signing_key(keys, "establishment")
        use_signer(load_signer(registry_key, "establishment"))
        try:
            asyncio.run(provision_at(url, *self.tenants))
        except DomainError as error:
            raise StartupError(f"could not provision the tenants: {error.detail}") from None
        finally:
            use_signer(None)
        (self.data_dir / "logs").mkdir(exist_ok=True)
        key = os.environ.get(KEY_ENV) or snapshot_key(self.data_dir)
        tokens = self.tokens_file
        ensure_tokens(tokens)
        for spec in self.services():
            self.environments[spec.name] = {
                **os.environ,
                SIGNING_KEY_ENV: str(ensure_signing_key(keys, spec.name).resolve()),
                "ESTAB_REDIS_URL": logins.get(spec.name, url),
                "ESTAB_PORT": str(spec.port),
                "ESTAB_HOST": self.host,
                "ESTAB_LOG_JSON": "true",
                KEY_ENV: key,
                TOKENS_ENV: str(tokens.resolve()),
            }
            self.spawn(spec.name)
        for spec in self.services():
            self._wait_healthy(spec, self.log_of(spec.name))
        return url

    def log_of(self, name: str) -> Path:
        """Where a service's output goes (appended to across restarts)."""
        return self.data_dir / "logs" / f"{name}.log"

    def spawn(self, name: str) -> subprocess.Popen[bytes]:
        """Start (or start again) the service `name` as it was first started."""
        spec = next(spec for spec in self.services() if spec.name == name)
        with self.log_of(name).open("ab") as log:
            process = subprocess.Popen(  # noqa: S603 - our own module
                [sys.executable, "-m", spec.module],
                env=self.environments[name],
                stdout=log,
                stderr=log,
            )
        self.processes[name] = process
        return process

    def _wait_healthy(self, spec: ServiceSpec, log: Path) -> None:
        deadline = time.monotonic() + HEALTH_SECONDS
        process = self.processes[spec.name]
        last = "no answer yet"
        while time.monotonic() < deadline:
            if process.poll() is not None:
                tail = log.read_text(errors="replace")[-3000:]
                raise StartupError(f"{spec.name} exited with {process.returncode}:\n{tail}")
            try:
                reply = httpx.get(f"{spec.url(self.host)}/health", timeout=1.0)
                if reply.status_code == 200:  # noqa: PLR2004 - HTTP OK
                    return
                last = reply.text
            except httpx.HTTPError as error:
                last = str(error)
            time.sleep(0.1)
        raise StartupError(f"{spec.name} did not become healthy in {HEALTH_SECONDS:.0f}s: {last}")

    def stop(self) -> None:
        """SIGTERM every service (they finish in-flight work and ack), then stop Redis."""
        for process in self.processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=STOP_SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.processes.clear()
        if self.redis is not None:
            self.redis.stop()
            self.redis = None
