"""One stack per data directory: `estab up` holds an exclusive lock on it while it runs.

Two stacks on one directory would run two Redis servers appending to one AOF and services
writing on a broken chain. The lock is `flock` on `DATA_DIR/estab.lock`, so it goes when the
process does, however it ends; the file names the holder, for the message the second one prints.
"""

from __future__ import annotations

import fcntl
import os
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

LOCK_FILE = "estab.lock"


class DataDirInUseError(RuntimeError):
    """Another `estab up` holds the data directory."""


@contextmanager
def holding(data_dir: Path) -> Iterator[None]:
    """Hold `data_dir` for this process until the block ends.

    Raises:
        DataDirInUseError: another process holds it (the message names that process).
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / LOCK_FILE
    with path.open("a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "a process that did not say"
            message = f"{data_dir.resolve()} is in use by another `estab up`: {holder}"
            raise DataDirInUseError(message) from None
        handle.seek(0)
        handle.truncate()
        since = datetime.now(UTC).isoformat(timespec="seconds")
        handle.write(f"pid {os.getpid()}, started {since}\n")
        handle.flush()
        yield
