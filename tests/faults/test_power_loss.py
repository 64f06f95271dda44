"""A power cut simulated on a real Redis: under `appendfsync always` no acknowledged write is lost.

The embedded redis-server runs with a shim (`durable_offsets.c`, built here with the machine's C
compiler) that notes how much of the AOF each fsync made durable. Establishment takes org units
from six concurrent HR clients; mid-stream Redis is SIGKILLed and its AOF cut back to the last
durable size, which is what a power cut leaves of a file (the page cache is lost). Restarted on
that file, the log must hold every org unit that was answered 201, and still verify. Under
`everysec` the same cut does take writes away (the simulation is not a no-op), up to the last
second's (docs/RELIABILITY.md).
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import threading
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest
import redis
from bearer import speaking_for
from conftest import running
from waiting import until

from contracts.streams import ESTABLISHMENT_EVENTS, stream_key
from contracts.tenancy import ProvisionTenant
from eventlog.audit import stream_bodies, verify_stream
from eventlog.redis_server import find_redis_server, free_port, server_config
from eventlog.tenant_registry import TenantRegistry

if TYPE_CHECKING:
    from collections.abc import Iterator

pytestmark = [pytest.mark.faults, pytest.mark.redis]

SHIM = Path(__file__).with_name("durable_offsets.c")
CLIENTS = 6
ACKED_BEFORE_CUT = 200
TENANT = "powercut"


def _shim(folder: Path) -> Path:
    """The shim, compiled for this machine."""
    compiler = shutil.which("cc") or shutil.which("gcc")
    assert compiler, "a C compiler is needed to build the fsync shim"
    built = folder / "durable_offsets.so"
    subprocess.run(
        [compiler, "-shared", "-fPIC", "-O2", "-o", str(built), str(SHIM), "-ldl"], check=True
    )
    return built


class PoweredRedis:
    """A redis-server whose AOF can lose, as a power cut would, what no fsync made durable."""

    def __init__(self, folder: Path, appendfsync: str, shim: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.offsets = folder / "durable-offsets.txt"
        self.shim = shim
        folder.mkdir(parents=True)
        self.config = folder / "redis.conf"
        self.config.write_text(server_config(folder.resolve(), self.port, appendfsync))
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, *, shimmed: bool = True) -> None:
        env = {"LD_PRELOAD": str(self.shim), "DURABLE_OFFSETS": str(self.offsets)}
        self.process = subprocess.Popen(
            [find_redis_server(), str(self.config)], env=env if shimmed else {}
        )

        def answering() -> bool:
            try:
                with redis.Redis(port=self.port, socket_connect_timeout=0.2) as client:
                    return bool(client.ping())
            except (redis.ConnectionError, redis.BusyLoadingError):
                return False

        until(answering, "the redis-server to answer", 15)

    def cut_power(self) -> int:
        """SIGKILL the server and keep only the durable part of its AOF; bytes cut."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()
        aof = self.folder / "appendonly.aof"
        durable = [
            int(line.rsplit(" ", 1)[1])
            for line in self.offsets.read_text().splitlines()
            if line.rsplit(" ", 1)[0].endswith("/appendonly.aof")
        ]
        size = aof.stat().st_size
        kept = durable[-1] if durable else 0
        with aof.open("r+b") as file:
            file.truncate(kept)
        return size - kept

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def shim(tmp_path: Path) -> Path:
    return _shim(tmp_path)


@pytest.fixture
def powered(request: pytest.FixtureRequest, tmp_path: Path, shim: Path) -> Iterator[PoweredRedis]:
    server = PoweredRedis(tmp_path / "redis", request.param, shim)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def _hr_clients(url: str, stop: threading.Event, acked: list[str]) -> list[threading.Thread]:
    """Clients creating org units until `stop`; each id answered 201 goes into `acked`."""

    def create(worker: int) -> None:
        number = 0
        with httpx.Client(base_url=url, headers=speaking_for(TENANT), timeout=5) as client:
            while not stop.is_set():
                number += 1
                unit = f"u{worker}-{number}"
                body = {"org_unit_id": unit, "name": unit, "effective_date": "2020-04-01"}
                try:
                    if client.post("/org-units", json=body).status_code == 201:
                        acked.append(unit)
                except httpx.HTTPError:
                    continue

    return [threading.Thread(target=create, args=(worker,)) for worker in range(CLIENTS)]


async def _recorded(url: str) -> tuple[set[str], bool]:
    """The org units establishment's log holds, and whether its chain verifies."""
    client = redis.asyncio.Redis.from_url(url)
    try:
        key = stream_key(TENANT, ESTABLISHMENT_EVENTS)
        units = {body["payload"]["org_unit_id"] for _, body in await stream_bodies(client, key)}
        return units, (await verify_stream(client, TENANT, ESTABLISHMENT_EVENTS)).ok
    finally:
        await client.aclose()


async def _cut_mid_stream(
    powered: PoweredRedis, tmp_path: Path, system: str
) -> tuple[set[str], set[str], int]:
    """Acknowledged and recorded org units, and the AOF bytes cut, after a power cut."""
    client = redis.asyncio.Redis.from_url(powered.url)
    await TenantRegistry(client, system=system).provision(ProvisionTenant(tenant=TENANT))
    await client.aclose()
    acked: list[str] = []
    stop = threading.Event()
    with running("services.establishment", powered.url, tmp_path / "e.log", system) as service:
        threads = _hr_clients(service.url, stop, acked)
        for thread in threads:
            thread.start()
        until(lambda: len(acked) >= ACKED_BEFORE_CUT, "HR's org units to be recorded", 60)
        cut = powered.cut_power()
        stop.set()
        for thread in threads:
            thread.join()
        answered = set(acked)
    powered.start(shimmed=False)
    recorded, verified = await _recorded(powered.url)
    assert verified
    return answered, recorded, cut


@pytest.mark.parametrize("powered", ["always"], indirect=True)
async def test_a_power_cut_under_always_loses_no_acknowledged_write(
    powered: PoweredRedis, tmp_path: Path, system: str
) -> None:
    """Every org unit answered 201 before the cut is in the log after it; the chain verifies."""
    answered, recorded, _ = await _cut_mid_stream(powered, tmp_path, system)
    assert len(answered) >= ACKED_BEFORE_CUT
    assert answered - recorded == set()


@pytest.mark.parametrize("powered", ["everysec"], indirect=True)
async def test_the_same_cut_under_everysec_takes_unsynced_writes_away(
    powered: PoweredRedis, tmp_path: Path, system: str
) -> None:
    """The simulation bites: under everysec the cut removes written but unsynced AOF bytes."""
    answered, _, cut = await _cut_mid_stream(powered, tmp_path, system)
    assert cut > 0
    assert len(answered) >= ACKED_BEFORE_CUT
