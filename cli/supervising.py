"""`estab up` keeps its stack running until SIGINT or SIGTERM.

A service (or the embedded Redis) that dies is restarted, with backoff (cli.restart_policy), said
on the console and recorded for `estab status` (cli.status_file).
"""

from __future__ import annotations

import signal
import time
from typing import TYPE_CHECKING

from cli.restart_policy import Supervised
from cli.status_file import write_status
from eventlog.redis_server import RedisUnavailableError

if TYPE_CHECKING:
    from collections.abc import Callable

    from cli.supervisor import Stack

POLL_SECONDS = 0.25
REDIS = "redis"


class Supervisor:
    """Watches the stack's processes and restarts those that exit."""

    def __init__(
        self, stack: Stack, say: Callable[[str], None], clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.stack = stack
        self.say = say
        self.clock = clock
        now = clock()
        self.states = {name: Supervised(name) for name in stack.processes}
        for name, process in stack.processes.items():
            self.states[name].started(process.pid, now)
        if stack.redis is not None and stack.redis.process is not None:
            self.states[REDIS] = Supervised(REDIS)
            self.states[REDIS].started(stack.redis.process.pid, now)
        write_status(stack.data_dir, self.states.values())

    def tick(self) -> None:
        """Notice exits, restart what is due, and record any change."""
        now = self.clock()
        changed = False
        for name, state in self.states.items():
            code = self._exit_code(name)
            if state.pid is not None and code is not None:
                wait = state.exited(code, now)
                self.say(f"{name} exited with {code}; restarting it in {wait:.0f} s")
                changed = True
            elif state.due(now):
                self._restart(state, now)
                changed = True
        if changed:
            write_status(self.stack.data_dir, self.states.values())

    def _exit_code(self, name: str) -> int | None:
        if name == REDIS:
            server = self.stack.redis
            process = server.process if server is not None else None
        else:
            process = self.stack.processes[name]
        return process.poll() if process is not None else None

    def _restart(self, state: Supervised, now: float) -> None:
        state.restarts += 1
        if state.name == REDIS:
            assert self.stack.redis is not None
            try:
                self.stack.redis.start()
            except RedisUnavailableError as error:
                wait = state.exited(-1, now)
                self.say(f"redis could not be restarted ({error}); trying again in {wait:.0f} s")
                return
            assert self.stack.redis.process is not None
            pid = self.stack.redis.process.pid
        else:
            pid = self.stack.spawn(state.name).pid
        state.started(pid, now)
        self.say(f"{state.name} restarted (pid {pid}; {state.restarts} restarts so far)")


def supervise_until_signal(stack: Stack, say: Callable[[str], None]) -> None:
    """Keep `stack` running until SIGINT (Ctrl-C) or SIGTERM."""
    received: list[int] = []

    def note(signum: int, _frame: object) -> None:
        received.append(signum)

    previous = {sig: signal.signal(sig, note) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        supervisor = Supervisor(stack, say)
        while not received:
            supervisor.tick()
            time.sleep(POLL_SECONDS)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
