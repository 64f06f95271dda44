"""A second `estab up` on a data directory already in use exits 1 naming the running one."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from driving import estab

from cli.data_dir_lock import LOCK_FILE, holding

if TYPE_CHECKING:
    from pathlib import Path


def test_a_second_stack_on_a_data_dir_in_use_is_refused(tmp_path: Path) -> None:
    """While one process holds the directory, `estab up` exits 1, starts nothing, names it."""
    with holding(tmp_path):
        second = estab("up", "--once", "--data-dir", str(tmp_path), timeout=60)
    assert second.returncode == 1, second.stdout
    said = " ".join((second.stdout + second.stderr).split())
    assert "in use by another `estab up`" in said
    assert f"pid {os.getpid()}" in said
    assert not (tmp_path / "redis").exists()
    assert (tmp_path / LOCK_FILE).exists()


def test_the_directory_is_free_again_once_its_holder_is_done(tmp_path: Path) -> None:
    """The lock goes with the block (or the process) that held it: the next holder gets it."""
    with holding(tmp_path):
        pass
    with holding(tmp_path):
        assert f"pid {os.getpid()}" in (tmp_path / LOCK_FILE).read_text()
