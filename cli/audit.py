"""The auditors' independent path: verify and replay straight from Redis, no service involved."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from contracts.streams import (
    ESTABLISHMENT_EVENTS,
    EVENT_STREAMS,
    RECRUITMENT_EVENTS,
    SYSTEM,
    TENANT_EVENTS,
    StoreKeys,
)
from eventlog import folded_stream
from eventlog.audit import heads_of, tenants_with_logs, verify_store
from eventlog.checkpoints import Checkpoint
from eventlog.redis_client import redis_client
from eventlog.store import EventStore
from readmodels.workforce import Workforce
from services.establishment.replay import replay
from services.establishment.structure import structure
from services.finance.application import TenantFinance
from services.finance.costing import Policy
from services.finance.ledger import ledger

if TYPE_CHECKING:
    from eventlog.head_signing import PublicKey, TrustedKeys


async def verify_all(
    redis_url: str,
    tenants: list[str],
    trusted: TrustedKeys | None = None,
    checkpoint: Checkpoint | None = None,
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
            (name, stream, await verify_store(redis, keys, trusted, heads.get(keys.stream)))
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


async def replay_structure(
    redis_url: str, tenant: str, as_of: str, known_at: str | None, org_unit_id: str | None
) -> dict[str, Any]:
    """The structure view rebuilt from the raw stream, shaped like `GET /structure`."""
    redis = redis_client(redis_url)
    try:
        store = EventStore(redis, StoreKeys.for_stream(tenant, ESTABLISHMENT_EVENTS))
        projection = await replay(store, known_at)
        postholders = EventStore(redis, StoreKeys.for_stream(tenant, RECRUITMENT_EVENTS))
        staffing = await folded_stream.replay(postholders, Workforce(), known_at)
        view = structure(projection, as_of, org_unit_id, staffing)
        return {"as_of": as_of, "known_at": known_at, **view}
    finally:
        await redis.aclose()


async def replay_ledger(
    redis_url: str, tenant: str, fy: int, as_of: str, known_at: str | None, group_by: str
) -> dict[str, Any]:
    """The budget ledger rebuilt from the raw streams, shaped like finance's `GET /ledger`."""
    redis = redis_client(redis_url)
    try:
        books = await TenantFinance(redis, tenant).books(known_at)
        return ledger(books, fy, as_of=as_of, group_by=group_by, policy=Policy())
    finally:
        await redis.aclose()
