"""Replay benchmark: the floor (XRANGE + orjson) against the full projection fold, side by side.

Also query latency and Redis bytes per event, in the same run.

    uv run python bench/replay.py [--events 200000] [--posts 50000]

Prints the figures and appends them, with machine and date, to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import platform
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import uuid4

import orjson
from redis.asyncio import Redis

from contracts.staffing_view import StaffingView
from contracts.streams import ESTABLISHMENT_EVENTS, StoreKeys
from eventlog.redis_server import EmbeddedRedis
from eventlog.store import ChainHead, Draft, EventStore
from services.establishment.application import TenantEstablishment
from services.establishment.views import find_post, structure

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
    for start in range(0, events - 1, BATCH):
        head = await store.head()
        drafts = [draft(n, posts) for n in range(start, min(start + BATCH, events - 1))]
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


async def run(events: int, posts: int) -> list[str]:
    """Load, measure, and return the report lines."""
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
        timings = []
        for _ in range(20):
            began = time.perf_counter()
            structure(projection, as_of, None, StaffingView())
            timings.append(time.perf_counter() - began)
        single = []
        for number in range(2000):
            began = time.perf_counter()
            find_post(projection, f"p{number}", as_of)
            single.append(time.perf_counter() - began)
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
            f"--events {events} --posts {posts}`)"
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
        f"| GET /structure fold, {posts:,} posts (p95 of 20) | {p95 * 1000:.1f} ms | 150 ms |",
        f"| one post as of a date (p95 of 2,000) | {p95_single * 1e6:.1f} µs | 5 ms |",
        f"| Redis bytes per event | {(after - before) / events:,.0f} B | 1 KB |",
        "",
    ]


def main() -> None:
    """Run with the sizes given on the command line and record the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--posts", type=int, default=50_000)
    args = parser.parse_args()
    lines = asyncio.run(run(args.events, args.posts))
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
