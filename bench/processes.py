"""The stack a scale benchmark measures: embedded Redis and the four services as processes.

Started as `estab up` starts them (cli.supervisor's service list, one process each, JSON logs in
the data directory, a snapshot key), on free ports, serving one provisioned tenant. Unlike
`estab up` it can restart one service, with its snapshots or without, and time it until it
serves again, start a bare copy of a service that
serves no tenant (what starting costs before any replay), and read each process's RSS. A
service that exits, or never turns ready, stops the benchmark with its log's tail.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from cli.credentials import bearer
from cli.supervisor import SERVICES, ServiceSpec
from contracts.tenancy import ProvisionTenant
from eventlog.redis_server import EmbeddedRedis, free_port
from eventlog.tenant_registry import provision_at
from eventlog.token_file import TOKENS_ENV, TOKENS_FILE, ensure_tokens

SNAPSHOT_KEY = "ESTAB_SNAPSHOT_KEY"
SNAPSHOT_EVERY = "ESTAB_SNAPSHOT_EVERY"
"""The services' snapshot settings (eventlog/snapshots.py): a key turns them on, as `estab up`
does; without one a service replays its whole log."""
SYSTEM = "_bench"
"""The tenant registry the stack serves."""
BARE_SYSTEM = "_bench_bare"
"""A registry with no tenants: a service following it replays nothing."""
READY_SECONDS = 600.0
STOP_SECONDS = 30.0
POLL_SECONDS = 0.01
HOST = "127.0.0.1"


class StackError(RuntimeError):
    """The stack failed: a service exited, or never became ready."""


class BenchStack:
    """Redis and the services, each restartable and measurable by name."""

    def __init__(self, data_dir: Path, tenant: str, snapshot_every: int | None = None) -> None:
        self.data_dir = data_dir
        self.tenant = tenant
        self.snapshot_key = secrets.token_hex(32)
        self.snapshot_every = snapshot_every
        self.redis = EmbeddedRedis(data_dir / "redis")
        self.specs = {
            spec.name: ServiceSpec(spec.name, spec.module, free_port()) for spec in SERVICES
        }
        self.processes: dict[str, subprocess.Popen[bytes]] = {}
        self.logs = data_dir / "logs"
        self.tokens = data_dir / TOKENS_FILE

    @property
    def access(self) -> dict[str, str]:
        """The admin token's Authorization header (the tokens file exists once started)."""
        return bearer(self.data_dir)

    @property
    def redis_url(self) -> str:
        """Where Redis listens."""
        return self.redis.url

    def urls(self) -> dict[str, str]:
        """Each service's base URL, by name."""
        return {name: spec.url(HOST) for name, spec in self.specs.items()}

    def start(self) -> None:
        """Start Redis, provision the tenant, start every service and wait until each is ready."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.logs.mkdir(exist_ok=True)
        ensure_tokens(self.tokens)
        self.redis.start()
        asyncio.run(
            provision_at(self.redis_url, ProvisionTenant(tenant=self.tenant), system=SYSTEM)
        )
        for name in self.specs:
            self.processes[name] = self._spawn(self.specs[name], SYSTEM)
        for name in self.specs:
            self.wait_ready(name)

    def _spawn(
        self, spec: ServiceSpec, system: str, *, snapshots: bool = True
    ) -> subprocess.Popen[bytes]:
        env = {
            **os.environ,
            "ESTAB_REDIS_URL": self.redis_url,
            "ESTAB_PORT": str(spec.port),
            "ESTAB_HOST": HOST,
            "ESTAB_SYSTEM": system,
            "ESTAB_LOG_JSON": "true",
            TOKENS_ENV: str(self.tokens),
        }
        env.pop(SNAPSHOT_KEY, None)
        if snapshots:
            env[SNAPSHOT_KEY] = self.snapshot_key
            if self.snapshot_every is not None:
                env[SNAPSHOT_EVERY] = str(self.snapshot_every)
        with (self.logs / f"{spec.name}.log").open("ab") as log:
            return subprocess.Popen(
                [sys.executable, "-m", spec.module], env=env, stdout=log, stderr=log
            )

    def _tail(self, name: str, chars: int = 3000) -> str:
        return (self.logs / f"{name}.log").read_text(errors="replace")[-chars:]

    def tails(self, chars: int = 1500) -> str:
        """The end of every service's log, for a failure report."""
        return "\n".join(f"--- {name}.log:\n{self._tail(name, chars)}" for name in self.specs)

    def check_alive(self) -> None:
        """Raise StackError naming any service that has exited."""
        for name, process in self.processes.items():
            if process.poll() is not None:
                raise StackError(f"{name} exited with {process.returncode}:\n{self._tail(name)}")

    def _ready(self, url: str, process: subprocess.Popen[bytes], name: str) -> bool:
        if process.poll() is not None:
            raise StackError(f"{name} exited with {process.returncode}:\n{self._tail(name)}")
        try:
            if httpx.get(f"{url}/health", timeout=5).status_code != 200:
                return False
            progress = httpx.get(f"{url}/progress", headers=self.access, timeout=5)
            return bool(progress.json()["caught_up"])
        except httpx.HTTPError:
            return False

    def wait_ready(self, name: str, seconds: float = READY_SECONDS) -> None:
        """Wait until `name` answers /health and /progress says it has caught up."""
        deadline = time.monotonic() + seconds
        url = self.specs[name].url(HOST)
        while not self._ready(url, self.processes[name], name):
            if time.monotonic() > deadline:
                raise StackError(f"{name} was not ready in {seconds:.0f} s:\n{self._tail(name)}")
            time.sleep(POLL_SECONDS)

    def stop_service(self, name: str) -> None:
        """SIGTERM one service and wait for it to exit."""
        process = self.processes.pop(name)
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=STOP_SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def restart(self, name: str, *, snapshots: bool) -> float:
        """Stop `name` and start it on the full log; seconds until it is ready again.

        With `snapshots` it may warm-start from them; without, it replays its whole log.
        """
        self.stop_service(name)
        began = time.perf_counter()
        self.processes[name] = self._spawn(self.specs[name], SYSTEM, snapshots=snapshots)
        self.wait_ready(name)
        return time.perf_counter() - began

    def bare_start(self, name: str) -> tuple[float, int]:
        """(seconds to ready, RSS bytes) of a copy of `name` that serves no tenant."""
        spec = self.specs[name]
        bare = ServiceSpec(f"{name}-bare", spec.module, free_port())
        began = time.perf_counter()
        process = self._spawn(bare, BARE_SYSTEM, snapshots=False)
        try:
            while not self._ready(bare.url(HOST), process, bare.name):
                if time.perf_counter() - began > READY_SECONDS:
                    raise StackError(f"{bare.name} was not ready:\n{self._tail(bare.name)}")
                time.sleep(POLL_SECONDS)
            return time.perf_counter() - began, rss(process.pid)
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=STOP_SECONDS)

    def rss(self, name: str) -> int:
        """Resident memory of the running service `name`, in bytes."""
        return rss(self.processes[name].pid)

    def cpu(self) -> dict[str, float]:
        """CPU seconds each running process (the services, Redis, this one) has used so far."""
        found = {name: cpu_seconds(process.pid) for name, process in self.processes.items()}
        if self.redis.process is not None:
            found["redis"] = cpu_seconds(self.redis.process.pid)
        found["this benchmark"] = cpu_seconds(os.getpid())
        return found

    def stop(self) -> None:
        """Stop every service, then Redis."""
        for name in list(self.processes):
            self.stop_service(name)
        self.redis.stop()


def rss(pid: int) -> int:
    """Resident set size of process `pid` in bytes, from /proc (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise StackError(f"no VmRSS for process {pid}")


def cpu_seconds(pid: int) -> float:
    """User and system CPU seconds process `pid` has used, from /proc (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
