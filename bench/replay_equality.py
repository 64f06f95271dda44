"""Replay equality: the live services, `estab replay` and `estab replay --archive` agree.

    uv run python bench/replay_equality.py                  # 100,000 commands over 5,000 posts
    uv run python bench/replay_equality.py --smoke          # ~10,000, a quick check
    uv run python bench/replay_equality.py --events 200000 --posts 10000

Starts embedded Redis and the four services as the scale benchmark does (bench/processes.py),
each signing its heads with its own key as `estab up` runs them, and feeds one tenant the
generated history (bench/generate.py, fed by bench/feed.py) until every service has caught up.
Then a restructure: `--at-risk` filled posts (default one in a hundred) are deleted on the
history's last day, so that the at-risk list has people in it (the generator deletes only vacant
posts, which puts no-one at risk).

For as_of dates spread over the history and its last day, each as known now and as known
half-way through the ingest (scale.py's past `known_at`), with the financial year of the as_of:
the structure, the at-risk list and the ledger (by org unit, budget basis) are asked of the live
services over HTTP; rebuilt in this process from Redis with `replay_views`, as `estab replay`
rebuilds them; and rebuilt from an archive written once after the ingest by the function `estab
export --format jsonl` uses, read back and verified (every stream's chain, signed heads and
manifest head) first. The live answer and each replay must give the same structure (totals and
posts), the same at-risk list (totals and posts; from Redis the people's references too: an
archive carries no person keys, so it names people by pseudonym) and the same ledger (totals and
rows, strings to the penny). One line per view; on any difference, the first differing item and
exit 1. It prints the events on each event stream and the time each side took.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import tempfile
import time
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from uuid import NAMESPACE_URL, uuid5

import httpx
from feed import PIPELINE, Feed
from generate import END, START, History
from probes import check_clean
from processes import BenchStack
from redis.asyncio import Redis
from scale import Clock
from view_equality import compare, summary

from cli.replayed_views import ReplayedViews, replay_views
from contracts.registry import any_command_from_message
from contracts.streams import (
    ESTABLISHMENT_EVENTS,
    EVENT_STREAMS,
    FINANCE_EVENTS,
    GRADING_EVENTS,
    RECRUITMENT_EVENTS,
    stream_key,
)
from eventlog.archive import Archive, read_archive, verify_archive, write_archive
from eventlog.clock import format_timestamp, parse_timestamp
from eventlog.head_signing import TrustedKeys
from eventlog.signing_keys import (
    KEYS_FOLDER,
    SIGNING_KEY_ENV,
    ensure_signing_key,
    public_keys_in,
)
from services.finance.fiscal import fy_of

if TYPE_CHECKING:
    import subprocess

    from cli.supervisor import ServiceSpec

TENANT = "equality"
FOUR = (ESTABLISHMENT_EVENTS, GRADING_EVENTS, RECRUITMENT_EVENTS, FINANCE_EVENTS)
"""The four services' own event streams: the size of the history."""
SPREAD = 5
"""as_of dates spread evenly inside the history, besides its last day."""
IDS = uuid5(NAMESPACE_URL, "urn:estab:bench-replay-equality")
"""Characters of a differing value shown."""


