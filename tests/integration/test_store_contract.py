"""One contract for every event store: Redis (`EventStore`) and in-memory (`MemoryEventStore`).

Each test runs against both, so the memory store can stand in for Redis in tests of callers.
"""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import pytest
from redis.asyncio import Redis

from contracts.streams import StoreKeys
from eventlog.clock import format_timestamp
from eventlog.event_log import EventLog
from eventlog.hashchain import GENESIS, canonical_json, event_hash, verify
from eventlog.memory_store import MemoryEventStore
from eventlog.store import (
    PAGE,
    ChainHead,
    Draft,
    DuplicateKeyError,
    EventStore,
    HeadMovedError,
    Recorded,
    StoredVersionConflictError,
)

pytestmark = pytest.mark.redis

NOW = datetime(2026, 3, 2, 9, 30, 15, 123456, tzinfo=UTC)
ENTRY_ID = re.compile(r"^\d+-\d+$")


@pytest.fixture(params=["redis", "memory"])
def store(request: pytest.FixtureRequest, redis: Redis) -> EventLog:
    """A fresh, empty store of each kind (the Redis one under keys no other test uses)."""
    if request.param == "memory":
        return MemoryEventStore()
    return EventStore(redis, StoreKeys.for_stream(f"c-{uuid4().hex[:12]}", "contract.events"))


def draft(
    aggregate: str = "post:1",
    expected: int = 0,
    key: str | None = None,
    fingerprint: str = "",
    **payload: Any,
) -> Draft:
    """A drafted event on `aggregate`, decided at version `expected`."""
    return Draft(
        body={
            "event_id": str(uuid4()),
            "type": "Noted",
            "aggregate": aggregate,
            "payload": payload,
        },
        aggregate_key=aggregate,
        expected_version=expected,
        idempotency_key=key,
        fingerprint=fingerprint,
    )


async def everything(store: EventLog, after: str = "0-0", page: int = PAGE) -> list[list[str]]:
    """The entry ids of each page read after `after`."""
    return [[entry_id for entry_id, _ in found] async for found in store.pages(after, page)]


def ids(recorded: list[Recorded]) -> list[str]:
    """The entry ids of recorded events."""
    return [entry.entry_id for entry in recorded]


async def fill(store: EventLog, count: int) -> list[Recorded]:
    """`count` events on distinct aggregates, appended one batch each."""
    recorded: list[Recorded] = []
    for _ in range(count):
        recorded += await store.append([draft(f"post:{uuid4()}")], await store.head(), NOW)
    return recorded


async def test_an_empty_store_has_the_genesis_head_and_nothing_to_read(store: EventLog) -> None:
    """Before any append: the empty head, no pages, no entries, no idempotency records."""
    assert await store.head() == ChainHead.empty()
    assert await everything(store) == []
    assert await store.entries(["1-0"]) == []
    assert await store.idempotency_records([]) == []
    assert await store.idempotency_records(["never-used"]) == [None]


async def test_append_seals_sequence_time_and_hash_chain_and_moves_the_head(
    store: EventLog,
) -> None:
    """A batch gets sequences 1..n, one recorded_at, chained hashes, and becomes the head."""
    first, second = draft(size=1), draft("post:2", size=2)
    recorded = await store.append([first, second], ChainHead.empty(), NOW)
    bodies = [entry.body for entry in recorded]
    assert [body["sequence"] for body in bodies] == [1, 2]
    assert {body["recorded_at"] for body in bodies} == {format_timestamp(NOW)}
    assert [body["prev_hash"] for body in bodies] == [GENESIS, bodies[0]["hash"]]
    assert all(body["hash"] == event_hash(body) for body in bodies)
    assert [body["payload"] for body in bodies] == [{"size": 1}, {"size": 2}]
    assert [body["event_id"] for body in bodies] == [
        first.body["event_id"],
        second.body["event_id"],
    ]
    assert all(ENTRY_ID.fullmatch(entry_id) for entry_id in ids(recorded))
    assert await store.head() == ChainHead(2, bodies[1]["hash"], recorded[1].entry_id, NOW)


async def test_entry_ids_increase_along_the_stream(store: EventLog) -> None:
    """Ids order as Redis orders them, (ms, seq), within a batch and across batches."""
    recorded = await store.append([draft("a"), draft("b"), draft("c")], ChainHead.empty(), NOW)
    recorded += await fill(store, 3)
    order = [tuple(int(part) for part in entry_id.split("-")) for entry_id in ids(recorded)]
    assert order == sorted(set(order))


async def test_recorded_time_never_runs_backwards(store: EventLog) -> None:
    """An append stamped earlier than the head is recorded at the head's time."""
    await store.append([draft()], ChainHead.empty(), NOW)
    later = await store.append([draft(expected=1)], await store.head(), NOW - timedelta(hours=1))
    assert later[0].body["recorded_at"] == format_timestamp(NOW)
    assert (await store.head()).recorded_at == NOW


