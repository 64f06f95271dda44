"""Auditors' checks over the raw streams: find every event store and verify its hash chain.

Reads Redis directly, never through a service, so a tampered or truncated log is caught even if
every service is down or itself compromised.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import orjson

from contracts.streams import EVENT_STREAMS, StoreKeys
from eventlog.hashchain import ChainReport, ChainVerifier
from eventlog.store import DATA_FIELD, EventStore

if TYPE_CHECKING:
    from redis.asyncio import Redis


async def tenants_with_logs(redis: Redis) -> list[str]:
    """Every tenant that has at least one hash-chained event stream, sorted."""
    found: set[str] = set()
    for stream in EVENT_STREAMS:
        async for key in redis.scan_iter(match=f"{{*}}:{stream}", _type="STREAM"):
            text = key.decode() if isinstance(key, bytes) else str(key)
            found.add(text[1 : text.index("}")])
    return sorted(found)


async def verify_stream(redis: Redis, tenant: str, stream: str) -> ChainReport:
    """Walk one of a tenant's streams from the first event and compare its end with the head."""
    return await verify_store(redis, StoreKeys.for_stream(tenant, stream))


async def verify_store(redis: Redis, keys: StoreKeys) -> ChainReport:
    """Walk one event store's chain from the first event and compare its end with the head."""
    store = EventStore(redis, keys)
    verifier = ChainVerifier()
    async for page in store.pages():
        for entry_id, raw in page:
            if not verifier.feed(entry_id, raw):
                return verifier.finish(None, None)
    head = await store.head()
    return verifier.finish(head.hash if head.sequence else None, head.sequence)


async def stream_bodies(redis: Redis, key: str) -> list[tuple[str, dict[str, Any]]]:
    """Every entry of any stream (events, rejections, dead letters) as (entry id, decoded body).

    For auditors' tools and tests; reads the whole stream, so keep it to small ones.
    """
    found: list[tuple[str, dict[str, Any]]] = []
    for entry_id, fields in await redis.xrange(key) or []:
        raw = (fields or {}).get(DATA_FIELD, b"{}")
        text_id = entry_id.decode() if isinstance(entry_id, bytes) else str(entry_id)
        found.append((text_id, orjson.loads(raw)))
    return found