@dataclass(frozen=True)
class Sizes:
    """How big a run is."""

    posts: int
    events: int
    seed: int
    at_risk: int | None = None

    @property
    def deletions(self) -> int:
        """Filled posts deleted in the restructure after the history."""
        return self.at_risk if self.at_risk is not None else max(5, self.posts // 100)


FULL = Sizes(posts=5_000, events=100_000, seed=1)
SMOKE = Sizes(posts=300, events=10_000, seed=1)


class SignedStack(BenchStack):
    """The bench stack with each service signing its heads with its own key, as `estab up` does.

    The keys are made in DATA_DIR/keys, where `estab verify` and `estab replay` look for them.
    """

    def _spawn(
        self, spec: ServiceSpec, system: str, *, snapshots: bool = True
    ) -> subprocess.Popen[bytes]:
        key = ensure_signing_key(self.data_dir / KEYS_FOLDER, spec.name)
        os.environ[SIGNING_KEY_ENV] = str(key.resolve())
        try:
            return super()._spawn(spec, system, snapshots=snapshots)
        finally:
            del os.environ[SIGNING_KEY_ENV]


@dataclass
class Timings:
    """Seconds each step took, and the events each replay folded."""

    seconds: dict[str, float] = field(default_factory=dict)
    folded: dict[str, int] = field(default_factory=dict)

    def add(self, name: str, began: float, folded: int = 0) -> None:
        """Add the time since `began` (and the events folded) to `name`."""
        self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - began
        self.folded[name] = self.folded.get(name, 0) + folded


def as_of_dates() -> list[str]:
    """`SPREAD` days evenly inside the history, then its last day."""
    span = (END - START).days
    days = [START + timedelta(days=span * step // (SPREAD + 1)) for step in range(1, SPREAD + 1)]
    return [day.isoformat() for day in [*days, END]]


def restructure(history: History, count: int, seed: int) -> list[dict[str, Any]]:
    """Delete `count` filled posts (never a head) on the history's last day: people at risk.

    Only posts whose holder started, and whose last change took effect, before that day.
    """
    held = sorted(
        post.post_id
        for post in history.state.values()
        if post.holder is not None
        and not post.head
        and history.lives[post.post_id][1] is None
        and post.holder[1] < END
        and post.last_effective < END
    )
    chosen = sorted(random.Random(seed).sample(held, min(count, len(held))))
    commands = []
    for post_id in chosen:
        command = {
            "type": "DeletePost",
            "post_id": post_id,
            "effective_date": END.isoformat(),
            "reason": "restructure",
            "command_id": str(uuid5(IDS, f"{seed}:delete:{post_id}")),
        }
        any_command_from_message(command)
        commands.append(command)
    return commands


async def got(client: httpx.AsyncClient, url: str, params: dict[str, Any]) -> dict[str, Any]:
    """The JSON body of a GET that must answer 200."""
    reply = await client.get(url, params=params)
    if reply.status_code != 200:
        raise RuntimeError(f"GET {url} {params}: {reply.status_code} {reply.text[:500]}")
    body: dict[str, Any] = reply.json()
    return body


async def live_views(
    client: httpx.AsyncClient, urls: dict[str, str], as_of: str, known_at: str | None
) -> ReplayedViews:
    """The services' own answers to one view.

    Establishment's structure, recruitment's at-risk list and finance's ledger of the financial
    year of `as_of` (by org unit, budget basis).
    """
    known = {"known_at": known_at} if known_at else {}
    day = {"as_of": as_of, **known}
    return ReplayedViews(
        await got(client, f"{urls['establishment']}/structure", day),
        await got(client, f"{urls['recruitment']}/at-risk", day),
        await got(
            client,
            f"{urls['finance']}/ledger",
            {**day, "fy": fy_of(as_of), "group_by": "org_unit", "basis": "budget"},
        ),
    )


async def ingest(
    stack: BenchStack, redis: Redis, client: httpx.AsyncClient, sizes: Sizes
) -> tuple[str, int]:
    """Feed the history and the restructure until every service has caught up.

    Returns the past `known_at` (half-way through the ingest) and the posts deleted.
    """
    history = History(sizes.posts, sizes.events, sizes.seed)
    feed = Feed(
        redis,
        client,
        stack.urls(),
        TENANT,
        check_alive=stack.check_alive,
        deadline_seconds=max(300.0, sizes.events / 50),
    )
    clock = Clock()
    try:
        fed = await feed.history(history, clock.after_month)
        await feed.caught_up()
        deletions = restructure(history, sizes.deletions, sizes.seed)
        for start in range(0, len(deletions), PIPELINE):
            await feed.publish(deletions[start : start + PIPELINE])
        await feed.caught_up()
    finally:
        await check_clean(redis, TENANT)
    print(
        f"fed {fed.streamed + fed.over_http:,} commands over {fed.months} months "
        f"({sizes.posts:,} posts, seed {sizes.seed}), then {len(deletions)} filled posts deleted "
        f"on {END}"
    )
    if clock.past is None:
        raise RuntimeError("the history never reached its middle month")
    return clock.past, len(deletions)


async def event_counts(redis: Redis) -> dict[str, int]:
    """XLEN of each of the tenant's event streams."""
    return {stream: int(await redis.xlen(stream_key(TENANT, stream))) for stream in EVENT_STREAMS}


async def archived(redis: Redis, folder: Path, timings: Timings) -> Archive:
    """The tenant's archive, written as `estab export --format jsonl` writes it, read back.

    It is verified against the services' public keys (DATA_DIR/keys); a stream that is not sound
    raises.
    """
    path = folder / f"{TENANT}.jsonl.gz"
    keys = public_keys_in(folder / KEYS_FOLDER)
    began = time.perf_counter()
    await write_archive(redis, TENANT, path, keys, format_timestamp(datetime.now(UTC)))
    timings.add("archive write", began)
    began = time.perf_counter()
    archive = read_archive(path)
    reports = verify_archive(archive, TrustedKeys(keys))
    timings.add("archive read and verify", began)
    for stream, report in reports:
        broken = report.first_break
        if broken is not None:
            raise RuntimeError(f"archive {stream} BROKEN at {broken.entry_id}: {broken.reason}")
        signed = "signed heads" if keys else "unsigned"
        print(f"  archive {stream}: ok, {report.events:,} events ({signed})")
    print(f"archive {path.name}: {path.stat().st_size:,} bytes, {len(keys)} public keys trusted")
    return archive


async def one_view(
    live: ReplayedViews,
    sources: dict[str, str | Archive],
    moment: tuple[str, str | None],
    timings: Timings,
) -> list[str]:
    """Each replay of one view, compared with the live answer; the differences found."""
    as_of, known_at = moment
    known = format_timestamp(parse_timestamp(known_at)) if known_at else None
    problems = []
    for name, source in sources.items():
        counted = [0]

        def advance(count: int, counted: list[int] = counted) -> None:
            counted[0] += count

        began = time.perf_counter()
        views = await replay_views(source, TENANT, as_of, known, None, fy_of(as_of), advance)
        timings.add(name, began, counted[0])
        found = compare(live, views, by_reference=not isinstance(source, Archive))
        if found is not None:
            problems.append(f"{name}: {found}")
    return problems


async def run(sizes: Sizes, folder: Path) -> bool:
    """Every step against one stack started in `folder`; whether every view was equal."""
    stack = SignedStack(folder, TENANT)
    await asyncio.to_thread(stack.start)
    redis = Redis.from_url(stack.redis_url)
    limits = httpx.Limits(max_connections=8, max_keepalive_connections=8)
    client = httpx.AsyncClient(
        headers={**stack.access, "X-Tenant": TENANT}, timeout=600, limits=limits
    )
    timings = Timings()
    try:
        began = time.perf_counter()
        past, _ = await ingest(stack, redis, client, sizes)
        timings.add("ingest", began)
        counts = await event_counts(redis)
        archive = await archived(redis, folder, timings)
        sources: dict[str, str | Archive] = {
            "Redis replay": stack.redis_url,
            "archive replay": archive,
        }
        equal = True
        for known_at in (None, past):
            for as_of in as_of_dates():
                began = time.perf_counter()
                live = await live_views(client, stack.urls(), as_of, known_at)
                timings.add("live queries", began)
                problems = await one_view(live, sources, (as_of, known_at), timings)
                line = f"{as_of} {known_at or 'now'}: "
                print(line + (summary(live) if not problems else "MISMATCH"), flush=True)
                for problem in problems:
                    print(f"    {problem}", flush=True)
                equal = equal and not problems
        await check_clean(redis, TENANT)
    except Exception:
        print(stack.tails(), file=sys.stderr)
        raise
    finally:
        await client.aclose()
        await redis.aclose()
        stack.stop()
    report(counts, timings)
    return equal


def report(counts: dict[str, int], timings: Timings) -> None:
    """Events on each stream, and where the time went."""
    print("events by stream:")
    for stream, count in counts.items():
        print(f"  {stream}: {count:,}")
    four = sum(counts[stream] for stream in FOUR)
    every = sum(counts.values())
    print(f"  the four services' event streams: {four:,}; every event stream: {every:,}")
    print("seconds:")
    for name, seconds in timings.seconds.items():
        folded = timings.folded.get(name, 0)
        extra = f" ({folded:,} events folded)" if folded else ""
        print(f"  {name}: {seconds:,.1f}{extra}")


def main() -> None:
    """Run at the size asked for; exit 1 if any replayed view differs from the live one."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--smoke", action="store_true", help="~10,000 commands, a quick check")
    parser.add_argument("--posts", type=int, default=None)
    parser.add_argument("--events", type=int, default=None, help="generated commands")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument(
        "--at-risk", type=int, default=None, help="filled posts deleted after the history"
    )
    parser.add_argument(
        "--keep", type=Path, default=None, help="run in this folder and keep it (logs, archive)"
    )
    args = parser.parse_args()
    given = {"posts": args.posts, "events": args.events, "seed": args.seed}
    sizes = replace(
        SMOKE if args.smoke else FULL,
        at_risk=args.at_risk,
        **{name: value for name, value in given.items() if value is not None},
    )
    began = time.perf_counter()
    if args.keep is not None:
        equal = asyncio.run(run(sizes, args.keep))
    else:
        with tempfile.TemporaryDirectory() as folder:
            equal = asyncio.run(run(sizes, Path(folder)))
    verdict = "equal" if equal else "NOT EQUAL"
    print(
        f"live, Redis replay and archive replay: {verdict} ({time.perf_counter() - began:,.0f} s)"
    )
    if not equal:
        sys.exit(1)


if __name__ == "__main__":
    main()
