"""Tampering with the log, live in Redis and in an archive: named by `estab verify`, refused by
`estab replay` — a field edited, an entry deleted, two entries swapped, a forged entry inserted,
the last entry cut off."""

from __future__ import annotations

import gzip
from typing import TYPE_CHECKING, Any

import orjson
import pytest
from driving import estab
from leeds_2018 import log_leeds_2018_redesign

from contracts.streams import ESTABLISHMENT_EVENTS, StoreKeys
from eventlog.audit import stream_bodies
from eventlog.hashchain import seal

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from redis.asyncio import Redis

pytestmark = [pytest.mark.e2e, pytest.mark.redis]

Entry = tuple[str, dict[str, Any]]
"""An entry id and the event body it holds."""

VICTIM = 10
"""The position of the entry each tampering starts at (an event in the middle of the log)."""


def _edited(entries: list[Entry]) -> tuple[list[Entry], str, str]:
    body = {**entries[VICTIM][1], "payload": {**entries[VICTIM][1]["payload"], "title": "Forged"}}
    changed = [*entries[:VICTIM], (entries[VICTIM][0], body), *entries[VICTIM + 1 :]]
    return changed, entries[VICTIM][0], "edited"


def _deleted(entries: list[Entry]) -> tuple[list[Entry], str, str]:
    return [*entries[:VICTIM], *entries[VICTIM + 1 :]], entries[VICTIM + 1][0], "missing"


def _swapped(entries: list[Entry]) -> tuple[list[Entry], str, str]:
    (first, one), (second, other) = entries[VICTIM], entries[VICTIM + 1]
    swapped = [*entries[:VICTIM], (first, other), (second, one), *entries[VICTIM + 2 :]]
    return swapped, first, "reordered"


def _inserted(entries: list[Entry]) -> tuple[list[Entry], str, str]:
    """A forged event chained properly after the victim; the real events after it re-id'd."""
    before = entries[VICTIM][1]
    forged = seal(
        {**before, "event_id": "forged-event", "sequence": before["sequence"] + 1},
        before["hash"],
    )
    later = [(_next_id(entry_id), body) for entry_id, body in entries[VICTIM + 1 :]]
    spliced = [*entries[: VICTIM + 1], (entries[VICTIM + 1][0], forged), *later]
    return spliced, later[0][0], "inserted"


def _cut(entries: list[Entry]) -> tuple[list[Entry], str, str]:
    return entries[:-1], "(end)", "truncated"


def _next_id(entry_id: str) -> str:
    """The stream id just after `entry_id` (`ms-seq` with seq one more)."""
    millis, sequence = entry_id.split("-")
    return f"{millis}-{int(sequence) + 1}"


TAMPERINGS: dict[str, Callable[[list[Entry]], tuple[list[Entry], str, str]]] = {
    "edited": _edited,
    "deleted": _deleted,
    "swapped": _swapped,
    "inserted": _inserted,
    "cut": _cut,
}


async def _rewrite_live(redis: Redis, key: str, entries: list[Entry]) -> None:
    """The stream replaced by `entries`, as someone with write access to Redis could."""
    await redis.delete(key)
    for entry_id, body in entries:
        await redis.xadd(key, {"__data__": orjson.dumps(body)}, id=entry_id)


def _archive_lines(path: Path) -> list[dict[str, Any]]:
    with gzip.open(path, "rb") as source:
        return [orjson.loads(line) for line in source.read().splitlines()]


def _rewrite_archive(path: Path, lines: list[dict[str, Any]], entries: list[Entry]) -> None:
    """The archive with its establishment stream replaced by `entries`, the rest as it was."""
    ours = [line for line in lines[1:] if line["stream"] == ESTABLISHMENT_EVENTS]
    kept = [line for line in lines[1:] if line["stream"] != ESTABLISHMENT_EVENTS]
    signatures = {line["id"]: line["signature"] for line in ours}
    forged = [
        {"stream": ESTABLISHMENT_EVENTS, "id": entry_id, "data": orjson.dumps(body).decode(),
         "signature": signatures.get(entry_id)}
        for entry_id, body in entries
    ]  # fmt: skip
    with gzip.open(path, "wb") as out:
        out.write(b"".join(orjson.dumps(line) + b"\n" for line in [lines[0], *forged, *kept]))


def _assert_named_and_refused(source: tuple[str, ...], tenant: str, named: str, word: str) -> None:
    """verify exits 1 naming the stream, the entry and the kind; replay refuses (exit 1)."""
    broken = estab("verify", *source)
    said = " ".join(broken.stderr.split())
    assert broken.returncode == 1, broken.stdout + broken.stderr
    assert f"BROKEN {tenant} {ESTABLISHMENT_EVENTS}: entry {named}" in said
    assert f"{word}" in said
    refused = estab("replay", *source, "--as-of", "2018-04-01", "--json")
    assert refused.returncode == 1
    assert refused.stdout == ""
    assert "Not replayed" in refused.stderr


@pytest.mark.usefixtures("with_catalogue")
@pytest.mark.parametrize("kind", sorted(TAMPERINGS))
async def test_tampering_is_named_and_refused_live_and_in_an_archive(
    redis: Redis, redis_url: str, tenant: str, tmp_path: Path, kind: str
) -> None:
    """Each kind of tampering is named by verify and refused by replay, in Redis and in a file."""
    await log_leeds_2018_redesign(redis, tenant)
    archive = tmp_path / "leeds.jsonl.gz"
    live = ("--redis-url", redis_url, "--tenant", tenant, "--data-dir", str(tmp_path))
    made = estab("export", "--format", "jsonl", "--out", str(archive), *live)
    assert made.returncode == 0, made.stdout + made.stderr
    intact = estab("verify", "--archive", str(archive), "--data-dir", str(tmp_path))
    assert intact.returncode == 0, intact.stdout + intact.stderr

    lines = _archive_lines(archive)
    archived = [
        (line["id"], orjson.loads(line["data"]))
        for line in lines[1:]
        if line["stream"] == ESTABLISHMENT_EVENTS
    ]
    changed, named, word = TAMPERINGS[kind](archived)
    _rewrite_archive(archive, lines, changed)
    in_file = ("--archive", str(archive), "--data-dir", str(tmp_path))
    _assert_named_and_refused(in_file, tenant, named, word)

    key = StoreKeys.for_stream(tenant, ESTABLISHMENT_EVENTS).stream
    changed, named, word = TAMPERINGS[kind](await stream_bodies(redis, key))
    await _rewrite_live(redis, key, changed)
    _assert_named_and_refused(live, tenant, named, word)