async def test_an_empty_batch_records_nothing(store: EventLog) -> None:
    """Appending no drafts returns no entries and leaves the head where it was."""
    await fill(store, 1)
    head = await store.head()
    assert await store.append([], head, NOW) == []
    assert await store.head() == head


async def test_a_stale_head_is_refused_with_the_current_one_and_nothing_written(
    store: EventLog,
) -> None:
    """Sealing against an old head raises HeadMovedError carrying the head as stored."""
    await fill(store, 2)
    head = await store.head()
    with pytest.raises(HeadMovedError) as moved:
        await store.append([draft("post:9")], ChainHead.empty(), NOW)
    assert moved.value.head == head
    assert await store.head() == head
    assert sum(map(len, await everything(store))) == 2


async def test_an_aggregate_at_another_version_refuses_the_whole_batch(store: EventLog) -> None:
    """StoredVersionConflictError names the first draft off version and its aggregate's version."""
    await store.append([draft("post:1")], ChainHead.empty(), NOW)
    head = await store.head()
    with pytest.raises(StoredVersionConflictError) as conflict:
        await store.append([draft("post:2"), draft("post:1", expected=0)], head, NOW)
    assert (conflict.value.index, conflict.value.current) == (1, 1)
    assert await store.head() == head
    recorded = await store.append([draft("post:2", expected=0)], head, NOW)
    assert recorded[0].body["sequence"] == 2


async def test_versions_count_within_a_batch_and_minus_one_is_unchecked(store: EventLog) -> None:
    """Drafts on one aggregate in one batch see each other; expected -1 skips the check."""
    await store.append([draft("a", 0), draft("a", 1), draft("a", -1)], ChainHead.empty(), NOW)
    with pytest.raises(StoredVersionConflictError) as conflict:
        await store.append([draft("a", 3), draft("a", 3)], await store.head(), NOW)
    assert (conflict.value.index, conflict.value.current) == (1, 4)
    await store.append([draft("a", 3)], await store.head(), NOW)
    assert (await store.head()).sequence == 4


async def test_idempotency_keys_record_fingerprint_and_entry(store: EventLog) -> None:
    """A keyed draft's (fingerprint, entry id) is found by key; unkeyed drafts record none."""
    recorded = await store.append(
        [draft("a", key="cmd-1", fingerprint="f1"), draft("b")], ChainHead.empty(), NOW
    )
    found = await store.idempotency_records(["cmd-2", "cmd-1", ""])
    assert found == [None, ("f1", recorded[0].entry_id), None]


async def test_a_used_idempotency_key_refuses_the_batch_naming_its_first_use(
    store: EventLog,
) -> None:
    """DuplicateKeyError carries the index, the stored fingerprint and the entry that used it."""
    first = await store.append([draft("a", key="cmd-1", fingerprint="f1")], ChainHead.empty(), NOW)
    head = await store.head()
    with pytest.raises(DuplicateKeyError) as duplicate:
        await store.append([draft("b", key="cmd-2"), draft("c", key="cmd-1")], head, NOW)
    assert (duplicate.value.index, duplicate.value.fingerprint) == (1, "f1")
    assert duplicate.value.entry_id == first[0].entry_id
    assert await store.head() == head
    assert await store.idempotency_records(["cmd-2"]) == [None]


async def test_a_key_repeated_within_one_batch_is_a_duplicate_of_the_batch(
    store: EventLog,
) -> None:
    """The second use of a key in one batch is refused as used `in-batch`, with no entry id."""
    with pytest.raises(DuplicateKeyError) as duplicate:
        await store.append(
            [draft("a", key="cmd-1", fingerprint="f"), draft("b", key="cmd-1", fingerprint="f")],
            ChainHead.empty(),
            NOW,
        )
    assert (duplicate.value.index, duplicate.value.fingerprint) == (1, "in-batch")
    assert duplicate.value.entry_id == ""
    assert await store.head() == ChainHead.empty()


async def test_a_duplicate_key_is_reported_before_a_version_conflict_of_the_same_draft(
    store: EventLog,
) -> None:
    """Checks run draft by draft, key before version, as append.lua runs them."""
    await store.append([draft("a", key="cmd-1", fingerprint="f1")], ChainHead.empty(), NOW)
    with pytest.raises(DuplicateKeyError) as duplicate:
        await store.append([draft("a", 0, key="cmd-1")], await store.head(), NOW)
    assert duplicate.value.index == 0


async def test_pages_come_in_the_size_asked_and_never_end_with_an_empty_page(
    store: EventLog,
) -> None:
    """Five entries in pages of two read as 2, 2, 1; four read as 2, 2."""
    recorded = await fill(store, 4)
    assert await everything(store, page=2) == [ids(recorded[:2]), ids(recorded[2:])]
    recorded += await fill(store, 1)
    pages = await everything(store, page=2)
    assert [len(found) for found in pages] == [2, 2, 1]
    assert [entry_id for found in pages for entry_id in found] == ids(recorded)


async def test_pages_start_after_the_given_entry(store: EventLog) -> None:
    """`after` is exclusive; after the last entry there is nothing to read."""
    recorded = await fill(store, 5)
    assert await everything(store, after=recorded[1].entry_id) == [ids(recorded[2:])]
    assert await everything(store, after=recorded[-1].entry_id) == []


