"""`DATA_DIR/supervision.json`: what `estab up` is running, for `estab status` to show.

Rewritten by the supervisor whenever a process starts, exits or is restarted.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path

    from cli.restart_policy import Supervised

STATUS_FILE = "supervision.json"


def write_status(data_dir: Path, processes: Iterable[Supervised]) -> None:
    """Record each supervised process's state (atomically: a reader never sees half a file)."""
    body: dict[str, Any] = {
        "supervisor_pid": os.getpid(),
        "written_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "processes": {
            item.name: {
                "state": "running" if item.pid is not None else "restarting",
                "pid": item.pid,
                "restarts": item.restarts,
                "last_exit": item.last_exit,
            }
            for item in processes
        },
    }
    path = data_dir / STATUS_FILE
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(body, indent=2) + "\n")
    temporary.replace(path)


def read_status(data_dir: Path) -> dict[str, Any] | None:
    """What the supervisor last recorded, if it ever ran here."""
    path = data_dir / STATUS_FILE
    if not path.exists():
        return None
    found: dict[str, Any] = json.loads(path.read_text())
    return found


def clear_status(data_dir: Path) -> None:
    """Remove the record: the stack has stopped."""
    (data_dir / STATUS_FILE).unlink(missing_ok=True)
