"""The auditors' independent path: verify and replay straight from Redis, no service involved."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from contracts.streams import (
    EVENT_STREAMS,
    SYSTEM,
    TENANT_EVENTS,
    StoreKeys,
)
from eventlog.audit import heads_of, tenants_with_logs, verify_store
from eventlog.checkpoints import Checkpoint
from eventlog.redis_client import redis_client

if TYPE_CHECKING:
    from collections.abc import Callable

    from eventlog.head_signing import PublicKey, TrustedKeys


async def verify_all(
    redis_url: str,
    tenants: list[str],
    trusted: TrustedKeys | None = None,
    checkpoint: Checkpoint | None = None,
    advance: Callable[[int], object] | None = None,
) -> list[tuple[str, str, Any]]:
    """(tenant, stream, report) for every event stream of `tenants` (all tenants if empty).

    Without a choice of tenants the tenant registry itself is verified first: it is hash-chained
    like every other log, and it decides which tenants exist. With `trusted` keys the signed
    heads are checked; with a `checkpoint`, that no stream lost what it held then (a tenant in
    the checkpoint whose streams are gone altogether included).
    """
    heads = checkpoint.heads if checkpoint else {}
    redis = redis_client(redis_url)
    try:
        chosen = tenants or sorted(
            set(await tenants_with_logs(redis)) | {_tenant_of(key) for key in heads} - {SYSTEM}
        )
        stores = [] if tenants else [(SYSTEM, TENANT_EVENTS, StoreKeys.for_system(TENANT_EVENTS))]
        stores += [
            (tenant, stream, StoreKeys.for_stream(tenant, stream))
            for tenant in chosen
            for stream in EVENT_STREAMS
        ]
        return [
            (
                name,
                stream,
                await verify_store(redis, keys, trusted, heads.get(keys.stream), advance),
            )
            for name, stream, keys in stores
        ]
    finally:
        await redis.aclose()


def _tenant_of(stream_key: str) -> str:
    """The tenant (or system) of a stream key `{tenant}:name`."""
    return stream_key[1 : stream_key.index("}")]


async def checkpoint_now(redis_url: str, keys: list[PublicKey], made_at: str) -> Checkpoint:
    """Every stream's head now, the registry's included, with the public keys given."""
    redis = redis_client(redis_url)
    try:
        stores = [StoreKeys.for_system(TENANT_EVENTS)] + [
            StoreKeys.for_stream(tenant, stream)
            for tenant in await tenants_with_logs(redis)
            for stream in EVENT_STREAMS
        ]
        return Checkpoint(made_at, await heads_of(redis, stores), keys)
    finally:
        await redis.aclose()
