"""One tenant's stream folded into a projection, kept in step as the log grows; a warm start.

`FoldedStream` is what every reader of a stream shares: the owner's `CommandLog` and another
service's `Follower`. It folds the store page by page into `new_projection()`, under a lock, and
keeps the chain head it has read to. `known_at` views fold the log's prefix afresh. With
`ESTAB_SNAPSHOT_KEY` set, the first catch-up starts from the projection's snapshot (if it
verifies, `eventlog.snapshots`) and folds only the events after it; a new snapshot is taken once
`ESTAB_SNAPSHOT_EVERY` events have been folded since the last, under the lock and at a settled
head, never while provisional events are folded in. A reader whose last folded event has gone
from the log (the log went backwards) refolds it and notes it for `/health`
(eventlog.rollbacks). Pickling runs in a worker thread so the event loop serves everything else,
but this stream's reads and writes wait for it: `bench/replay.py --warm` measures that pause.
`known_at` views never use or write snapshots.
"""

from __future__ import annotations

import asyncio
import gc
import time
from abc import ABC, abstractmethod
from collections import OrderedDict
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

import orjson
import structlog

from contracts.streams import StoreKeys
from eventlog.clock import Clock, parse_timestamp, system_clock
from eventlog.rollbacks import note_rollback
from eventlog.snapshots import Snapshots, replayed_without
from eventlog.store import ChainHead, EventStore

if TYPE_CHECKING:
    from collections.abc import Callable

    from redis.asyncio import Redis

    from eventlog.event_log import EventLog, PagedLog
    from eventlog.snapshots import Pickled

PAST_VIEWS = 8
"""`known_at` views kept; a past view never changes, so caching one is always safe."""
HEAD_CHECK_SECONDS = 1.0
"""How often a reader looks for the last event it folded, to notice a log that went back."""

log = structlog.get_logger()


class Folded(Protocol):
    """What folding one event hands back: a record that learns its stream id once appended."""

    entry_id: str


class Projection(Protocol):
    """A fold of one stream's decoded event bodies, in recorded order."""

    entry_id: str
    recorded_at: str

    def apply(self, event: dict[str, Any], entry_id: str = "") -> Folded | None:
        """Fold one stored (or provisional) event."""


ProjectionT = TypeVar("ProjectionT", bound=Projection)


async def replay(
    store: PagedLog, projection: ProjectionT, known_at: str | None = None
) -> ProjectionT:
    """Fold into `projection` every event recorded at or before `known_at` (all if None).

    `known_at` is a fixed-width UTC stamp (`eventlog.clock.format_timestamp`) and recorded time
    never runs backwards along a stream, so "known at T" is a prefix of the log.
    """
    async for page in store.pages():
        for entry_id, raw in page:
            body = orjson.loads(raw)
            if known_at is not None and body["recorded_at"] > known_at:
                return projection
            projection.apply(body, entry_id)
    return projection


