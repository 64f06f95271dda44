"""Replay benchmark: the floor (XRANGE + orjson) against the full projection fold, side by side.

Also query latency and Redis bytes per event, in the same run; with `--warm`, a warm start from a
snapshot (plus a tail of `--tail` events) beside the cold replay, and what taking the snapshot
costs.

    uv run python bench/replay.py [--events 200000] [--posts 50000] [--warm [--tail 1000]]

Prints the figures and appends them, with machine and date, to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import platform
import secrets
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import uuid4

import orjson
from redis.asyncio import Redis

from contracts.streams import ESTABLISHMENT_EVENTS, StoreKeys
from eventlog.redis_server import EmbeddedRedis
from eventlog.snapshots import EVERY_ENV, KEY_ENV
from eventlog.store import ChainHead, Draft, EventStore
from readmodels.workforce import Workforce
from services.establishment.application import TenantEstablishment
from services.establishment.structure import structure_json
from services.establishment.views import find_post, posts_on

BATCH = 1000


def draft(number: int, posts: int) -> Draft:
    """Event `number`: each post is created once, then its FTE changes once a year."""
    post = f"p{number % posts}"
    first = number < posts
    payload: dict[str, Any] = (
        {
            "post_id": post,
            "title": f"Post {number}",
            "grade": "PO6",
            "fte": "1",
            "org_unit_id": "u0",
            "reports_to": None,
            "funding": [],
            "budgeted_annual_cost": None,
        }
        if first
        else {"post_id": post, "fte": "0.5" if number % 2 else "0.8"}
    )
    year = 2010 + number // posts
    body = {
        "event_id": str(uuid4()),
        "type": "PostCreated" if first else "PostFTEChanged",
        "schema_version": 2 if first else 1,
        "tenant": "bench",
        "aggregate_type": "post",
        "aggregate_id": post,
        "aggregate_version": number // posts + 1,
        "effective_date": f"{year}-04-01",
        "actor": "bench",
        "correlation_id": None,
        "causation_id": None,
        "payload": payload,
    }
    return Draft(body=body, aggregate_key=f"post:{post}", expected_version=-1)


async def load(store: EventStore, events: int, posts: int) -> None:
    """Append the history through the real store, 1,000 events per atomic append."""
    head = ChainHead.empty()
    unit = {
        "event_id": str(uuid4()),
        "type": "OrgUnitCreated",
        "schema_version": 1,
        "tenant": "bench",
        "aggregate_type": "org_unit",
        "aggregate_id": "u0",
        "aggregate_version": 1,
        "effective_date": "2000-01-01",
        "actor": "bench",
        "correlation_id": None,
        "causation_id": None,
        "payload": {"org_unit_id": "u0", "name": "Unit", "parent_id": None},
    }
    await store.append([Draft(unit, "org_unit:u0", -1)], head, datetime.now(UTC))
    await append(store, range(events - 1), posts)


async def append(store: EventStore, numbers: range, posts: int) -> None:
    """Append events `numbers` (see `draft`), 1,000 per atomic append."""
    for start in range(numbers.start, numbers.stop, BATCH):
        head = await store.head()
        drafts = [draft(n, posts) for n in range(start, min(start + BATCH, numbers.stop))]
        await store.append(drafts, head, datetime.now(UTC))


async def floor(store: EventStore) -> float:
    """Seconds to page through the stream and decode every body: the limit to compare with."""
    began = time.perf_counter()
    kept: list[Any] = []
    gc.disable()
    async for page in store.pages():
        kept.extend(orjson.loads(raw) for _, raw in page)
    gc.enable()
    return time.perf_counter() - began


async def _tick(stalls: list[float]) -> None:
    """Note how late each 1 ms sleep wakes: how long the event loop was kept from running."""
    while True:
        began = time.perf_counter()
        await asyncio.sleep(0.001)
        stalls.append(time.perf_counter() - began - 0.001)


async def warm(redis: Redis, store: EventStore, events: int, posts: int, tail: int) -> list[str]:
    """Snapshot the folded stream, append `tail` events, then time a start from the snapshot.

    Pickling holds the stream's lock (its reads and writes wait) in a worker thread while the
    event loop goes on; a 1 ms ticker measures the loop's longest stall meanwhile.
    """
    os.environ[KEY_ENV] = secrets.token_hex(32)
    os.environ[EVERY_ENV] = str(10**12)
    log = TenantEstablishment(redis, "bench")
    await log.current()
    gc.unfreeze()
    assert log.snapshots is not None
    stalls: list[float] = []
    ticker = asyncio.create_task(_tick(stalls))
    began = time.perf_counter()
    pickled = await log.snapshots.take(log.projection, log.head, force=True)
    pickle_s = time.perf_counter() - began
    ticker.cancel()
    assert pickled is not None
    began = time.perf_counter()
    assert await log.snapshots.write(pickled)
    write_s = time.perf_counter() - began
    stored = await redis.hstrlen(log.snapshots.key(type(log.projection)), "body")
    del log
    await append(store, range(events - 1, events - 1 + tail), posts)
    starts = []
    for _ in range(2):
        started = TenantEstablishment(redis, "bench")
        began = time.perf_counter()
        projection = await started.current()
        starts.append(time.perf_counter() - began)
        assert started.replayed == tail, started.replayed
        gc.unfreeze()
    del os.environ[KEY_ENV]
    cold = await TenantEstablishment(redis, "bench").current()
    gc.unfreeze()
    same = vars(projection) == vars(cold) and all(
        posts_on(projection, f"{year}-06-01") == posts_on(cold, f"{year}-06-01")
        for year in range(2009, 2010 + events // posts + 2)
    )
    return [
        (
            f"| snapshot: pickle ({len(pickled.body) / 1e6:,.0f} MB), this stream's reads and "
            f"writes waiting | {pickle_s:.2f} s | — |"
        ),
        f"| event loop's longest stall meanwhile | {max(stalls) * 1e3:.0f} ms | — |",
        (
            f"| snapshot: compress, sign, write to Redis | {write_s:.2f} s "
            f"({stored / 1e6:,.1f} MB stored) | — |"
        ),
        (
            f"| warm start: load the snapshot, fold a {tail:,}-event tail | {min(starts):.2f} s "
            "| 2 s at 1M events |"
        ),
        f"| warm start answers as the full replay does | {'yes' if same else 'NO'} | yes |",
    ]


async def run(events: int, posts: int, tail: int | None) -> list[str]:
    """Load, measure, and return the report lines (`tail`: also measure a warm start)."""
    os.environ.pop(KEY_ENV, None)
    with tempfile.TemporaryDirectory() as folder, EmbeddedRedis(Path(folder)) as server:
        redis = Redis.from_url(server.url)
        store = EventStore(redis, StoreKeys.for_stream("bench", ESTABLISHMENT_EVENTS))
        before = int((await redis.info("memory"))["used_memory"])
        await load(store, events, posts)
        after = int((await redis.info("memory"))["used_memory"])
        floor_s = min([await floor(store) for _ in range(2)])
        replays = []
        for _ in range(2):
            log = TenantEstablishment(redis, "bench")
            began = time.perf_counter()
            projection = await log.current()
            replays.append(time.perf_counter() - began)
            gc.unfreeze()
        replay_s = min(replays)
        as_of = "2012-06-01"
        staffing = Workforce()  # one view, as a service holds: the index is built for it once
        began = time.perf_counter()
        structure_json(projection, "2012-05-31", None, staffing)
        first_s = time.perf_counter() - began
        timings = []
        for month in range(20):
            day = f"{2005 + month // 2}-{1 + month % 12:02d}-15"
            began = time.perf_counter()
            structure_json(projection, day, None, staffing)
            timings.append(time.perf_counter() - began)
        single = []
        for number in range(2000):
            began = time.perf_counter()
            find_post(projection, f"p{number}", as_of)
            single.append(time.perf_counter() - began)
        del projection
        gc.unfreeze()
        warm_lines = [] if tail is None else await warm(redis, store, events, posts, tail)
        await redis.aclose()
    p95 = statistics.quantiles(timings, n=20)[-1]
    p95_single = statistics.quantiles(single, n=20)[-1]
    return [
        (
            f"### {datetime.now(UTC):%Y-%m-%d %H:%M} UTC — {platform.node()}, "
            f"{os.cpu_count()} cores, Python {platform.python_version()}"
        ),
        "",
        (
            f"{events:,} events over {posts:,} posts (`uv run python bench/replay.py "
            f"--events {events} --posts {posts}{'' if tail is None else f' --warm --tail {tail}'}`)"
        ),
        "",
        "| measure | figure | limit |",
        "|---|---|---|",
        (
            f"| floor: XRANGE pages + orjson.loads | {floor_s:.2f} s "
            f"({events / floor_s:,.0f} ev/s) | — |"
        ),
        (
            f"| full replay into the projection | {replay_s:.2f} s "
            f"({replay_s / floor_s:.2f}x floor) | 2x floor |"
        ),
        f"| GET /structure body, {posts:,} posts, first after start | {first_s * 1e3:.1f} ms | — |",
        f"| GET /structure body, {posts:,} posts, 20 dates (p95) | {p95 * 1e3:.1f} ms | 150 ms |",
        f"| one post as of a date (p95 of 2,000) | {p95_single * 1e6:.1f} µs | 5 ms |",
        f"| Redis bytes per event | {(after - before) / events:,.0f} B | 1 KB |",
        *warm_lines,
        "",
    ]


def main() -> None:
    """Run with the sizes given on the command line and record the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--posts", type=int, default=50_000)
    parser.add_argument("--warm", action="store_true", help="also time a warm start")
    parser.add_argument("--tail", type=int, default=1000, help="events after the snapshot")
    args = parser.parse_args()
    lines = asyncio.run(run(args.events, args.posts, args.tail if args.warm else None))
    print("\n".join(lines))
    results = Path(__file__).with_name("RESULTS.md")
    if not results.exists():
        results.write_text(
            "# Benchmark results\n\nNewest last. The machine is noisy (±15-30%).\n\n"
        )
    with results.open("a") as out:
        out.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
