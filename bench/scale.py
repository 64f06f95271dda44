"""Council scale, in one run over the real services: the figures issue 11 sets targets for.

    uv run python bench/scale.py --posts 50000 --events 1000000   # the issue's size (make bench)
    uv run python bench/scale.py --smoke                           # ~10,000 events (make test)

Starts embedded Redis and the four services (bench/processes.py), then, against one tenant:
(a) ingest: the generated history (bench/generate.py) fed as bench/feed.py feeds it, timed
until every service's /progress says it has caught up; (b) publish -> ledger: new posts
published one at a time at `--rate` a second, each timed from its append to finance's first
cost update for it; (a') an HR feed of `--bulk` new posts pipelined onto the command stream
at once, timed until all have caught up; (c) queries: `GET /structure` and `GET /ledger` at
random `as_of`, known now and as known half-way through the ingest, and one post's view; (d)
cold replay: each service restarted on the full log with snapshots off and timed until it
has answered a first query, beside the floor for the streams it reads and beside a copy of it
that serves no tenant (what starting Python costs), then its warm start from the snapshots it
took during the run (as `estab up` runs them, with a key); (e) memory: Redis bytes per event
and each service's RSS per post; (f) the peer: the same establishment events in the
`eventsourcing` library on SQLite and in memory (bench/peer.py).

It fails (non-zero) if the stack errors, a stage never catches up, or any generated command is
refused; it never fails on a target: performance is measured, not asserted. Every figure goes
to bench/results/latest.json and a dated table with the targets beside it is appended to
bench/RESULTS.md; `--smoke` writes only bench/results/smoke.json, which git ignores, so CI
leaves the tree clean, and `--out FILE` only FILE (a trial run).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from feed import PIPELINE, Feed
from generate import END, START, History, new_posts
from peer import PeerTimes, measure
from probes import bodies, check_clean, floor, memory, publish_to_ledger, timed
from processes import BenchStack
from redis.asyncio import Redis
from report import Run, figures
from results import LATEST, append_markdown, write_json

from contracts.streams import (
    ESTABLISHMENT_EVENTS,
    FINANCE_COST_UPDATES,
    FINANCE_EVENTS,
    GRADING_EVENTS,
    RECRUITMENT_EVENTS,
    stream_key,
)

TENANT = "scale"
SMOKE = Path(__file__).parent / "results" / "smoke.json"
READS = {
    "establishment": (ESTABLISHMENT_EVENTS, GRADING_EVENTS, RECRUITMENT_EVENTS),
    "grading": (GRADING_EVENTS,),
    "recruitment": (RECRUITMENT_EVENTS, ESTABLISHMENT_EVENTS, GRADING_EVENTS),
    "finance": (
        FINANCE_COST_UPDATES,
        FINANCE_EVENTS,
        ESTABLISHMENT_EVENTS,
        GRADING_EVENTS,
        RECRUITMENT_EVENTS,
    ),
}
"""The streams each service folds when it starts (its own, and those it follows), as
services/*/application.py open them today: what its floor reads."""
FIRST_QUERY: dict[str, tuple[str, dict[str, Any]]] = {
    "establishment": ("/structure", {"as_of": END.isoformat()}),
    "grading": ("/grades", {"as_of": END.isoformat()}),
    "recruitment": ("/vacancies", {"as_of": END.isoformat()}),
    "finance": ("/ledger", {"fy": END.year, "as_of": END.isoformat()}),
}
"""One query per service, timed after its restart (a follower may fold on first use)."""


@dataclass(frozen=True)
class Sizes:
    """How big a run is."""

    posts: int
    events: int
    seed: int
    rate: float
    steady_seconds: float
    bulk: int
    queries: int
    snapshot_every: int | None

    @property
    def steady(self) -> int:
        """Posts published at the steady rate."""
        return max(1, int(self.rate * self.steady_seconds))


FULL_SIZES = Sizes(
    posts=50_000,
    events=1_000_000,
    seed=1,
    rate=500.0,
    steady_seconds=10.0,
    bulk=20_000,
    queries=50,
    snapshot_every=None,
)
"""The issue's size, with the services' own snapshot interval."""
SMOKE_SIZES = replace(
    FULL_SIZES, posts=300, events=10_000, steady_seconds=1.0, bulk=300, queries=10,
    snapshot_every=5_000,
)  # fmt: skip
"""What CI runs: ~10,000 events, a snapshot every 5,000 (the services' default, one per 50,000,
would take none, and the warm start would go untried)."""


@dataclass
class Clock:
    """The wall-clock moment half-way through the ingest: the past `known_at` of the queries."""

    middle: str = f"{START.year + (END.year - START.year) // 2}-01"
    past: str | None = None
    stamps: list[float] = field(default_factory=list)

    def after_month(self, month: str) -> None:
        """Note the time once the middle month has been fed."""
        if self.past is None and month >= self.middle:
            self.past = datetime.now(UTC).isoformat().replace("+00:00", "Z")


def _days(rng: random.Random, count: int, first: date = START, last: date = END) -> list[date]:
    span = (last - first).days
    return [first + timedelta(days=rng.randrange(span + 1)) for _ in range(count)]


def _fiscal_year(day: date) -> int:
    return day.year if day.month >= 4 else day.year - 1


async def queries(
    client: httpx.AsyncClient, urls: dict[str, str], history: History, past: str, sizes: Sizes
) -> dict[str, list[float]]:
    """Timed queries (one untimed first of each kind, so a lazy fold is not counted)."""
    rng = random.Random(sizes.seed)
    structure, ledger = f"{urls['establishment']}/structure", f"{urls['finance']}/ledger"
    found: dict[str, list[float]] = {}
    for name, known in (("now", None), ("past", past)):
        extra = {"known_at": known} if known else {}
        days = _days(rng, sizes.queries + 1)
        found[f"structure {name}"] = [
            await timed(client, structure, {"as_of": day.isoformat(), **extra}) for day in days
        ][1:]
        days = _days(rng, sizes.queries + 1)
        found[f"ledger {name}"] = [
            await timed(
                client,
                ledger,
                {
                    "fy": _fiscal_year(day),
                    "as_of": day.isoformat(),
                    "group_by": "org_unit",
                    **extra,
                },
            )
            for day in days
        ][1:]
    lives = sorted(history.lives.items())
    views = []
    for _ in range(sizes.queries * 10 + 1):
        post_id, (created, deleted) = rng.choice(lives)
        last = date.fromisoformat(deleted) - timedelta(days=1) if deleted else END
        day = _days(rng, 1, date.fromisoformat(created), last)[0]
        url = f"{urls['establishment']}/posts/{post_id}"
        views.append(await timed(client, url, {"as_of": day.isoformat()}))
    found["post"] = views[1:]
    return found


async def replays(stack: BenchStack, redis: Redis, client: httpx.AsyncClient) -> dict[str, Any]:
    """Each service's cold replay (snapshots off) and warm start (from its snapshots).

    Each is timed to a first query answered; beside them its floor, its bare start, and its RSS
    after the cold replay.
    """
    urls = stack.urls()
    found: dict[str, Any] = {}
    for name, streams in READS.items():
        keys = [stream_key(TENANT, stream) for stream in streams]
        path, params = FIRST_QUERY[name]
        cold_s = await asyncio.to_thread(stack.restart, name, snapshots=False)
        cold_first_s = await timed(client, f"{urls[name]}{path}", params)
        rss = stack.rss(name)
        warm_s = await asyncio.to_thread(stack.restart, name, snapshots=True)
        warm_first_s = await timed(client, f"{urls[name]}{path}", params)
        bare_s, bare_rss = await asyncio.to_thread(stack.bare_start, name)
        snapshots = [
            key
            for stream in keys
            async for key in redis.scan_iter(match=f"{stream}:snapshot:*", _type="hash")
        ]
        found[name] = {
            "entries": sum([await redis.xlen(key) for key in keys]),
            "floor_s": await floor(redis, keys),
            "replay_s": cold_s,
            "first_query_s": cold_first_s,
            "warm_s": warm_s,
            "warm_first_query_s": warm_first_s,
            "snapshots": len(snapshots),
            "bare_start_s": bare_s,
            "bare_rss": bare_rss,
            "rss": rss,
        }
    return found


async def run(sizes: Sizes, folder: Path) -> Run:
    """Every stage, against one stack started in `folder`."""
    history = History(sizes.posts, sizes.events, sizes.seed)
    stack = BenchStack(folder, TENANT, sizes.snapshot_every)
    await asyncio.to_thread(stack.start)
    redis = Redis.from_url(stack.redis_url)
    limits = httpx.Limits(max_connections=32, max_keepalive_connections=32)
    client = httpx.AsyncClient(
        headers={**stack.access, "X-Tenant": TENANT}, timeout=600, limits=limits
    )
    try:
        baseline = int((await redis.info("memory"))["used_memory"])
        deadline = max(300.0, sizes.events / 50)
        feed = Feed(
            redis,
            client,
            stack.urls(),
            TENANT,
            check_alive=stack.check_alive,
            deadline_seconds=deadline,
        )
        clock = Clock()
        began = time.perf_counter()
        try:
            fed = await feed.history(history, clock.after_month)
            last = time.perf_counter()
            await feed.caught_up()
            fed.seconds["the last catch-up"] = time.perf_counter() - last
        finally:
            await check_clean(redis, TENANT)
        ingest_s = time.perf_counter() - began
        ingest_cpu = stack.cpu()
        steady = new_posts(sizes.steady, "s", sizes.seed)
        entry_ids = await feed.steady(steady, sizes.rate)
        await feed.caught_up()
        latencies = await publish_to_ledger(redis, TENANT, steady, entry_ids)
        bulk = new_posts(sizes.bulk, "b", sizes.seed)
        began = time.perf_counter()
        for start in range(0, len(bulk), PIPELINE):
            await feed.publish(bulk[start : start + PIPELINE])
        await feed.caught_up()
        bulk_s = time.perf_counter() - began
        await check_clean(redis, TENANT)
        after_cpu = stack.cpu()
        cpu = {
            "history": ingest_cpu,
            "steady feed and HR feed": {
                name: after_cpu[name] - ingest_cpu[name] for name in ingest_cpu
            },
        }
        timings = await queries(client, stack.urls(), history, clock.past or "", sizes)
        cold = await replays(stack, redis, client)
        await check_clean(redis, TENANT)
        used, events, streams = await memory(redis, TENANT)
        established = await bodies(redis, stream_key(TENANT, ESTABLISHMENT_EVENTS))
        redis_version = str((await redis.info("server"))["redis_version"])
    except Exception:
        print(stack.tails(), file=sys.stderr)
        raise
    finally:
        await client.aclose()
        await redis.aclose()
        stack.stop()
    peers: dict[str, PeerTimes] = {
        "memory": await asyncio.to_thread(measure, established, None),
        "SQLite": await asyncio.to_thread(measure, established, folder / "peer.sqlite"),
    }
    return Run(
        posts=sizes.posts + sizes.steady + sizes.bulk,
        commands=fed.streamed + fed.over_http,
        fed=fed,
        ingest_s=ingest_s,
        bulk=sizes.bulk,
        bulk_s=bulk_s,
        cpu=cpu,
        rate=sizes.rate,
        latencies_ms=latencies,
        timings=timings,
        cold=cold,
        redis_growth=used - baseline,
        events=events,
        streams=streams,
        peers=peers,
        redis_version=redis_version,
        past_known_at=clock.past or "",
    )


def main() -> None:
    """Run at the size asked for; write the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--smoke", action="store_true", help="~10,000 events, for CI")
    parser.add_argument("--posts", type=int, default=None)
    parser.add_argument("--events", type=int, default=None)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--rate", type=float, default=None, help="steady commands a second")
    parser.add_argument("--steady-seconds", type=float, default=None)
    parser.add_argument("--bulk", type=int, default=None, help="posts in the HR feed burst")
    parser.add_argument("--queries", type=int, default=None, help="timed queries of each kind")
    parser.add_argument(
        "--snapshot-every",
        type=int,
        default=None,
        help="ESTAB_SNAPSHOT_EVERY for the services (default: theirs; smoke: 5,000)",
    )
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument(
        "--keep", type=Path, default=None, help="run in this folder and keep it (logs, Redis)"
    )
    args = parser.parse_args()
    smoke = bool(args.smoke)
    given = {item.name: getattr(args, item.name) for item in fields(Sizes)}
    sizes = replace(
        SMOKE_SIZES if smoke else FULL_SIZES,
        **{name: value for name, value in given.items() if value is not None},
    )
    command = " ".join(["uv run python bench/scale.py", *sys.argv[1:]])
    began = time.perf_counter()
    if args.keep is not None:
        result = asyncio.run(run(sizes, args.keep))
    else:
        with tempfile.TemporaryDirectory() as folder:
            result = asyncio.run(run(sizes, Path(folder)))
    what = (
        f"Council scale, one tenant: {sizes.posts:,} posts, {sizes.events:,} commands over ten "
        f"years, seed {sizes.seed} (`{command}`, {time.perf_counter() - began:,.0f} s)"
    )
    measured = figures(result)
    out = args.out or (SMOKE if smoke else LATEST)
    size = {
        **vars(sizes),
        "steady_posts": sizes.steady,
        "command": command,
        "commands_by_type": dict(sorted(result.fed.by_type.items())),
    }
    now = write_json(out, what, measured, size, {"redis-server": result.redis_version})
    if not smoke and args.out is None:
        append_markdown(what, measured, now)
    print(what)
    for figure in measured:
        print(f"  {figure.measure}: {figure.text}  [target {figure.target}]")
    print(f"figures written to {out}")
    print(f"p50 of the steady latencies: {statistics.median(result.latencies_ms):.0f} ms")


if __name__ == "__main__":
    main()