class FoldedStream(ABC, Generic[ProjectionT]):
    """One tenant's stream of one service, folded as far as it has been read."""

    def __init__(
        self,
        redis: Redis,
        tenant: str,
        stream: str,
        clock: Clock = system_clock,
        keys: StoreKeys | None = None,
        *,
        store: EventLog | None = None,
    ) -> None:
        self.tenant = tenant
        self.keys = keys or StoreKeys.for_stream(tenant, stream)
        self.store: EventLog = store or EventStore(redis, self.keys)
        self.clock = clock
        self.projection = self.new_projection()
        self.head = ChainHead.empty()
        self.snapshots = Snapshots.configured(redis, self.keys)
        self.replayed = 0
        """Events folded from the store so far (after a warm start, only the tail)."""
        self._warm = False
        """Whether this projection was started (from a snapshot, or from nothing)."""
        self._provisional = False
        """Whether the projection holds events folded before their append: never snapshotted."""
        self._lock = asyncio.Lock()
        self._past: OrderedDict[str, ProjectionT] = OrderedDict()
        self._head_checked_at = -HEAD_CHECK_SECONDS
        """When the last event folded was last looked for in the log (monotonic seconds)."""

    @abstractmethod
    def new_projection(self) -> ProjectionT:
        """An empty projection."""

    async def _catch_up(self) -> None:
        """Fold whatever was appended since the projection was last brought up to date.

        A long catch-up (a cold start) pauses the cyclic GC: the folded state is millions of
        small long-lived objects that the collector would otherwise rescan over and over.
        """
        if not self._warm:
            await self._warm_start()
        await self._check_not_rolled_back()
        last: dict[str, Any] | None = None
        last_id = ""
        pages = folded = 0
        try:
            async for page in self.store.pages(after=self.projection.entry_id):
                pages += 1
                if pages == 2:  # noqa: PLR2004 - more than one page: a bulk load
                    gc.disable()
                for entry_id, raw in page:
                    last = orjson.loads(raw)
                    self.projection.apply(last, entry_id)
                    last_id = entry_id
                folded += len(page)
        finally:
            self.replayed += folded
            if pages >= 2:  # noqa: PLR2004 - the same threshold as above
                gc.enable()
                gc.freeze()
        if self.snapshots is None:
            replayed_without(folded)
        if last is not None:
            self.head = ChainHead(
                sequence=last["sequence"],
                hash=last["hash"],
                entry_id=last_id,
                recorded_at=parse_timestamp(last["recorded_at"]),
            )

    async def _check_not_rolled_back(self) -> None:
        """Refold from the log if the last event folded is no longer in it.

        Checked at most once a second: the log went backwards, and what was folded from it no
        longer exists.
        """
        if self.head.sequence == 0 or self._provisional:
            return
        now = time.monotonic()
        if now - self._head_checked_at < HEAD_CHECK_SECONDS:
            return
        self._head_checked_at = now
        found = await self.store.entries([self.head.entry_id])
        if found and found[0].body.get("hash") == self.head.hash:
            return
        stored = await self.store.head()
        notice = note_rollback(self.keys.stream, self.head.sequence, stored.sequence)
        log.error(
            "the log went backwards; refolding it",
            stream=notice.stream,
            folded=notice.folded_sequence,
            stored=notice.stored_sequence,
        )
        self.projection = self.new_projection()
        self.head = ChainHead.empty()
        self._past.clear()
        self._warm = False
        await self._warm_start()

    async def _warm_start(self) -> None:
        """Start from the projection's snapshot, if there is one and it verifies."""
        if self.snapshots is not None:
            loaded = await self.snapshots.load(type(self.projection), self.store)
            if loaded is not None:
                self.projection, self.head = loaded.projection, loaded.head
        self._warm = True

    async def current(self) -> ProjectionT:
        """The projection with everything recorded so far."""
        async with self._lock:
            await self._catch_up()
            projection = self.projection
            pickled = await self._pickle_if_due()
        await self._write(pickled)
        return projection

    async def save_snapshot(self) -> bool:
        """Catch up and snapshot the projection now, due or not; whether one was written."""
        async with self._lock:
            await self._catch_up()
            pickled = await self._pickle_if_due(force=True)
        return await self._write(pickled)

    async def _pickle_if_due(self, *, force: bool = False) -> Pickled | None:
        """The projection pickled if a snapshot is due and it is settled (call under the lock).

        Settled: folded to exactly the head, nothing provisional in it.
        """
        if self.snapshots is None or self._provisional:
            return None
        if self.projection.entry_id != self.head.entry_id:
            return None
        return await self.snapshots.take(self.projection, self.head, force=force)

    async def _write(self, pickled: Pickled | None) -> bool:
        return self.snapshots is not None and await self.snapshots.write(pickled)

    async def known_at(self, moment: str | None) -> ProjectionT:
        """The projection of the events recorded at or before `moment` (a fixed-width stamp)."""
        latest = await self.current()
        if moment is None or moment >= latest.recorded_at:
            return latest
        cached = self._past.get(moment)
        if cached is not None:
            self._past.move_to_end(moment)
            return cached
        view = await replay(self.store, self.new_projection(), moment)
        self._past[moment] = view
        while len(self._past) > PAST_VIEWS:
            self._past.popitem(last=False)
        return view


class Follower(FoldedStream[ProjectionT]):
    """Another service's stream, folded read-only: facts this service needs but does not own.

    Reading the owner's log (never a copy of it) keeps `known_at` exact: a fact counts from when
    its owner recorded it.
    """

    def __init__(
        self,
        redis: Redis,
        tenant: str,
        stream: str,
        make: Callable[[], ProjectionT],
        clock: Clock = system_clock,
        *,
        store: EventLog | None = None,
    ) -> None:
        self._make = make
        super().__init__(redis, tenant, stream, clock, store=store)

    def new_projection(self) -> ProjectionT:
        """An empty projection of the followed stream."""
        return self._make()
