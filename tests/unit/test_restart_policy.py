"""When a supervised process that died is started again."""

from __future__ import annotations

from cli.restart_policy import BACKOFF, STEADY_SECONDS, Supervised


def test_a_process_that_keeps_dying_is_restarted_ever_more_slowly() -> None:
    """Each exit soon after a start doubles the wait, up to the longest."""
    state = Supervised("finance")
    now = 0.0
    waits = []
    for _ in range(len(BACKOFF) + 2):
        state.started(pid=1, now=now)
        now += 0.5
        waits.append(state.exited(code=1, now=now))
        assert not state.due(now)
        now = state.restart_at or now
        assert state.due(now)
    assert waits == [*BACKOFF, BACKOFF[-1], BACKOFF[-1]]


def test_a_process_that_ran_steadily_is_restarted_at_once_again() -> None:
    """After STEADY_SECONDS up, an exit counts as the first in a row: the shortest wait."""
    state = Supervised("finance")
    state.started(pid=1, now=0.0)
    state.exited(code=1, now=1.0)
    state.started(pid=2, now=2.0)
    assert state.exited(code=1, now=3.0) == BACKOFF[1]
    state.started(pid=3, now=10.0)
    assert state.exited(code=-9, now=10.0 + STEADY_SECONDS) == BACKOFF[0]
    assert (state.pid, state.last_exit) == (None, -9)
