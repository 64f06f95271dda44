"""Auditors' checks over the raw streams: find every event store and verify its hash chain.

Reads Redis directly, never through a service, so a tampered or truncated log is caught even if
every service is down or itself compromised.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import orjson

from contracts.streams import EVENT_STREAMS, StoreKeys
from eventlog.checkpoints import SavedHead
from eventlog.head_signing import SIGNATURE_FIELD
from eventlog.store import DATA_FIELD, PAGE, EventStore
from eventlog.store_audit import StoreAudit

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable

    from redis.asyncio import Redis

    from eventlog.hashchain import ChainReport
    from eventlog.head_signing import TrustedKeys


async def tenants_with_logs(redis: Redis) -> list[str]:
    """Every tenant that has at least one hash-chained event stream, sorted."""
    found: set[str] = set()
    for stream in EVENT_STREAMS:
        async for key in redis.scan_iter(match=f"{{*}}:{stream}", _type="STREAM"):
            text = key.decode() if isinstance(key, bytes) else str(key)
            found.add(text[1 : text.index("}")])
    return sorted(found)


async def verify_stream(
    redis: Redis,
    tenant: str,
    stream: str,
    trusted: TrustedKeys | None = None,
    saved: SavedHead | None = None,
) -> ChainReport:
    """Walk one of a tenant's streams from the first event and compare its end with the head."""
    return await verify_store(redis, StoreKeys.for_stream(tenant, stream), trusted, saved)


async def verify_store(
    redis: Redis,
    keys: StoreKeys,
    trusted: TrustedKeys | None = None,
    saved: SavedHead | None = None,
    advance: Callable[[int], object] | None = None,
) -> ChainReport:
    """Walk one event store's chain from the first event and compare its end with the head.

    `advance(n)` is told of each `n` events checked (a progress bar's).

    With `trusted` keys, every signed head must be signed by the stream owner's key and the
    last event must end a signed batch (eventlog.head_signing); with a `saved` head from a
    checkpoint, the stream must still hold that event with that hash (eventlog.checkpoints).
    """
    audit = StoreAudit(keys.stream, trusted, saved)
    async for entry_id, raw, signature in stream_entries(redis, keys.stream):
        failed = audit.feed(entry_id, raw, signature)
        if failed is not None:
            return failed
        if advance is not None:
            advance(1)
    head = await EventStore(redis, keys).head()
    return audit.finish(head.hash if head.sequence else None, head.sequence)


async def stream_entries(redis: Redis, stream: str) -> AsyncIterator[tuple[str, bytes, str | None]]:
    """(entry id, body, head signature or None) of every entry, in pages."""
    start = "-"
    while True:
        entries = await redis.xrange(stream, min=start, max="+", count=PAGE)
        for entry_id, fields in entries or []:
            text_id = entry_id.decode() if isinstance(entry_id, bytes) else str(entry_id)
            raw = (fields or {}).get(DATA_FIELD, b"")
            signature = (fields or {}).get(SIGNATURE_FIELD)
            yield (
                text_id,
                raw.encode() if isinstance(raw, str) else raw,
                signature.decode() if isinstance(signature, bytes) else signature,
            )
        if not entries or len(entries) < PAGE:
            return
        last = entries[-1][0]
        start = f"({last.decode() if isinstance(last, bytes) else last}"


async def heads_of(redis: Redis, keys: list[StoreKeys]) -> dict[str, SavedHead]:
    """The recorded head of each store that has one, by stream key (what a checkpoint saves)."""
    found = {}
    for store_keys in keys:
        head = await EventStore(redis, store_keys).head()
        if head.sequence:
            found[store_keys.stream] = SavedHead(head.sequence, head.hash, head.entry_id)
    return found


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
