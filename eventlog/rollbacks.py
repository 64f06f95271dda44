"""Logs found to have gone backwards under a reader, kept for `/health` to report.

A Redis that loses its last writes (a power cut under `appendfsync everysec`, a restore from an
older backup) leaves every reader holding events that no longer exist. A reader that notices
(eventlog.folded_stream) refolds from the log and notes it here, so operators see that it
happened, when, and how far back, instead of the service quietly serving what is gone.
"""

from __future__ import annotations

from collections import deque
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

KEPT = 50


@dataclass(frozen=True, slots=True)
class Rollback:
    """One stream found behind what a reader had folded."""

    stream: str
    folded_sequence: int
    stored_sequence: int
    noticed_at: str


_notices: deque[Rollback] = deque(maxlen=KEPT)


def note_rollback(stream: str, folded_sequence: int, stored_sequence: int) -> Rollback:
    """Record that `stream` holds `stored_sequence` events where `folded_sequence` were read."""
    notice = Rollback(
        stream, folded_sequence, stored_sequence, datetime.now(UTC).isoformat(timespec="seconds")
    )
    _notices.append(notice)
    return notice


def rollbacks_noticed() -> list[dict[str, Any]]:
    """The last KEPT rollbacks this process noticed, oldest first."""
    return [asdict(notice) for notice in _notices]
