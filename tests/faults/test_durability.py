"""`estab up --durability` chooses how the embedded Redis syncs its log (docs/RELIABILITY.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from driving import estab

from cli.supervisor import free_port_offset

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = [pytest.mark.e2e, pytest.mark.redis]


@pytest.mark.parametrize("durability", ["everysec", "always"])
def test_the_embedded_redis_syncs_as_chosen(tmp_path: Path, durability: str) -> None:
    """The server is configured with the chosen appendfsync, and `estab up` says which."""
    data = tmp_path / "data"
    done = estab(
        "up", "--once", "--data-dir", str(data), "--port-offset", str(free_port_offset()),
        "--durability", durability,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"appendfsync {durability};" in done.stdout
    config = (data / "redis" / "redis.conf").read_text().splitlines()
    assert f"appendfsync {durability}" in config
    assert "appendonly yes" in config


def test_an_unknown_durability_is_refused(tmp_path: Path) -> None:
    """Anything but everysec or always is a usage error, and nothing starts."""
    done = estab("up", "--once", "--data-dir", str(tmp_path / "data"), "--durability", "never")
    assert done.returncode == 2
    assert not (tmp_path / "data" / "redis").exists()
