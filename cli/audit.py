"""The auditors' independent path: verify and replay straight from Redis, no service involved."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from contracts.pay_catalogue import PayCatalogueView
from contracts.streams import (
    ESTABLISHMENT_EVENTS,
    EVENT_STREAMS,
    FINANCE_EVENTS,
    GRADING_EVENTS,
    RECRUITMENT_EVENTS,
    SYSTEM,
    TENANT_EVENTS,
    StoreKeys,
)
from eventlog import folded_stream
from eventlog.archive import Archive, ArchivedStream
from eventlog.audit import heads_of, tenants_with_logs, verify_store
from eventlog.checkpoints import Checkpoint
from eventlog.redis_client import redis_client
from eventlog.store import EventStore
from readmodels.workforce import Workforce
from services.establishment.replay import replay
from services.establishment.structure import structure
from services.finance.books import Books
from services.finance.costing import Policy
from services.finance.funding_book import FundingBook
from services.finance.ledger import ledger

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from redis.asyncio import Redis

    from eventlog.event_log import PagedLog
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


def redis_stores(redis: Redis, tenant: str) -> dict[str, PagedLog]:
    """Each of the tenant's event streams as stored in Redis."""
    return {
        stream: EventStore(redis, StoreKeys.for_stream(tenant, stream)) for stream in EVENT_STREAMS
    }


def archive_stores(archive: Archive) -> dict[str, PagedLog]:
    """Each of the archived tenant's event streams, as the archive holds it."""
    return {stream: ArchivedStream(archive, stream) for stream in EVENT_STREAMS}


async def structure_from(
    stores: Mapping[str, PagedLog],
    as_of: str,
    known_at: str | None,
    org_unit_id: str | None,
) -> dict[str, Any]:
    """The structure view folded from the streams, shaped like `GET /structure`."""
    projection = await replay(stores[ESTABLISHMENT_EVENTS], known_at)
    staffing = await folded_stream.replay(stores[RECRUITMENT_EVENTS], Workforce(), known_at)
    view = structure(projection, as_of, org_unit_id, staffing)
    return {"as_of": as_of, "known_at": known_at, **view}


async def ledger_from(
    stores: Mapping[str, PagedLog], fy: int, as_of: str, known_at: str | None, group_by: str
) -> dict[str, Any]:
    """The budget ledger folded from the streams, shaped like finance's `GET /ledger`."""
    books = Books(
        await replay(stores[ESTABLISHMENT_EVENTS], known_at),
        await folded_stream.replay(stores[GRADING_EVENTS], PayCatalogueView(), known_at),
        await folded_stream.replay(stores[RECRUITMENT_EVENTS], Workforce(), known_at),
        await folded_stream.replay(stores[FINANCE_EVENTS], FundingBook(), known_at),
    )
    return ledger(books, fy, as_of=as_of, group_by=group_by, policy=Policy())


async def replay_views(
    source: str | Archive,
    tenant: str,
    as_of: str,
    known_at: str | None,
    org_unit_id: str | None,
    fy: int | None,
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """The structure (and the ledger of `fy`) folded from Redis (`source` a URL) or an archive."""
    if isinstance(source, Archive):
        stores = archive_stores(source)
        structure_view = await structure_from(stores, as_of, known_at, org_unit_id)
        books = None if fy is None else await ledger_from(stores, fy, as_of, known_at, "org_unit")
        return structure_view, books
    redis = redis_client(source)
    try:
        stores = redis_stores(redis, tenant)
        structure_view = await structure_from(stores, as_of, known_at, org_unit_id)
        books = None if fy is None else await ledger_from(stores, fy, as_of, known_at, "org_unit")
        return structure_view, books
    finally:
        await redis.aclose()
