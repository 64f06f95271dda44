"""Where the local stack is: `estab up` records its Redis and service URLs in the data directory.

Every `estab` command that talks to a service or to Redis reads `DATA_DIR/stack.json` (default
`data`, as `estab up`), so a newcomer never types a URL for the stack they started; `--url`
options override it for a remote stack.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from eventlog.settings import DEFAULT_PORTS

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

STACK_FILE = "stack.json"
HOST = "127.0.0.1"


class NoStackError(LookupError):
    """No stack was started from this data directory and no URL was given."""


@dataclass(frozen=True, slots=True)
class StackAddress:
    """The Redis and the base URL of each service of one running stack."""

    redis_url: str
    services: dict[str, str]


def default_urls(port_offset: int = 0) -> dict[str, str]:
    """Each service's URL on this machine at its default port (plus `port_offset`)."""
    return {name: f"http://{HOST}:{port + port_offset}" for name, port in DEFAULT_PORTS.items()}


def write_stack(data_dir: Path, address: StackAddress) -> Path:
    """Record where the stack started from `data_dir` listens.

    Mode 0600: the Redis URL holds the operator's password.
    """
    path = data_dir / STACK_FILE
    body = {"redis_url": address.redis_url, "services": address.services}
    path.touch(mode=0o600, exist_ok=True)
    path.chmod(0o600)
    path.write_text(json.dumps(body, indent=2) + "\n")
    return path


def read_stack(data_dir: Path) -> StackAddress | None:
    """The stack recorded in `data_dir`, if `estab up` started one there."""
    path = data_dir / STACK_FILE
    if not path.is_file():
        return None
    body = json.loads(path.read_text())
    return StackAddress(redis_url=str(body["redis_url"]), services=dict(body["services"]))


def service_urls(data_dir: Path, overrides: Mapping[str, str | None]) -> dict[str, str]:
    """Each service's URL: an override if given, else the recorded stack's, else the default."""
    recorded = read_stack(data_dir)
    urls = recorded.services if recorded is not None else default_urls()
    return {name: overrides.get(name) or url for name, url in urls.items()}


def redis_url(data_dir: Path, given: str | None) -> str:
    """The Redis to read: the URL given, else the recorded stack's.

    Raises:
        NoStackError: neither was found.
    """
    if given:
        return given
    recorded = read_stack(data_dir)
    if recorded is None:
        raise NoStackError(
            f"no stack recorded in {data_dir}/{STACK_FILE}: run `estab up` first, pass "
            "--data-dir, or give --redis-url"
        )
    return recorded.redis_url
