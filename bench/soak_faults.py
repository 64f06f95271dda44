"""The soak's faults: a process SIGKILLed (`estab up` restarts it) or a service paused a while.

One every 10-25 s, drawn from a seeded generator so two runs inject the same sequence: a
service or the embedded Redis killed outright, or a service stopped (SIGSTOP) for 3 s and then
continued, long enough for its pending deliveries to be reclaimable by the time it wakes.
"""

from __future__ import annotations

import asyncio
import os
import signal
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from random import Random

    from soak_stack import SoakStack

SERVICES = ("establishment", "grading", "recruitment", "finance")
KILLABLE = (*SERVICES, "redis")
PAUSE_SECONDS = 3.0
GAP_SECONDS = (10.0, 25.0)


def _signal(pid: int, sent: signal.Signals) -> bool:
    try:
        os.kill(pid, sent)
    except ProcessLookupError:
        return False
    return True


async def inject_faults(stack: SoakStack, until: float, faults: list[str], draw: Random) -> None:
    """Inject a fault every 10-25 s until `until`; say each one in `faults`."""
    started = time.monotonic()
    while True:
        await asyncio.sleep(draw.uniform(*GAP_SECONDS))
        if time.monotonic() >= until:
            return
        pids = stack.pids()
        at = f"{time.monotonic() - started:.0f}s"
        if draw.random() < 0.7:
            name = draw.choice(KILLABLE)
            if name in pids and _signal(pids[name], signal.SIGKILL):
                faults.append(f"{at} kill {name}")
            continue
        name = draw.choice(SERVICES)
        if name in pids and _signal(pids[name], signal.SIGSTOP):
            await asyncio.sleep(PAUSE_SECONDS)
            _signal(pids[name], signal.SIGCONT)
            faults.append(f"{at} pause {name} {PAUSE_SECONDS:.0f}s")
