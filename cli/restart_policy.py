"""When `estab up` restarts a process that died: at once the first time, then backing off.

Pure: the supervisor passes the time. A process that stayed up for `STEADY_SECONDS` is counted as
healthy again, so one crash after hours of service restarts it within a second, while one that
dies at every start is retried ever more slowly (at most every `BACKOFF[-1]` seconds) instead of
spinning.
"""

from __future__ import annotations

from dataclasses import dataclass

BACKOFF = (1.0, 2.0, 4.0, 8.0, 16.0, 30.0)
"""Seconds to wait before the first, second, ... restart in a row."""
STEADY_SECONDS = 60.0


@dataclass(slots=True)
class Supervised:
    """One supervised process's history as the supervisor keeps it."""

    name: str
    pid: int | None = None
    started_at: float = 0.0
    restarts: int = 0
    failures: int = 0
    """Exits in a row, each within STEADY_SECONDS of its start."""
    last_exit: int | None = None
    restart_at: float | None = None
    """When it is due to be started again (None: it is running)."""

    def started(self, pid: int, now: float) -> None:
        """It is running again as `pid`."""
        self.pid = pid
        self.started_at = now
        self.restart_at = None

    def exited(self, code: int, now: float) -> float:
        """It exited with `code`; schedule its restart and return the wait in seconds."""
        self.failures = 1 if now - self.started_at >= STEADY_SECONDS else self.failures + 1
        self.last_exit = code
        self.pid = None
        wait = BACKOFF[min(self.failures, len(BACKOFF)) - 1]
        self.restart_at = now + wait
        return wait

    def due(self, now: float) -> bool:
        """Whether it is waiting to be restarted and the wait is over."""
        return self.restart_at is not None and now >= self.restart_at
