"""The stack a soak runs against: `estab up` itself, so its supervision restarts what is killed.

Started as a newcomer starts it (its own process, a fresh data directory, ports offset so a demo
can run beside it); the soak reads the URLs, token and Redis login from the data directory as
the CLI does, and the processes' pids from the supervisor's status file.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from typing import TYPE_CHECKING

import httpx

from cli.credentials import bearer
from cli.stack_file import read_stack
from cli.status_file import read_status

if TYPE_CHECKING:
    from pathlib import Path

START_SECONDS = 120.0
PORT_OFFSET = 600


class SoakStackError(RuntimeError):
    """`estab up` exited, or never served."""


class SoakStack:
    """`estab up` on a data directory, and what the soak needs to know of it."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Start `estab up` and wait until every service answers /health."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        command = [sys.executable, "-m", "cli", "up", "--data-dir", str(self.data_dir)]
        with (self.data_dir / "estab-up.log").open("ab") as log:
            self.process = subprocess.Popen(
                [*command, "--port-offset", str(PORT_OFFSET)], stdout=log, stderr=log
            )
        deadline = time.monotonic() + START_SECONDS
        while not self.serving():
            if self.process.poll() is not None or time.monotonic() > deadline:
                tail = (self.data_dir / "estab-up.log").read_text(errors="replace")[-2000:]
                raise SoakStackError(f"estab up did not start:\n{tail}")
            time.sleep(0.2)

    def serving(self) -> bool:
        """Whether every service of the stack answers /health now."""
        stack = read_stack(self.data_dir)
        if stack is None or read_status(self.data_dir) is None:
            return False
        try:
            return all(
                httpx.get(f"{url}/health", timeout=1).status_code == 200
                for url in stack.services.values()
            )
        except httpx.HTTPError:
            return False

    @property
    def urls(self) -> dict[str, str]:
        """Each service's base URL."""
        stack = read_stack(self.data_dir)
        assert stack is not None
        return dict(stack.services)

    @property
    def redis_url(self) -> str:
        """The operator's Redis URL (stack.json)."""
        stack = read_stack(self.data_dir)
        assert stack is not None
        return stack.redis_url

    def headers(self, tenant: str) -> dict[str, str]:
        """The admin token and the tenant, as the CLI sends them."""
        return {**bearer(self.data_dir), "X-Tenant": tenant}

    def pids(self) -> dict[str, int]:
        """Each supervised process's pid, Redis included, as the supervisor last recorded."""
        status = read_status(self.data_dir) or {"processes": {}}
        return {name: item["pid"] for name, item in status["processes"].items() if item["pid"]}

    def restarts(self) -> dict[str, int]:
        """How often the supervisor has restarted each process."""
        status = read_status(self.data_dir) or {"processes": {}}
        return {name: int(item["restarts"]) for name, item in status["processes"].items()}

    def stop(self) -> int:
        """Stop `estab up` as Ctrl-C does; its exit code."""
        if self.process is None or self.process.poll() is not None:
            return self.process.returncode if self.process else 0
        self.process.send_signal(signal.SIGINT)
        return self.process.wait(timeout=60)
