"""A soak: `estab up` under steady writes over HTTP and streams while faults are injected.

    python bench/soak.py --minutes 5        (`make soak`; `make test` runs half a minute)

Three HR clients post `CreatePost` over HTTP and one publishes them on
`establishment.commands`, about 40 commands a second in all, one in twenty refused on purpose
(an unknown grade). Every 10-25 s a fault: a service or Redis SIGKILLed (the supervisor restarts
it) or a service paused for 3 s. A client retries with the same `command_id` until it gets an
answer; the stream publisher retries an `XADD` that failed. At the end, once every consumer has
caught up, the log is counted: every command answered 201, or published and not rejected, must
have exactly one event (lost 0, duplicated 0), every accepted post a cost update from finance,
and `estab verify` must pass. Printed and appended to bench/RESULTS.md: sent, accepted,
rejected, lost, duplicated, uncosted, the faults, and publish -> ledger latency p50/p99 (from
the first send of a post's command to finance's cost update for it, faults included). Exits 1 if
anything was lost, duplicated or left uncosted, or the log does not verify.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import orjson
from redis.asyncio import Redis
from redis.exceptions import RedisError
from results import record
from soak_faults import inject_faults
from soak_stack import SoakStack

from contracts.streams import (
    ESTABLISHMENT_COMMANDS,
    ESTABLISHMENT_EVENTS,
    ESTABLISHMENT_REJECTIONS,
    FINANCE_COST_UPDATES,
    stream_key,
)
from eventlog.clock import parse_timestamp
from scenarios.loader import bundled_scenario

TENANT = "soak"
HTTP_CLIENTS = 3
PER_CLIENT_PER_SECOND = 10.0
REFUSED_EVERY = 20
ANSWER_SECONDS = 120.0
CATCH_UP_SECONDS = 300.0


@dataclass
class Tally:
    """What was sent and what each client was told."""

    sent_at: dict[str, float] = field(default_factory=dict)
    """Each command id with the time its first attempt was sent."""
    post_of: dict[str, str] = field(default_factory=dict)
    accepted: set[str] = field(default_factory=set)
    rejected: set[str] = field(default_factory=set)
    published: set[str] = field(default_factory=set)
    """Stream commands: decided by what the log and the rejections hold at the end."""


def _meant_to_fail(command_id: str) -> bool:
    """Whether the command was sent with an unknown grade, to be refused."""
    return int(command_id.rsplit("-", 1)[1]) % REFUSED_EVERY == 0


def _command(lane: str, number: int) -> dict[str, object]:
    refused = _meant_to_fail(f"{lane}-{number}")
    return {
        "type": "CreatePost",
        "command_id": f"soak-{lane}-{number}",
        "post_id": f"{lane}-{number}",
        "title": f"Soak post {number}",
        "grade": "Z9" if refused else "PO6",
        "fte": "1",
        "org_unit_id": "soak-unit",
        "effective_date": "2024-04-01",
    }


async def _http_client(stack: SoakStack, lane: str, until: float, tally: Tally) -> None:
    """Post commands until `until`, each retried with its command id until it is answered."""
    url = stack.urls["establishment"]
    async with httpx.AsyncClient(base_url=url, headers=stack.headers(TENANT), timeout=10) as http:
        number = 0
        while time.monotonic() < until:
            number += 1
            command = _command(lane, number)
            key = str(command["command_id"])
            tally.sent_at[key], tally.post_of[key] = time.time(), str(command["post_id"])
            body = {name: value for name, value in command.items() if name != "type"}
            deadline = time.monotonic() + ANSWER_SECONDS
            while time.monotonic() < deadline:
                try:
                    reply = await http.post("/posts", json=body)
                except httpx.HTTPError:
                    await asyncio.sleep(0.2)
                    continue
                if reply.status_code in {429, 500, 502, 503}:
                    await asyncio.sleep(0.2)
                    continue
                (tally.accepted if reply.is_success else tally.rejected).add(key)
                break
            await asyncio.sleep(1 / PER_CLIENT_PER_SECOND)


async def _publisher(stack: SoakStack, until: float, tally: Tally) -> None:
    """Publish commands on the command stream until `until`, retrying a failed XADD."""
    number = 0
    redis = Redis.from_url(stack.redis_url)
    try:
        while time.monotonic() < until:
            number += 1
            command = _command("stream", number)
            key = str(command["command_id"])
            tally.sent_at[key], tally.post_of[key] = time.time(), str(command["post_id"])
            while True:
                try:
                    await redis.xadd(
                        stream_key(TENANT, ESTABLISHMENT_COMMANDS),
                        {"__data__": orjson.dumps(command)},
                    )
                    break
                except (RedisError, OSError):
                    await asyncio.sleep(0.2)
            tally.published.add(key)
            await asyncio.sleep(1 / PER_CLIENT_PER_SECOND)
    finally:
        await redis.aclose()


def _estab(stack: SoakStack, *args: str) -> subprocess.CompletedProcess[str]:
    """An `estab` command against the soak's stack."""
    return subprocess.run(
        [sys.executable, "-m", "cli", *args, "--data-dir", str(stack.data_dir)],
        capture_output=True,
        text=True,
        check=False,
    )


