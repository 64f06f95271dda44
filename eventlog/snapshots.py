"""Projection snapshots beside their stream, so a service warm-starts by folding only the tail.

A snapshot is one projection pickled at a settled chain head: every event up to that head folded,
none after it, nothing provisional (`eventlog.snapshot_codec` says how it is encoded, signed and
versioned). It lives in a Redis hash at `<stream>:snapshot:<kind>` (the stream's key with a
suffix, so in the tenant's `{tenant}` slot) with the fields `header`, `body` and `mac`. Every
reader of a stream folding the same class (its owner and its followers) shares one snapshot.

`ESTAB_SNAPSHOT_KEY` is the HMAC key. Without one (or with one shorter than `MIN_KEY_CHARS`) no
snapshot is read or written and every start replays the whole log; that is logged once, when a
catch-up first folds a snapshot's worth of events (a short key at once). Anyone
holding the key can make every service that reads snapshots run code of their choosing: it is a
deployment secret like the Redis passwords. `ESTAB_SNAPSHOT_EVERY` (default 50,000) is how many
events folded since the last snapshot make the next one due.

A snapshot is ignored, with the reason logged, and the log replayed in full if: the MAC fails,
the kind, schema version or code differ, the event stored at its head's entry id is missing or
has another hash or sequence (the chain it was taken from is not this log), or it will not load.
Ignoring one is always safe: the log is the truth, a snapshot only saves time, so failing to take
or write one is logged and fails nothing else.
"""

from __future__ import annotations

import asyncio
import os
import time
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import structlog
from redis.exceptions import NoPermissionError

from eventlog.snapshot_codec import (
    Schema,
    SnapshotRefusedError,
    decode,
    dumps,
    header_fields,
    kind_name,
    opened,
    seal,
)

if TYPE_CHECKING:
    from redis.asyncio import Redis

    from contracts.streams import StoreKeys
    from eventlog.event_log import EventLog
    from eventlog.store import ChainHead

log = structlog.get_logger()

KEY_ENV = "ESTAB_SNAPSHOT_KEY"
"""The HMAC key snapshots are signed and checked with; unset or empty: snapshots off."""
EVERY_ENV = "ESTAB_SNAPSHOT_EVERY"
"""Events folded since the last snapshot that make the next one due."""
DEFAULT_EVERY = 50_000
MIN_KEY_CHARS = 32
"""A shorter key is refused (snapshots off, logged): `estab up` makes 64 hex digits."""
MAX_BODY = 512 * 1024 * 1024
"""Redis's largest value (`proto-max-bulk-len`); a bigger snapshot is not written (logged)."""

P = TypeVar("P")


@dataclass(frozen=True, slots=True)
class Pickled:
    """A projection pickled at `head`, not yet compressed, signed or written."""

    kind: type[Any]
    head: ChainHead
    body: bytes
    seconds: float


@dataclass(frozen=True, slots=True)
class Snapshot(Generic[P]):
    """A projection loaded from a snapshot and the head it was taken at."""

    projection: P
    head: ChainHead


@cache
def _say_off(reason: str) -> None:
    """Log once per process why snapshots are off."""
    log.warning("snapshots off: every start replays the whole log", reason=reason)


def replayed_without(folded: int) -> None:
    """Say (once) that snapshots are off if a catch-up without them folded a snapshot's worth.

    Not before: a small log, or a command-line tool reading one, has nothing to say.
    """
    if folded and folded >= every_from_env():
        _say_off(f"{KEY_ENV} is not set")


@cache
def _say_bad_every(text: str) -> None:
    log.error("ESTAB_SNAPSHOT_EVERY is not a positive whole number", value=text, used=DEFAULT_EVERY)


def every_from_env() -> int:
    """`ESTAB_SNAPSHOT_EVERY` as a positive count (the default, logged, if it is not one)."""
    text = os.environ.get(EVERY_ENV, "").strip()
    if not text:
        return DEFAULT_EVERY
    if text.isdigit() and int(text) > 0:
        return int(text)
    _say_bad_every(text)
    return DEFAULT_EVERY


