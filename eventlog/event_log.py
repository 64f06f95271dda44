"""What every hash-chained event store offers, and how a batch of drafts is sealed onto a chain.

`EventStore` (Redis) and `MemoryEventStore` (a test seam) both satisfy `EventLog`; `seal_batch`
is the sealing `EventStore.append` does, so a body recorded by either verifies the same way
(`eventlog.hashchain`). Store types are imported for checking only, so `eventlog.store` can
import `seal_batch` from here without a cycle.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from eventlog.clock import format_timestamp
from eventlog.hashchain import seal

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Sequence
    from datetime import datetime

    from eventlog.store import ChainHead, Draft, Recorded


@dataclass(frozen=True, slots=True)
class SealedBatch:
    """Drafts chained after a head: their bodies, the recorded time they share, the new head."""

    bodies: list[dict[str, Any]]
    stamp: str
    sequence: int
    hash: str


def batch_stamp(head: ChainHead, now: datetime) -> str:
    """The `recorded_at` of a batch appended after `head` at `now`.

    It is `now`, but never earlier than the head's, so recorded time never runs backwards
    along the stream and `known_at` selects a prefix of it.
    """
    return format_timestamp(now if head.recorded_at is None else max(now, head.recorded_at))


def seal_batch(drafts: Sequence[Draft], head: ChainHead, now: datetime) -> SealedBatch:
    """Give each draft its sequence, `recorded_at` (`batch_stamp`) and hashes after `head`.

    Nothing is written.
    """
    stamp = batch_stamp(head, now)
    bodies: list[dict[str, Any]] = []
    prev_hash = head.hash
    for offset, draft in enumerate(drafts, start=1):
        body = seal(
            {**draft.body, "sequence": head.sequence + offset, "recorded_at": stamp}, prev_hash
        )
        bodies.append(body)
        prev_hash = body["hash"]
    return SealedBatch(bodies, stamp, head.sequence + len(drafts), prev_hash)


class PagedLog(Protocol):
    """What a fold reads: a stream's entries in order, in pages (a live store or an archive)."""

    def pages(self, after: str = "0-0", page: int = ...) -> AsyncIterator[list[tuple[str, bytes]]]:
        """Entries after `after` to the end, as pages of at most `page` (entry id, raw body)."""
        ...


class EventLog(PagedLog, Protocol):
    """One tenant's hash-chained event stream with its version, idempotency and head bookkeeping.

    Entry ids are Redis stream ids (`<ms>-<seq>`, increasing); "0-0" means before the first.
    """

    async def head(self) -> ChainHead:
        """The recorded chain head (empty if nothing was ever appended)."""
        ...

    async def append(
        self, drafts: Sequence[Draft], head: ChainHead, now: datetime
    ) -> list[Recorded]:
        """Seal `drafts` after `head` and record them all, or none.

        Raises:
            HeadMovedError: the stream moved on since `head`; re-read, re-decide, retry.
            StoredVersionConflictError: an aggregate's version differs from the draft's.
            DuplicateKeyError: an idempotency key was used already.
        """
        ...

    def pages(self, after: str = "0-0", page: int = ...) -> AsyncIterator[list[tuple[str, bytes]]]:
        """Entries after `after` to the end, as pages of at most `page` (entry id, raw body)."""
        ...

    async def entries(self, entry_ids: Sequence[str]) -> list[Recorded]:
        """Specific entries by id, in the order asked (missing ones are skipped)."""
        ...

    async def idempotency_records(self, keys: Sequence[str]) -> list[tuple[str, str] | None]:
        """(fingerprint, entry id) recorded for each idempotency key, None where unused."""
        ...