def _set_up(stack: SoakStack) -> None:
    """The tenant, its grade catalogue and one org unit for the posts."""
    for args in (
        ("tenant", "create", TENANT),
        ("load", str(bundled_scenario("catalogue_njc_leeds_style")), "--tenant", TENANT),
    ):
        done = _estab(stack, *args)
        if done.returncode != 0:
            raise SystemExit(f"estab {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    unit = {"org_unit_id": "soak-unit", "name": "Soak", "effective_date": "2000-01-01"}
    url = stack.urls["establishment"]
    reply = httpx.post(f"{url}/org-units", json=unit, headers=stack.headers(TENANT), timeout=30)
    reply.raise_for_status()


def _caught_up(stack: SoakStack) -> None:
    """Wait until every service's consumer groups have read and acknowledged everything."""
    deadline = time.monotonic() + CATCH_UP_SECONDS
    headers = stack.headers(TENANT)
    while time.monotonic() < deadline:
        try:
            done = all(
                httpx.get(f"{url}/progress", headers=headers, timeout=5).json()["caught_up"]
                for url in stack.urls.values()
            )
        except (httpx.HTTPError, KeyError, ValueError):
            done = False
        if done:
            return
        time.sleep(0.5)
    raise SystemExit("the services did not catch up")


async def _stream(redis: Redis, name: str) -> list[dict[str, object]]:
    """Every entry of one of the tenant's streams, decoded."""
    entries = await redis.xrange(stream_key(TENANT, name)) or []
    return [orjson.loads((fields or {})[b"__data__"]) for _, fields in entries]


@dataclass(frozen=True)
class Count:
    """The log's account of what the clients sent."""

    accepted: int
    rejected: int
    lost: list[str]
    duplicated: int
    uncosted: list[str]
    latencies: list[float]
    misjudged: list[str]
    """Commands meant to be refused that were not, each with what the log holds of it."""


async def _count(stack: SoakStack, tally: Tally) -> Count:
    """Count the log against what the clients were told."""
    redis = Redis.from_url(stack.redis_url)
    try:
        events = await _stream(redis, ESTABLISHMENT_EVENTS)
        refusals = await _stream(redis, ESTABLISHMENT_REJECTIONS)
        updates = await _stream(redis, FINANCE_COST_UPDATES)
    finally:
        await redis.aclose()
    created: dict[str, int] = {}
    for event in events:
        if event["type"] == "PostCreated":
            created[str(event["causation_id"])] = created.get(str(event["causation_id"]), 0) + 1
    refused = {
        str(message.get("command_id"))
        for item in refusals
        if isinstance(message := item.get("message"), dict)
    }
    accepted = tally.accepted | {key for key in tally.published if key not in refused}
    costed: dict[str, float] = {}
    for update in updates:
        post = str(update["payload"]["post_id"])  # type: ignore[index]  # a cost update's payload
        costed.setdefault(post, parse_timestamp(str(update["recorded_at"])).timestamp())
    latencies = [
        costed[tally.post_of[key]] - tally.sent_at[key]
        for key in accepted
        if tally.post_of[key] in costed
    ]
    return Count(
        accepted=len(accepted),
        rejected=len(tally.rejected) + len(tally.published & refused),
        lost=sorted(key for key in accepted if key not in created),
        duplicated=sum(count - 1 for count in created.values()),
        uncosted=sorted(key for key in accepted if tally.post_of[key] not in costed),
        latencies=latencies,
        misjudged=[
            f"{key} (http {key in tally.accepted}, events {created.get(key, 0)})"
            for key in sorted(accepted)
            if _meant_to_fail(key)
        ],
    )


async def soak(stack: SoakStack, minutes: float) -> tuple[Tally, list[str]]:
    """Run the clients and the faults for `minutes`."""
    until = time.monotonic() + minutes * 60
    tally = Tally()
    faults: list[str] = []
    await asyncio.gather(
        *(_http_client(stack, f"http{lane}", until, tally) for lane in range(HTTP_CLIENTS)),
        _publisher(stack, until, tally),
        inject_faults(stack, until, faults, random.Random(20261202)),
    )
    return tally, faults


def print_rows(what: str, rows: list[tuple[str, str, str]]) -> None:
    """The figures as `record` prints them, kept out of bench/RESULTS.md."""
    print(what)
    for name, figure, limit in rows:
        print(f"  {name}: {figure} ({limit})")


def main() -> int:
    """Run the soak and report it; 1 if anything was lost, duplicated or uncosted."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument(
        "--no-record", action="store_true", help="print the figures only (make test's short run)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="soak-") as folder:
        stack = SoakStack(Path(folder) / "data")
        stack.start()
        try:
            _set_up(stack)
            tally, faults = asyncio.run(soak(stack, args.minutes))
            _caught_up(stack)
            count = asyncio.run(_count(stack, tally))
            verified = _estab(stack, "verify").returncode == 0
            restarts = stack.restarts()
        finally:
            stopped = stack.stop()
    quantiles = (
        statistics.quantiles(count.latencies, n=100) if len(count.latencies) > 1 else [0.0] * 99
    )
    sent = len(tally.sent_at)
    invalid = sum(_meant_to_fail(key) for key in tally.sent_at)
    report = print_rows if args.no_record else record
    report(
        f"Soak, `python bench/soak.py --minutes {args.minutes:g}`: `estab up`, "
        f"{HTTP_CLIENTS} HTTP clients and one stream publisher, faults every 10-25 s",
        [
            ("commands sent", f"{sent:,}", "—"),
            ("accepted", f"{count.accepted:,}", "—"),
            (
                "rejected (one in twenty on purpose)",
                f"{count.rejected:,}",
                f"{invalid:,} sent so",
            ),
            ("lost", f"{len(count.lost)}", "0"),
            ("duplicated", f"{count.duplicated}", "0"),
            ("accepted but never costed by finance", f"{len(count.uncosted)}", "0"),
            ("meant to be refused but accepted", f"{len(count.misjudged)}", "0"),
            ("publish -> ledger p50", f"{quantiles[49] * 1000:,.0f} ms", "—"),
            ("publish -> ledger p99", f"{quantiles[98] * 1000:,.0f} ms", "faults included"),
            ("faults", "; ".join(faults) or "none", "—"),
            (
                "restarts by estab up",
                ", ".join(f"{k} {v}" for k, v in restarts.items() if v) or "none",
                "—",
            ),
            ("estab verify", "clean" if verified else "**failed**", "clean"),
            ("estab up stopped with", str(stopped), "0"),
        ],
    )
    failed = count.lost or count.duplicated or count.uncosted or count.misjudged or not verified
    if count.misjudged:
        print(f"meant to be refused but accepted: {count.misjudged[:20]}")
    if count.lost:
        print(f"lost: {count.lost[:20]}")
    if count.uncosted:
        print(f"uncosted: {count.uncosted[:20]}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