class Snapshots:
    """The snapshots of one stream's projection, and when the next is due."""

    def __init__(self, redis: Redis, keys: StoreKeys, secret: bytes, every: int) -> None:
        self.redis = redis
        self.keys = keys
        self.every = every
        self._secret = secret
        self.taken_at = 0
        """Sequence of the last snapshot taken or loaded (or found taken by another reader)."""
        self.available = True
        """False once Redis refused the snapshot key (an ACL without it): never tried again."""

    @classmethod
    def configured(cls, redis: Redis, keys: StoreKeys) -> Snapshots | None:
        """Snapshots of `keys.stream` if `ESTAB_SNAPSHOT_KEY` is set (None: off)."""
        secret = os.environ.get(KEY_ENV, "").strip()
        if not secret:
            return None
        if len(secret) < MIN_KEY_CHARS:
            _say_off(f"{KEY_ENV} is shorter than {MIN_KEY_CHARS} characters")
            return None
        return cls(redis, keys, secret.encode(), every_from_env())

    def key(self, kind: type[Any]) -> str:
        """Where the snapshot of this stream's projections of class `kind` is kept."""
        return f"{self.keys.stream}:snapshot:{kind_name(kind)}"

    async def load(self, kind: type[P], store: EventLog) -> Snapshot[P] | None:
        """The stored snapshot of `kind` if it verifies against `store`; None (logged) if not."""
        self.taken_at = 0
        if not self.available:
            return None
        key = self.key(kind)
        try:
            header, body, mac = await self.redis.hmget(key, ["header", "body", "mac"])
        except NoPermissionError as error:
            self._refused(key, error)
            return None
        if not (isinstance(header, bytes) and isinstance(body, bytes) and isinstance(mac, bytes)):
            return None
        began = time.perf_counter()
        try:
            head = opened(self._secret, kind, header, body, mac)
            await _check_chain(head, store)
            projection = await asyncio.to_thread(decode, kind, head, body)
        except SnapshotRefusedError as error:
            log.warning(
                "snapshot ignored; replaying the whole log", snapshot=key, reason=str(error)
            )
            return None
        self.taken_at = head.sequence
        log.info(
            "snapshot loaded",
            snapshot=key,
            sequence=head.sequence,
            bytes=len(body),
            seconds=round(time.perf_counter() - began, 3),
        )
        return Snapshot(projection, head)

    async def take(self, projection: object, head: ChainHead, *, force: bool) -> Pickled | None:
        """`projection`, folded to exactly `head`, pickled if a snapshot is due (or `force`).

        Pickling runs in a worker thread; the caller keeps the projection unchanged until this
        returns (it holds its stream's lock). Not due if another reader of the stream stored one
        within the last `every / 2` events: that one counts as this reader's last.
        """
        if not self.available or head.sequence == 0:
            return None
        if not force and head.sequence - self.taken_at < self.every:
            return None
        self.taken_at = head.sequence
        kind = type(projection)
        try:
            if not force:
                stored = await self._stored_at(kind)
                if head.sequence - stored < self.every // 2:
                    self.taken_at = stored
                    return None
            began = time.perf_counter()
            body = await asyncio.to_thread(dumps, projection)
        except NoPermissionError as error:
            self._refused(self.key(kind), error)
            return None
        except Exception:  # a snapshot only saves time: failing one fails nothing else
            log.exception("snapshot not taken", snapshot=self.key(kind))
            return None
        return Pickled(kind, head, body, time.perf_counter() - began)

    async def write(self, pickled: Pickled | None) -> bool:
        """Compress, sign and store a pickled projection; whether it was written.

        Needs no lock: the pickle is bytes, whatever the projection does meanwhile.
        """
        if pickled is None:
            return False
        key = self.key(pickled.kind)
        try:
            fields = await asyncio.to_thread(
                seal, self._secret, pickled.kind, pickled.head, pickled.body
            )
            if len(fields["body"]) > MAX_BODY:
                log.error("snapshot too big for one Redis value; not written", snapshot=key)
                return False
            await self.redis.hset(key, mapping=fields)  # type: ignore[arg-type]
        except NoPermissionError as error:
            self._refused(key, error)
            return False
        except Exception:  # a snapshot only saves time: failing one fails nothing else
            log.exception("snapshot not written", snapshot=key)
            return False
        log.info(
            "snapshot saved",
            snapshot=key,
            sequence=pickled.head.sequence,
            bytes=len(fields["body"]),
            pickled_bytes=len(pickled.body),
            pickle_seconds=round(pickled.seconds, 3),
        )
        return True

    async def _stored_at(self, kind: type[Any]) -> int:
        """The sequence of the snapshot stored by code like this one (0: none, or another's).

        Read from the header without checking the MAC: it only decides whether to take one.
        """
        raw = await self.redis.hget(self.key(kind), "header")
        header = header_fields(raw) if isinstance(raw, bytes) else {}
        if Schema.of(kind).mismatch(header):
            return 0
        head = header.get("head")
        sequence = head.get("sequence") if isinstance(head, dict) else None
        return sequence if isinstance(sequence, int) else 0

    def _refused(self, key: str, error: NoPermissionError) -> None:
        """Stop using a key Redis refuses this process (logged once per stream)."""
        log.warning(
            "snapshots unavailable for this stream: Redis refused the key",
            snapshot=key,
            error=str(error),
        )
        self.available = False


async def _check_chain(head: ChainHead, store: EventLog) -> None:
    """Refuse a snapshot whose head is not an event of this log.

    Raises:
        SnapshotRefusedError: no event at the head's entry id, or one with another hash.
    """
    found = await store.entries([head.entry_id])
    if not found:
        raise SnapshotRefusedError(f"the log has no event at its head's entry id {head.entry_id}")
    body = found[0].body
    if body.get("hash") != head.hash or body.get("sequence") != head.sequence:
        raise SnapshotRefusedError(
            f"the event at {head.entry_id} is sequence {body.get('sequence')} with another hash "
            "than its head: the chain it was taken from is not this log"
        )
