"""A hash-chained event store over one Redis Stream per tenant and service.

`append` seals a batch of drafted events against the chain head and writes them in one Lua call
(append.lua): expected versions, idempotency keys and the head are checked atomically with the
XADDs. Reads page through the stream with XRANGE and hand back raw bodies, so readers decode only
what they need (REDIS_STREAMS.md item 14). Streams are never trimmed (item 8).
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Any

import orjson

from eventlog.clock import parse_timestamp
from eventlog.event_log import seal_batch
from eventlog.hashchain import GENESIS, canonical_json
from eventlog.metric_counters import EVENTS_APPENDED
from eventlog.signing_keys import process_signer

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Sequence
    from datetime import datetime

    from redis.asyncio import Redis

    from contracts.streams import StoreKeys
    from eventlog.head_signing import HeadSigner

DATA_FIELD = b"__data__"
"""The single field of each stream entry; FastStream's stream parser reads it as the body."""

PAGE = 1000


@dataclass(frozen=True, slots=True)
class ChainHead:
    """The last event of a stream as the store recorded it."""

    sequence: int
    hash: str
    entry_id: str
    recorded_at: datetime | None

    @classmethod
    def empty(cls) -> ChainHead:
        """The head of a stream with no events."""
        return cls(sequence=0, hash=GENESIS, entry_id="0-0", recorded_at=None)


@dataclass(frozen=True, slots=True)
class Draft:
    """An event decided but not yet recorded: the body without sequence, times or hashes."""

    body: dict[str, Any]
    aggregate_key: str
    expected_version: int
    idempotency_key: str | None = None
    fingerprint: str = ""


@dataclass(frozen=True, slots=True)
class Recorded:
    """An event as stored: its stream entry id and sealed body."""

    entry_id: str
    body: dict[str, Any]


class HeadMovedError(Exception):
    """Another writer appended since the head this batch was sealed against."""

    def __init__(self, head: ChainHead) -> None:
        super().__init__(f"the stream head moved to sequence {head.sequence}")
        self.head = head


class StoredVersionConflictError(Exception):
    """An aggregate is not at the version the batch was decided against."""

    def __init__(self, index: int, current: int) -> None:
        super().__init__(f"event {index}: aggregate is at version {current}")
        self.index = index
        self.current = current


class DuplicateKeyError(Exception):
    """An idempotency key in the batch was used by an earlier append."""

    def __init__(self, index: int, fingerprint: str, entry_id: str) -> None:
        super().__init__(f"event {index}: idempotency key already used by {entry_id}")
        self.index = index
        self.fingerprint = fingerprint
        self.entry_id = entry_id


def _text(value: bytes | str | None) -> str:
    if value is None:
        return ""
    return value.decode() if isinstance(value, bytes) else value


def _body(fields: dict[bytes | str, bytes | str] | None) -> bytes:
    """The raw JSON body of an entry (an entry without one reads as empty: `verify` flags it)."""
    value = (fields or {}).get(DATA_FIELD, b"")
    return value.encode() if isinstance(value, str) else value


