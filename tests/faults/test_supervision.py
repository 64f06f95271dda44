"""`estab up` supervises its stack: a killed service, or the embedded Redis, comes back by
itself, `estab status` shows it, and stopping `estab up` stops everything it started."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from functools import partial
from typing import TYPE_CHECKING, Any

import pytest
from driving import estab
from waiting import until

from cli.status_file import STATUS_FILE, read_status
from cli.supervisor import free_port_offset

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

pytestmark = [pytest.mark.e2e, pytest.mark.redis]


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], Path]]:
    """`estab up` running in its own process on a fresh data directory, until the test ends."""
    data = tmp_path / "data"
    output = (tmp_path / "up.log").open("wb")
    up = subprocess.Popen(
        [sys.executable, "-m", "cli", "up", "--data-dir", str(data), "--port-offset",
         str(free_port_offset())],
        stdout=output,
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        until(lambda: _all_healthy(data), lambda: _said(tmp_path), 90)
        yield up, data
    finally:
        if up.poll() is None:
            up.kill()
            up.wait()
        output.close()


def _said(tmp_path: Path) -> str:
    return "the stack to be healthy:\n" + (tmp_path / "up.log").read_text()[-3000:]


def _all_healthy(data: Path) -> bool:
    return (data / STATUS_FILE).exists() and estab(
        "status", "--data-dir", str(data)
    ).returncode == 0


def _process(data: Path, name: str) -> dict[str, Any]:
    status = read_status(data)
    assert status is not None
    found: dict[str, Any] = status["processes"][name]
    return found


def _restarted(data: Path, name: str, old_pid: int) -> bool:
    now = _process(data, name)
    return now["restarts"] == 1 and now["pid"] not in {None, old_pid} and _all_healthy(data)


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_a_killed_service_and_redis_are_restarted_and_stop_with_the_stack(
    stack: tuple[subprocess.Popen[bytes], Path],
) -> None:
    """SIGKILL finance, then Redis: each is restarted and healthy again, `estab status` counts
    the restarts; SIGTERM to `estab up` then leaves no process of the stack running."""
    up, data = stack
    for name in ("finance", "redis"):
        old: int = _process(data, name)["pid"]
        os.kill(old, signal.SIGKILL)
        until(partial(_restarted, data, name, old), f"{name} to come back", 90)
    shown = estab("status", "--data-dir", str(data))
    assert shown.returncode == 0, shown.stdout + shown.stderr
    lines = {line.split()[0]: " ".join(line.split()) for line in shown.stdout.splitlines()}
    assert "restarts 1 last exit -9 health ok" in lines["finance"]
    assert "restarts 0" in lines["establishment"]
    assert "restarts 1 last exit -9" in lines["redis"]
    status = read_status(data)
    assert status is not None
    pids = [item["pid"] for item in status["processes"].values()]
    up.send_signal(signal.SIGTERM)
    assert up.wait(timeout=60) == 0
    until(lambda: all(_gone(pid) for pid in pids), "every process of the stack to stop", 30)
    assert not (data / STATUS_FILE).exists()
    assert status["supervisor_pid"] == up.pid
