"""The scale benchmark's figures, each beside issue 11's target for it (pure).

Targets are the issue's, set for a 50,000-post tenant with 1,000,000 events: at a smaller size a
figure is still shown against them, and the heading says the size. A figure that cannot be
taken is reported as such (a warm start with no snapshot to start from), never as a number.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from probes import percentile
from results import Figure

if TYPE_CHECKING:
    from feed import Fed
    from peer import PeerTimes

INGEST_TARGET = 5_000.0
LATENCY_TARGET_MS = 250.0
STRUCTURE_NOW_MS = 150.0
STRUCTURE_PAST_MS = 1_000.0
POST_MS = 5.0
REPLAY_FLOOR_RATIO = 2.0
PEER_RATIO = 3.0
WARM_S = 2.0
BYTES_PER_EVENT = 1024.0
MB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Run:
    """Everything one run measured."""

    posts: int
    commands: int
    fed: Fed
    ingest_s: float
    bulk: int
    bulk_s: float
    cpu: dict[str, dict[str, float]]
    rate: float
    latencies_ms: list[float]
    timings: dict[str, list[float]]
    cold: dict[str, dict[str, Any]]
    redis_growth: int
    events: int
    streams: dict[str, tuple[int, int]]
    peers: dict[str, PeerTimes]
    redis_version: str
    past_known_at: str


def _step(what: str, seconds: float, count: int) -> str:
    each = f" for {count:,} ({seconds / count * 1000:,.1f} ms each)" if count else ""
    return f"{what} {seconds:,.1f} s{each}"


def _ingest(run: Run) -> list[Figure]:
    rate = run.commands / run.ingest_s
    text = (
        f"{rate:,.0f} commands/s ({run.commands:,} in {run.ingest_s:,.1f} s: "
        f"{run.fed.streamed:,} on the command streams, {run.fed.over_http:,} over HTTP, "
        f"{run.fed.months} months; "
        + ", ".join(
            _step(what, seconds, run.fed.counts[what]) for what, seconds in run.fed.seconds.items()
        )
        + ")"
    )
    return [
        Figure(
            "ingest until all four services caught up",
            rate,
            "commands/s",
            text,
            f"≥ {INGEST_TARGET:,.0f} commands/s",
            rate >= INGEST_TARGET,
        ),
        Figure(
            f"HR feed: {run.bulk:,} new posts pipelined onto the command stream, until all four "
            "services caught up",
            run.bulk / run.bulk_s,
            "commands/s",
            f"{run.bulk / run.bulk_s:,.0f} commands/s ({run.bulk_s:,.1f} s)",
            f"≥ {INGEST_TARGET:,.0f} commands/s",
            run.bulk / run.bulk_s >= INGEST_TARGET,
        ),
    ]


def _spread(
    measure: str, values_ms: list[float], target_ms: float | None, on: float
) -> list[Figure]:
    """p50, p95 and p99 of `values_ms`; the target (if any) applies to the `on` percentile."""
    found = []
    for share in (0.5, 0.95, 0.99):
        value = percentile(values_ms, share)
        label = f"p{round(share * 100)}"
        applies = target_ms is not None and share == on
        found.append(
            Figure(
                f"{measure}, {label} (n={len(values_ms)})",
                value,
                "ms",
                f"{value:,.1f} ms",
                f"< {target_ms:,.0f} ms" if applies and target_ms is not None else "—",
                (value < target_ms) if applies and target_ms is not None else None,
            )
        )
    return found


def _queries(run: Run) -> list[Figure]:
    def ms(name: str) -> list[float]:
        return [seconds * 1000 for seconds in run.timings[name]]

    past = f"known at {run.past_known_at} (half-way through the ingest)"
    return [
        *_spread(
            f"publish → finance cost update at {run.rate:,.0f}/s",
            run.latencies_ms,
            LATENCY_TARGET_MS,
            0.99,
        ),
        *_spread("GET /structure, known now", ms("structure now"), STRUCTURE_NOW_MS, 0.95),
        *_spread(f"GET /structure, {past}", ms("structure past"), STRUCTURE_PAST_MS, 0.95),
        *_spread("GET /ledger by org unit, known now", ms("ledger now"), None, 0.95),
        *_spread(f"GET /ledger by org unit, {past}", ms("ledger past"), None, 0.95),
        *_spread("GET /posts/{id}, a random live post", ms("post"), POST_MS, 0.95),
    ]


def cold_seconds(cold: dict[str, Any]) -> float:
    """A service's cold replay: from its start until it is ready and has answered a query.

    Followed streams may be folded on first use, so being ready alone is not a full replay.
    """
    return float(cold["replay_s"] + cold["first_query_s"])


def _beyond(seconds: float, cold: dict[str, Any]) -> str:
    """The replay less what starting a copy that serves no tenant took, where that is clear."""
    beyond = seconds - cold["bare_start_s"]
    if beyond <= 0:
        return f"a copy serving no tenant took {cold['bare_start_s']:.2f} s to start (noise)"
    return (
        f"a copy serving no tenant starts in {cold['bare_start_s']:.2f} s, so the replay "
        f"itself is ~{beyond:.2f} s ({beyond / cold['floor_s']:.1f}x floor)"
    )


def _replays(run: Run) -> list[Figure]:
    found = []
    for name, cold in run.cold.items():
        seconds = cold_seconds(cold)
        ratio = seconds / cold["floor_s"]
        text = (
            f"{seconds:.2f} s = {ratio:.1f}x its floor {cold['floor_s']:.2f} s "
            f"({cold['entries']:,} entries; ready in {cold['replay_s']:.2f} s, first query "
            f"{cold['first_query_s']:.2f} s); {_beyond(seconds, cold)}"
        )
        found.append(
            Figure(
                f"cold replay of {name}, until ready and a first query answered",
                seconds,
                "s",
                text,
                f"≤ {REPLAY_FLOOR_RATIO:.0f}x floor",
                ratio <= REPLAY_FLOOR_RATIO,
            )
        )
    replay = sum(cold_seconds(cold) for cold in run.cold.values())
    floor = sum(cold["floor_s"] for cold in run.cold.values())
    found.append(
        Figure(
            "cold replay, all four services one after another",
            replay,
            "s",
            f"{replay:.2f} s = {replay / floor:.1f}x the floors' {floor:.2f} s",
            f"≤ {REPLAY_FLOOR_RATIO:.0f}x floor",
            replay / floor <= REPLAY_FLOOR_RATIO,
        )
    )
    establishment = cold_seconds(run.cold["establishment"])
    rebuild = run.peers["SQLite"].rebuild
    ratio = rebuild / establishment
    found.append(
        Figure(
            "eventsourcing SQLite projection rebuild / establishment's cold replay",
            ratio,
            "x",
            f"{ratio:.2f}x ({rebuild:.2f} s / {establishment:.2f} s; the library's rebuild runs "
            "in a process already started)",
            f"≥ {PEER_RATIO:.0f}x",
            ratio >= PEER_RATIO,
        )
    )
    found.extend(_warm(name, cold) for name, cold in run.cold.items())
    return found


def _warm(name: str, cold: dict[str, Any]) -> Figure:
    """A service's warm start, which counts only where a snapshot of its streams exists."""
    seconds = float(cold["warm_s"] + cold["warm_first_query_s"])
    measure = f"warm start of {name} from snapshots, until ready and a first query answered"
    if not cold["snapshots"]:
        text = f"n/a: no snapshot of its streams was taken (a full replay took {seconds:.2f} s)"
        return Figure(measure, None, "s", text, f"< {WARM_S:.0f} s", None)
    text = (
        f"{seconds:.2f} s ({cold['snapshots']} snapshots of its streams; ready in "
        f"{cold['warm_s']:.2f} s, first query {cold['warm_first_query_s']:.2f} s; cold: "
        f"{cold_seconds(cold):.2f} s)"
    )
    return Figure(measure, seconds, "s", text, f"< {WARM_S:.0f} s", seconds < WARM_S)


