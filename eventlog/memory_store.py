"""An event store held in memory, behaving as `EventStore` does over Redis: a seam for tests.

Same entry ids (`<ms>-<seq>`, made as XADD makes them), the same sealed and hash-chained bodies
(`seal_batch`, stored as canonical JSON), the same checks in the same order as append.lua, the
same errors and the same paging. Each call first yields to the event loop once, as a round trip
to Redis would, so concurrent callers interleave between calls as they do against Redis; the
work of each call is then done without yielding, so an append is atomic as the Lua script is.
"""

from __future__ import annotations

import asyncio
import time
from bisect import bisect_right
from typing import TYPE_CHECKING

import orjson

from eventlog.clock import parse_timestamp
from eventlog.event_log import seal_batch
from eventlog.hashchain import canonical_json
from eventlog.store import (
    PAGE,
    ChainHead,
    DuplicateKeyError,
    HeadMovedError,
    Recorded,
    StoredVersionConflictError,
)

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable, Sequence
    from datetime import datetime

    from eventlog.store import Draft

IN_BATCH = "in-batch"
"""What append.lua reports as the prior use of a key repeated within one batch (no entry id)."""


def wall_millis() -> int:
    """The machine's time in milliseconds, as Redis reads its clock for XADD ids."""
    return time.time_ns() // 1_000_000


def parse_entry_id(entry_id: str) -> tuple[int, int]:
    """(milliseconds, sequence) of a stream id, for ordering as Redis orders them.

    A bare `<ms>` reads as `<ms>-0`, as XRANGE reads an incomplete start id.

    Raises:
        ValueError: `entry_id` is not a stream id (Redis refuses it too).
    """
    millis, dash, sequence = entry_id.partition("-")
    if not (millis.isdigit() and (sequence.isdigit() or not (dash or sequence))):
        raise ValueError(f"{entry_id!r} is not a stream id '<ms>-<seq>'")
    return int(millis), int(sequence or 0)


async def _round_trip() -> None:
    """Let other tasks run, where a call to Redis would await its reply."""
    await asyncio.sleep(0)


class MemoryEventStore:
    """One event stream with its versions, idempotency keys and head, in this process only."""

    def __init__(self, millis: Callable[[], int] = wall_millis) -> None:
        self._millis = millis
        self._ids: list[tuple[int, int]] = []
        self._entries: list[tuple[str, bytes]] = []
        self._positions: dict[str, int] = {}
        self._versions: dict[str, int] = {}
        self._idempotency: dict[str, tuple[str, str]] = {}
        self._head = ChainHead.empty()

    async def head(self) -> ChainHead:
        """The recorded chain head (empty if nothing was ever appended)."""
        await _round_trip()
        return self._head

    async def append(
        self, drafts: Sequence[Draft], head: ChainHead, now: datetime
    ) -> list[Recorded]:
        """Seal `drafts` after `head` and record them all, or none (see `EventStore.append`).

        Raises:
            HeadMovedError: the stream moved on since `head`; re-read, re-decide, retry.
            StoredVersionConflictError: an aggregate's version differs from the draft's.
            DuplicateKeyError: an idempotency key was used already.
        """
        if not drafts:
            return []
        batch = seal_batch(drafts, head, now)
        raw = [canonical_json(body) for body in batch.bodies]
        await _round_trip()
        if self._head.hash != head.hash:
            raise HeadMovedError(self._head)
        self._check(drafts)
        millis = self._millis()
        entry_ids = [
            self._add(draft, body, millis) for draft, body in zip(drafts, raw, strict=True)
        ]
        self._head = ChainHead(
            sequence=batch.sequence,
            hash=batch.hash,
            entry_id=entry_ids[-1],
            recorded_at=parse_timestamp(batch.stamp),
        )
        return [
            Recorded(entry_id, body) for entry_id, body in zip(entry_ids, batch.bodies, strict=True)
        ]

    def _check(self, drafts: Sequence[Draft]) -> None:
        """Refuse the batch at its first used key or unexpected version, as append.lua does."""
        versions: dict[str, int] = {}
        in_batch: set[str] = set()
        for index, draft in enumerate(drafts):
            key = draft.idempotency_key
            if key:
                prior = self._idempotency.get(key)
                if prior is not None:
                    raise DuplicateKeyError(index, *prior)
                if key in in_batch:
                    raise DuplicateKeyError(index, IN_BATCH, "")
                in_batch.add(key)
            current = versions.get(draft.aggregate_key, self._versions.get(draft.aggregate_key, 0))
            if draft.expected_version >= 0 and current != draft.expected_version:
                raise StoredVersionConflictError(index, current)
            versions[draft.aggregate_key] = current + 1

    def _add(self, draft: Draft, raw: bytes, millis: int) -> str:
        """Record one checked entry under the next stream id at `millis`; return the id.

        One clock reading serves a whole batch, as Redis 7 freezes its clock during a script.
        """
        last_millis, last_sequence = self._ids[-1] if self._ids else (0, 0)
        position = (millis, 0) if millis > last_millis else (last_millis, last_sequence + 1)
        entry_id = f"{position[0]}-{position[1]}"
        self._positions[entry_id] = len(self._entries)
        self._ids.append(position)
        self._entries.append((entry_id, raw))
        self._versions[draft.aggregate_key] = self._versions.get(draft.aggregate_key, 0) + 1
        if draft.idempotency_key:
            self._idempotency[draft.idempotency_key] = (draft.fingerprint, entry_id)
        return entry_id

    async def pages(
        self, after: str = "0-0", page: int = PAGE
    ) -> AsyncIterator[list[tuple[str, bytes]]]:
        """Entries after `after` to the end, as pages of (entry id, raw body).

        Each page is read when asked for, so entries appended meanwhile appear in later pages.
        """
        position = parse_entry_id(after)
        while True:
            await _round_trip()
            start = bisect_right(self._ids, position)
            found = self._entries[start : start + page]
            if not found:
                return
            yield found
            if len(found) < page:
                return
            position = self._ids[start + len(found) - 1]

    async def entries(self, entry_ids: Sequence[str]) -> list[Recorded]:
        """Specific entries by id, in the order asked (missing ones are skipped)."""
        await _round_trip()
        found = [self._positions.get(entry_id) for entry_id in entry_ids]
        return [
            Recorded(self._entries[at][0], orjson.loads(self._entries[at][1]))
            for at in found
            if at is not None
        ]

    async def idempotency_records(self, keys: Sequence[str]) -> list[tuple[str, str] | None]:
        """(fingerprint, entry id) recorded for each idempotency key, None where unused."""
        await _round_trip()
        return [self._idempotency.get(key) for key in keys]