async def test_pages_after_a_bare_millisecond_start_after_its_first_id(store: EventLog) -> None:
    """`after="<ms>"` reads as after `<ms>-0`, as XRANGE reads an incomplete id."""
    recorded = await fill(store, 3)
    millis = recorded[0].entry_id.split("-")[0]
    later = [entry_id for entry_id in ids(recorded) if entry_id != f"{millis}-0"]
    assert recorded[0].entry_id == f"{millis}-0"
    assert await everything(store, after=millis) == [later]


async def test_pages_hand_back_the_canonical_json_of_each_sealed_body(store: EventLog) -> None:
    """A page's raw body is byte for byte the canonical JSON of the body append returned."""
    recorded = await store.append([draft("a"), draft("b")], ChainHead.empty(), NOW)
    pages = [found async for found in store.pages()]
    assert pages == [[(entry.entry_id, canonical_json(entry.body)) for entry in recorded]]


async def test_pages_read_lazily_so_entries_appended_meanwhile_are_seen(store: EventLog) -> None:
    """An entry appended after a full page is read is in the next page."""
    recorded = await fill(store, 2)
    seen: list[str] = []
    async for found in store.pages(page=2):
        seen += [entry_id for entry_id, _ in found]
        if len(seen) == 2:
            recorded += await fill(store, 1)
    assert seen == ids(recorded)


async def test_entries_come_in_the_order_asked_and_missing_ones_are_skipped(
    store: EventLog,
) -> None:
    """Entries by id: asked order, repeats repeated, unknown ids left out, bodies as sealed."""
    recorded = await fill(store, 3)
    asked = [recorded[2].entry_id, "1-1", recorded[0].entry_id, recorded[2].entry_id]
    found = await store.entries(asked)
    assert found == [recorded[2], recorded[0], recorded[2]]


async def test_the_recorded_chain_verifies_against_the_head(store: EventLog) -> None:
    """Every entry read back chains from genesis and ends at the stored head (`estab verify`)."""
    await store.append([draft("a"), draft("b")], ChainHead.empty(), NOW)
    await fill(store, 3)
    head = await store.head()
    entries = [entry async for found in store.pages(page=2) for entry in found]
    report = verify(entries, head.hash, head.sequence)
    assert (report.ok, report.events, report.head_hash) == (True, 5, head.hash)


async def test_appends_racing_from_one_head_exactly_one_wins(store: EventLog) -> None:
    """Of five appends sealed against the same head, one records and four see the winner's head."""
    await fill(store, 1)
    head = await store.head()
    outcomes = await asyncio.gather(
        *(store.append([draft(f"race:{n}"), draft(f"race:{n}b")], head, NOW) for n in range(5)),
        return_exceptions=True,
    )
    won = [outcome for outcome in outcomes if isinstance(outcome, list)]
    lost = [outcome for outcome in outcomes if isinstance(outcome, HeadMovedError)]
    assert (len(won), len(lost)) == (1, 4)
    final = await store.head()
    assert final == ChainHead(3, won[0][1].body["hash"], won[0][1].entry_id, NOW)
    assert all(error.head == final for error in lost)
    assert sum(map(len, await everything(store))) == 3


async def test_writers_that_retry_on_a_moved_head_lose_nothing(store: EventLog) -> None:
    """Four writers appending five events each, re-reading the head on a race: all 20 chain."""

    async def writer(name: str) -> None:
        for number in range(5):
            while True:
                try:
                    await store.append([draft(f"{name}:{number}")], await store.head(), NOW)
                    break
                except HeadMovedError:
                    continue

    await asyncio.gather(*(writer(f"w{n}") for n in range(4)))
    entries = [entry async for found in store.pages(page=7) for entry in found]
    head = await store.head()
    assert verify(entries, head.hash, head.sequence).ok
    written = {(await store.entries([entry_id]))[0].body["aggregate"] for entry_id, _ in entries}
    assert written == {f"w{n}:{number}" for n in range(4) for number in range(5)}


async def test_writers_racing_with_one_idempotency_key_record_it_once(store: EventLog) -> None:
    """Two writers retrying one command: one records it, the other is told of that entry."""

    async def writer(fingerprint: str) -> list[Recorded] | DuplicateKeyError:
        while True:
            try:
                head = await store.head()
                return await store.append([draft(key="cmd-1", fingerprint=fingerprint)], head, NOW)
            except HeadMovedError:
                continue
            except DuplicateKeyError as duplicate:
                return duplicate

    outcomes = await asyncio.gather(writer("f"), writer("f"))
    won = [outcome for outcome in outcomes if isinstance(outcome, list)]
    lost = [outcome for outcome in outcomes if isinstance(outcome, DuplicateKeyError)]
    assert (len(won), len(lost)) == (1, 1)
    assert (lost[0].fingerprint, lost[0].entry_id) == ("f", won[0][0].entry_id)
    assert (await store.head()).sequence == 1
