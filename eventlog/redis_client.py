"""The one place a Redis URL becomes a client and a FastStream broker: one server or a Cluster.

A URL names a single server as redis-py does (`redis://[user:password@]host:port/db`,
`rediss://` for TLS) or a Redis Cluster by its scheme:

    redis+cluster://[user:password@]host:port[,host:port...]
    rediss+cluster://...                      (TLS)

Every `host:port` listed is a seed node; the client discovers the rest of the cluster from any
one of them, so listing two or three is enough. A cluster has only database 0, so a path other
than empty or `/0` is refused. Each tenant's keys carry its `{tenant}` hash tag
(contracts.streams), which puts all of them in one slot on one node: the Lua append, the
transactions and the pipelines this code sends each touch one tenant, so they run unchanged on a
cluster (deploy/README.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, cast
from urllib.parse import quote, unquote, urlsplit

from faststream.redis import RedisBroker, RedisClusterBroker
from redis.asyncio import Redis
from redis.asyncio.cluster import ClusterNode, RedisCluster

if TYPE_CHECKING:
    from collections.abc import Sequence

CLUSTER_SCHEMES = {"redis+cluster": False, "rediss+cluster": True}
"""The cluster URL schemes, and whether each speaks TLS."""

CONNECTIONS_PER_NODE = 1_000
"""The broker's connection cap per cluster node. Every stream a process subscribes to keeps one
connection blocked in XREADGROUP, so redis-py's default of 100 would stall a process reading more
than about 50 tenants' streams on one node; a single server's pool has no cap either."""


class InvalidRedisUrlError(ValueError):
    """A Redis URL this code cannot connect with."""


@dataclass(frozen=True, slots=True)
class ClusterAddress:
    """A Redis Cluster as a URL names it: seed nodes, credentials, TLS."""

    nodes: Sequence[tuple[str, int]]
    username: str | None
    password: str | None
    tls: bool

    def seed_url(self) -> str:
        """A single-node URL of the first seed (FastStream takes the other seeds separately)."""
        auth = ""
        if self.username or self.password:
            auth = f"{quote(self.username or '', safe='')}:{quote(self.password or '', safe='')}@"
        host, port = self.nodes[0]
        return f"{'rediss' if self.tls else 'redis'}://{auth}{host}:{port}/0"


def cluster_address(url: str) -> ClusterAddress | None:
    """The cluster a `redis+cluster://` URL names; None for a single-server URL.

    Raises:
        InvalidRedisUrlError: a cluster URL without nodes, with a bad port, or naming a database
            other than 0.
    """
    scheme, _, rest = url.partition("://")
    if scheme not in CLUSTER_SCHEMES:
        return None
    parts = urlsplit(f"redis://{rest}")
    if parts.path not in {"", "/", "/0"} or parts.query:
        raise InvalidRedisUrlError(
            f"a cluster URL names nodes only (a cluster has just database 0): {url!r}"
        )
    auth, _, hosts = parts.netloc.rpartition("@")
    username, _, password = auth.partition(":")
    nodes = []
    for node in filter(None, hosts.split(",")):
        host, _, port = node.rpartition(":")
        if not host or not port.isdigit():
            raise InvalidRedisUrlError(f"cluster node {node!r} is not host:port in {url!r}")
        nodes.append((host, int(port)))
    if not nodes:
        raise InvalidRedisUrlError(f"a cluster URL names at least one host:port: {url!r}")
    return ClusterAddress(
        nodes=nodes,
        username=unquote(username) or None,
        password=unquote(password) or None,
        tls=CLUSTER_SCHEMES[scheme],
    )


def redis_client(url: str) -> Redis:
    """An asyncio client for `url`: `Redis` for one server, `RedisCluster` for a cluster.

    Typed as `Redis` because that is what every store, log and consumer here is annotated
    with; the cluster client answers the same commands for keys of one slot, which is all this
    code sends (every key of a call shares one `{tenant}` tag), and tests/cluster runs the
    services on a real cluster to keep it so.
    """
    address = cluster_address(url)
    if address is None:
        return Redis.from_url(url)
    cluster = RedisCluster(
        startup_nodes=[ClusterNode(host, port) for host, port in address.nodes],
        username=address.username,
        password=address.password,
        ssl=address.tls,
    )
    return cast("Redis", cluster)


def redis_broker(url: str) -> RedisBroker:
    """A FastStream broker for `url`: `RedisBroker`, or `RedisClusterBroker` for a cluster."""
    address = cluster_address(url)
    if address is None:
        return RedisBroker(url)
    return RedisClusterBroker(
        address.seed_url(),
        startup_nodes=address.nodes[1:],
        max_connections=CONNECTIONS_PER_NODE,
    )
