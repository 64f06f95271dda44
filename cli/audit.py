"""The auditors' independent path: verify and replay straight from Redis, no service involved."""

from __future__ import annotations

from typing import Any

from contracts.streams import (
    ESTABLISHMENT_EVENTS,
    EVENT_STREAMS,
    RECRUITMENT_EVENTS,
    SYSTEM,
    TENANT_EVENTS,
    StoreKeys,
)
from eventlog import folded_stream
from eventlog.audit import tenants_with_logs, verify_store, verify_stream
from eventlog.redis_client import redis_client
from eventlog.store import EventStore
from readmodels.workforce import Workforce
from services.establishment.replay import replay
from services.establishment.structure import structure
from services.finance.application import TenantFinance
from services.finance.costing import Policy
from services.finance.ledger import ledger


async def verify_all(redis_url: str, tenants: list[str]) -> list[tuple[str, str, Any]]:
    """(tenant, stream, report) for every event stream of `tenants` (all tenants if empty).

    Without a choice of tenants the tenant registry itself is verified first: it is hash-chained
    like every other log, and it decides which tenants exist.
    """
    redis = redis_client(redis_url)
    try:
        chosen = tenants or await tenants_with_logs(redis)
        registry = (
            []
            if tenants
            else [
                (
                    SYSTEM,
                    TENANT_EVENTS,
                    await verify_store(redis, StoreKeys.for_system(TENANT_EVENTS)),
                )
            ]
        )
        return registry + [
            (tenant, stream, await verify_stream(redis, tenant, stream))
            for tenant in chosen
            for stream in EVENT_STREAMS
        ]
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