def _memory(run: Run) -> list[Figure]:
    per_event = run.redis_growth / run.events
    found = [
        Figure(
            "Redis bytes per event (used_memory growth / events on the event streams)",
            per_event,
            "B",
            f"{per_event:,.0f} B ({run.redis_growth / MB:,.1f} MB over {run.events:,} events)",
            f"< {BYTES_PER_EVENT:,.0f} B",
            per_event < BYTES_PER_EVENT,
        )
    ]
    for stream, (size, entries) in run.streams.items():
        per = size / entries if entries else 0.0
        text = f"{per:,.0f} B ({size / MB:,.1f} MB, {entries:,} entries)"
        found.append(Figure(f"MEMORY USAGE per entry, {stream}", per, "B", text))
    for name, cold in run.cold.items():
        per_post = (cold["rss"] - cold["bare_rss"]) / run.posts
        text = (
            f"{per_post:,.0f} B per post ({cold['rss'] / MB:,.0f} MB RSS after replay, "
            f"{cold['bare_rss'] / MB:,.0f} MB serving no tenant; {run.posts:,} posts)"
        )
        found.append(Figure(f"RSS per post, {name}", per_post, "B", text, "stated"))
    return found


def _peers(run: Run) -> list[Figure]:
    found = []
    for recorder, times in run.peers.items():
        for step, seconds in (
            ("write", times.write),
            ("reconstruct every aggregate", times.reconstruct),
            ("full projection rebuild", times.rebuild),
        ):
            text = (
                f"{seconds:.2f} s ({times.events / seconds:,.0f} events/s, "
                f"{times.aggregates:,} aggregates)"
            )
            found.append(Figure(f"eventsourcing on {recorder}: {step}", seconds, "s", text))
    return found


def _cpu(run: Run) -> list[Figure]:
    """CPU seconds each process spent in each feeding stage: where the ingest's time went."""
    found = []
    for stage, used in run.cpu.items():
        total = sum(used.values())
        text = ", ".join(f"{name} {seconds:,.1f} s" for name, seconds in used.items())
        found.append(Figure(f"CPU used, {stage}", total, "s", f"{total:,.1f} s: {text}"))
    return found


def figures(run: Run) -> list[Figure]:
    """Every figure of `run`, in the order the issue lists them (then where the CPU went)."""
    return [
        *_ingest(run),
        *_queries(run),
        *_replays(run),
        *_memory(run),
        *_peers(run),
        *_cpu(run),
    ]
