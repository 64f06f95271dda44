"""`estab replay`'s views: a tenant's streams folded in the CLI's own process, no service.

Each stream is folded once with the read model its owner uses, from Redis or from an archive,
and the structure, the at-risk list and the ledger are built over the folds by the services' own
view functions, so the figures are the ones the services serve, reached independently of them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from contracts.pay_catalogue import PayCatalogueView
from contracts.streams import (
    ESTABLISHMENT_EVENTS,
    EVENT_STREAMS,
    FINANCE_EVENTS,
    GRADING_EVENTS,
    RECRUITMENT_EVENTS,
    StoreKeys,
)
from eventlog import folded_stream
from eventlog.archive import Archive, ArchivedStream
from eventlog.person_keys import PersonKeys
from eventlog.redis_client import redis_client
from eventlog.store import PAGE, EventStore
from readmodels.workforce import Workforce
from services.establishment.replay import replay
from services.establishment.structure import structure
from services.finance.books import Books
from services.finance.costing import Policy
from services.finance.funding_book import FundingBook
from services.finance.ledger import ledger
from services.recruitment.revealed_answers import revealed
from services.recruitment.scene import Scene
from services.recruitment.views import at_risk

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable, Mapping

    from redis.asyncio import Redis

    from eventlog.event_log import PagedLog
    from readmodels.establishment import Establishment


def redis_stores(redis: Redis, tenant: str) -> dict[str, PagedLog]:
    """Each of the tenant's event streams as stored in Redis."""
    return {
        stream: EventStore(redis, StoreKeys.for_stream(tenant, stream)) for stream in EVENT_STREAMS
    }


def archive_stores(archive: Archive) -> dict[str, PagedLog]:
    """Each of the archived tenant's event streams, as the archive holds it."""
    return {stream: ArchivedStream(archive, stream) for stream in EVENT_STREAMS}


class CountedLog:
    """A stream whose pages report how many entries they carried: progress on long replays."""

    def __init__(self, store: PagedLog, advance: Callable[[int], object]) -> None:
        self.store = store
        self.advance = advance

    async def pages(self, after: str = "0-0", page: int = PAGE) -> AsyncIterator[list[Any]]:
        """The store's pages, each counted as it is handed on."""
        async for entries in self.store.pages(after, page):
            self.advance(len(entries))
            yield entries


@dataclass(frozen=True, slots=True)
class Folded:
    """Each of a tenant's streams folded once, as known at one moment."""

    establishment: Establishment
    workforce: Workforce
    pay: PayCatalogueView
    funding: FundingBook


async def folded(stores: Mapping[str, PagedLog], known_at: str | None) -> Folded:
    """Every stream folded with the services' own read models, up to `known_at`."""
    return Folded(
        await replay(stores[ESTABLISHMENT_EVENTS], known_at),
        await folded_stream.replay(stores[RECRUITMENT_EVENTS], Workforce(), known_at),
        await folded_stream.replay(stores[GRADING_EVENTS], PayCatalogueView(), known_at),
        await folded_stream.replay(stores[FINANCE_EVENTS], FundingBook(), known_at),
    )


@dataclass(frozen=True, slots=True)
class ReplayedViews:
    """What `estab replay` rebuilt: the services' structure, at-risk list and (maybe) ledger.

    Each is shaped like the service's answer (`GET /structure`, recruitment's `GET /at-risk`,
    finance's `GET /ledger`). People at risk are named by pseudonym, sorted by it.
    """

    structure: dict[str, Any]
    at_risk: dict[str, Any]
    ledger: dict[str, Any] | None


def views_of(
    state: Folded, as_of: str, known_at: str | None, org_unit_id: str | None, fy: int | None
) -> ReplayedViews:
    """The views the services would answer over the folded streams."""
    shown = structure(state.establishment, as_of, org_unit_id, state.workforce)
    scene = Scene(state.workforce, state.establishment, state.pay)
    books = Books(state.establishment, state.pay, state.workforce, state.funding)
    return ReplayedViews(
        {"as_of": as_of, "known_at": known_at, **shown},
        at_risk(scene, as_of),
        None
        if fy is None
        else ledger(books, fy, as_of=as_of, group_by="org_unit", policy=Policy()),
    )


async def replay_views(
    source: str | Archive,
    tenant: str,
    as_of: str,
    known_at: str | None,
    org_unit_id: str | None,
    fy: int | None,
    advance: Callable[[int], object] = lambda _: None,
) -> ReplayedViews:
    """The views folded from Redis (`source` a URL) or from an archive; `advance` counts events.

    From Redis, people at risk are shown by their references (opened with the tenant's person
    keys) as recruitment shows them; an archive carries no keys, so by pseudonym.
    """
    if isinstance(source, Archive):
        stores = archive_stores(source)
        counted = {name: CountedLog(store, advance) for name, store in stores.items()}
        return views_of(await folded(counted, known_at), as_of, known_at, org_unit_id, fy)
    redis = redis_client(source)
    try:
        stores = redis_stores(redis, tenant)
        counted = {name: CountedLog(store, advance) for name, store in stores.items()}
        state = await folded(counted, known_at)
        views = views_of(state, as_of, known_at, org_unit_id, fy)
        people = await revealed(PersonKeys(redis, tenant), state.workforce, views.at_risk)
        people["people"].sort(key=lambda person: person["person_ref"])
        return replace(views, at_risk=people)
    finally:
        await redis.aclose()
