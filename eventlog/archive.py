"""A tenant's whole history in one self-contained file: every event stream, and a manifest.

gzip-compressed JSON lines. The first line is the manifest:

    {"archive": "estab-archive/1", "tenant": "leeds", "made_at": "...",
     "streams": {"establishment.events": {"count": 38, "head": {"sequence": 38, "hash": "...",
                 "entry_id": "..."}}, ...},
     "keys": [{"service": "establishment", "key_id": "...", "public_key": "..."}, ...]}

and each further line one entry as stored: `{"stream", "id", "data", "signature"}`, `data` being
the exact text Redis holds, so the hash chain and the signed heads are checked on the same
bytes (`verify_archive`), and `ArchivedStream` serves a stream's entries to the same folds the
services use, with no Redis at all. Each stream is read up to the head recorded when the archive
began, so what it holds is one consistent prefix of every log.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import orjson

from contracts.streams import EVENT_STREAMS, StoreKeys, stream_key
from eventlog.audit import stream_entries
from eventlog.clock import format_timestamp, parse_timestamp
from eventlog.head_signing import PublicKey
from eventlog.store import PAGE, ChainHead, EventStore
from eventlog.store_audit import StoreAudit

if TYPE_CHECKING:
    from collections.abc import AsyncIterator
    from pathlib import Path

    from redis.asyncio import Redis

    from eventlog.hashchain import ChainReport
    from eventlog.head_signing import TrustedKeys

FORMAT = "estab-archive/1"


class ArchiveError(ValueError):
    """A file that is not an archive this code can read (the message says where and why)."""


@dataclass(frozen=True, slots=True)
class ArchivedEntry:
    """One stored entry: its stream id, its body as stored, its head signature if any."""

    entry_id: str
    raw: bytes
    signature: str | None


@dataclass
class Archive:
    """An archive read back: its manifest and each stream's entries in order."""

    manifest: dict[str, Any]
    streams: dict[str, list[ArchivedEntry]] = field(default_factory=dict)

    @property
    def tenant(self) -> str:
        """The tenant whose history it holds."""
        return str(self.manifest["tenant"])

    def keys(self) -> list[PublicKey]:
        """The public keys the manifest carries (as the archive itself claims them)."""
        return [PublicKey.of(view) for view in self.manifest.get("keys", [])]

    def head(self, stream: str) -> ChainHead:
        """The head the manifest recorded for `stream` (empty if it had none)."""
        head = self.manifest["streams"].get(stream, {}).get("head")
        if not head:
            return ChainHead.empty()
        stamp = head.get("recorded_at")
        return ChainHead(
            sequence=int(head["sequence"]),
            hash=str(head["hash"]),
            entry_id=str(head["entry_id"]),
            recorded_at=parse_timestamp(stamp) if stamp else None,
        )


async def write_archive(
    redis: Redis, tenant: str, path: Path, keys: list[PublicKey], made_at: str
) -> dict[str, Any]:
    """Write every event stream of `tenant` to `path`; the manifest written."""
    heads = {
        stream: await EventStore(redis, StoreKeys.for_stream(tenant, stream)).head()
        for stream in EVENT_STREAMS
    }
    manifest = {
        "archive": FORMAT,
        "tenant": tenant,
        "made_at": made_at,
        "streams": {
            stream: {
                "count": head.sequence,
                "head": _head_view(head) if head.sequence else None,
            }
            for stream, head in heads.items()
        },
        "keys": [key.view() for key in keys],
    }
    with gzip.open(path, "wb") as out:
        out.write(orjson.dumps(manifest) + b"\n")
        for stream, head in heads.items():
            if not head.sequence:
                continue
            async for entry_id, raw, signature in stream_entries(redis, stream_key(tenant, stream)):
                line = {
                    "stream": stream,
                    "id": entry_id,
                    "data": raw.decode(),
                    "signature": signature,
                }
                out.write(orjson.dumps(line) + b"\n")
                if entry_id == head.entry_id:
                    break
    return manifest


def _head_view(head: ChainHead) -> dict[str, Any]:
    return {
        "sequence": head.sequence,
        "hash": head.hash,
        "entry_id": head.entry_id,
        "recorded_at": format_timestamp(head.recorded_at) if head.recorded_at else None,
    }


def read_archive(path: Path) -> Archive:
    """The archive in `path`, or ArchiveError naming the line that cannot be read."""
    try:
        with gzip.open(path, "rb") as source:
            lines = source.read().splitlines()
    except (OSError, EOFError) as error:
        raise ArchiveError(f"{path}: not a gzip file: {error}") from error
    if not lines:
        raise ArchiveError(f"{path}: empty")
    try:
        manifest = orjson.loads(lines[0])
    except orjson.JSONDecodeError as error:
        raise ArchiveError(f"{path}: line 1 is not a manifest: {error}") from error
    if not isinstance(manifest, dict) or manifest.get("archive") != FORMAT:
        raise ArchiveError(f"{path}: line 1 is not an {FORMAT} manifest")
    archive = Archive(manifest, {stream: [] for stream in manifest.get("streams", {})})
    for number, line in enumerate(lines[1:], start=2):
        try:
            entry = orjson.loads(line)
            archive.streams[entry["stream"]].append(
                ArchivedEntry(str(entry["id"]), str(entry["data"]).encode(), entry.get("signature"))
            )
        except (orjson.JSONDecodeError, KeyError, TypeError) as error:
            raise ArchiveError(
                f"{path}: line {number} is not an archived entry: {error}"
            ) from error
    return archive


def verify_archive(archive: Archive, trusted: TrustedKeys | None) -> list[tuple[str, ChainReport]]:
    """(stream, report) for each stream in the archive: chain, signed heads, the manifest's head."""
    reports = []
    for stream, entries in archive.streams.items():
        audit = StoreAudit(stream_key(archive.tenant, stream), trusted)
        failed = None
        for entry in entries:
            failed = audit.feed(entry.entry_id, entry.raw, entry.signature)
            if failed is not None:
                break
        head = archive.head(stream)
        reports.append(
            (stream, failed or audit.finish(head.hash if head.sequence else None, head.sequence))
        )
    return reports


class ArchivedStream:
    """One archived stream, read as a store is read by a fold (`pages`, `head`)."""

    def __init__(self, archive: Archive, stream: str) -> None:
        self.entries = archive.streams.get(stream, [])
        self._head = archive.head(stream)

    async def head(self) -> ChainHead:
        """The head the manifest recorded."""
        return self._head

    async def pages(
        self, after: str = "0-0", page: int = PAGE
    ) -> AsyncIterator[list[tuple[str, bytes]]]:
        """The entries after `after`, in pages, as `EventStore.pages` yields them."""
        start = 0
        if after != "0-0":
            start = next(
                (index + 1 for index, entry in enumerate(self.entries) if entry.entry_id == after),
                len(self.entries),
            )
        for first in range(start, len(self.entries), page):
            yield [(entry.entry_id, entry.raw) for entry in self.entries[first : first + page]]