class EventStore:
    """One tenant's event stream with its version, idempotency and head bookkeeping."""

    def __init__(self, redis: Redis, keys: StoreKeys, signer: HeadSigner | None = None) -> None:
        self.redis = redis
        self.keys = keys
        self.signer = signer or process_signer()
        """Signs each new head (eventlog.head_signing); by default this process's service's."""
        script = resources.files("eventlog").joinpath("append.lua").read_text()
        self._append = redis.register_script(script)

    async def head(self) -> ChainHead:
        """The recorded chain head (empty if nothing was ever appended)."""
        fields = await self.redis.hmget(
            self.keys.head, ["hash", "sequence", "entry_id", "recorded_at"]
        )
        hash_, sequence, entry_id, recorded_at = (_text(value or b"") for value in fields)
        if not hash_:
            return ChainHead.empty()
        return ChainHead(
            sequence=int(sequence),
            hash=hash_,
            entry_id=entry_id,
            recorded_at=parse_timestamp(recorded_at) if recorded_at else None,
        )

    async def append(
        self, drafts: Sequence[Draft], head: ChainHead, now: datetime
    ) -> list[Recorded]:
        """Seal `drafts` after `head` and record them all, or none.

        Sealing (sequence, `recorded_at`, hashes) is `eventlog.event_log.seal_batch`.

        Raises:
            HeadMovedError: the stream moved on since `head`; re-read, re-decide, retry.
            StoredVersionConflictError: an aggregate's version differs from the draft's.
            DuplicateKeyError: an idempotency key was used already.
        """
        if not drafts:
            return []
        batch = seal_batch(drafts, head, now)
        sealed = batch.bodies
        args: list[str | bytes | int] = [
            head.hash,
            GENESIS,
            len(drafts),
            batch.sequence,
            batch.hash,
            batch.stamp,
        ]
        for draft, body in zip(drafts, sealed, strict=True):
            args += [
                draft.aggregate_key,
                draft.expected_version,
                draft.idempotency_key or "",
                draft.fingerprint,
                canonical_json(body),
            ]
        signer = self.signer
        args.append(
            signer.sign(self.keys.stream, batch.sequence, batch.hash) if signer is not None else ""
        )
        keys = [self.keys.stream, self.keys.versions, self.keys.idempotency, self.keys.head]
        reply = await self._append(keys=keys, args=args)
        status = _text(reply[0])
        if status == "ok":
            EVENTS_APPENDED.labels(self.keys.stream).inc(len(drafts))
            return [
                Recorded(_text(entry_id), body)
                for entry_id, body in zip(reply[1:], sealed, strict=True)
            ]
        if status == "head-moved":
            moved_at = _text(reply[4])
            raise HeadMovedError(
                ChainHead(
                    sequence=int(reply[2]),
                    hash=_text(reply[1]),
                    entry_id=_text(reply[3]),
                    recorded_at=parse_timestamp(moved_at) if moved_at else None,
                )
            )
        if status == "version-conflict":
            raise StoredVersionConflictError(int(reply[1]), int(reply[2]))
        fingerprint, _, entry_id = _text(reply[2]).partition("|")
        raise DuplicateKeyError(int(reply[1]), fingerprint, entry_id)

    async def pages(
        self, after: str = "0-0", page: int = PAGE
    ) -> AsyncIterator[list[tuple[str, bytes]]]:
        """Entries after `after` to the end, as pages of (entry id, raw body)."""
        start = f"({after}" if after != "0-0" else "-"
        while True:
            entries = await self.redis.xrange(self.keys.stream, min=start, max="+", count=page)
            if not entries:
                return
            yield [(_text(entry_id), _body(fields)) for entry_id, fields in entries]
            if len(entries) < page:
                return
            start = f"({_text(entries[-1][0])}"

    async def entries(self, entry_ids: Sequence[str]) -> list[Recorded]:
        """Specific entries by id, in the order asked (missing ones are skipped)."""
        async with self.redis.pipeline(transaction=False) as pipe:
            for entry_id in entry_ids:
                pipe.xrange(self.keys.stream, min=entry_id, max=entry_id, count=1)
            replies = await pipe.execute()
        return [
            Recorded(_text(found[0][0]), orjson.loads(_body(found[0][1])))
            for found in replies
            if found
        ]

    async def idempotency_records(self, keys: Sequence[str]) -> list[tuple[str, str] | None]:
        """(fingerprint, entry id) recorded for each idempotency key, None where unused.

        One HMGET for a whole batch, so checking 500 streamed commands is one round trip.
        """
        if not keys:
            return []
        stored = await self.redis.hmget(self.keys.idempotency, list(keys))
        found: list[tuple[str, str] | None] = []
        for value in stored:
            if value is None:
                found.append(None)
            else:
                fingerprint, _, entry_id = _text(value).partition("|")
                found.append((fingerprint, entry_id))
        return found
