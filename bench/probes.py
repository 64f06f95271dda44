"""What the scale benchmark reads besides the services' answers: Redis itself, and timings.

The floor (XRANGE the streams a service reads and decode every body, nothing else), the
publish -> ledger latency taken from the streams' own entry ids (Redis's clock at each append,
so this reader's lag is not counted), Redis memory per event, the rejections and dead letters a
correct feed must not cause, and percentiles of timed HTTP queries.
"""

from __future__ import annotations

import gc
import math
import time
from typing import TYPE_CHECKING, Any

import orjson
from feed import entry_key

from contracts.streams import (
    ESTABLISHMENT_REJECTIONS,
    EVENT_STREAMS,
    FINANCE_COST_UPDATES,
    FINANCE_REJECTIONS,
    GRADING_REJECTIONS,
    RECRUITMENT_REJECTIONS,
    stream_key,
)

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    import httpx
    from redis.asyncio import Redis

PAGE = 1000
"""Entries per XRANGE page, as the event store reads them."""
REJECTIONS = (
    ESTABLISHMENT_REJECTIONS,
    GRADING_REJECTIONS,
    RECRUITMENT_REJECTIONS,
    FINANCE_REJECTIONS,
)


class ProbeError(RuntimeError):
    """The stack did what a correct run never does.

    It refused a generated command, lost a cost update or dead-lettered a message.
    """


def _text(value: object) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


async def entries(redis: Redis, key: str, start: str = "-") -> AsyncIterator[tuple[str, bytes]]:
    """Every (entry id, raw body) of stream `key` from `start`, a page at a time."""
    low = start
    while True:
        page = await redis.xrange(key, min=low, max="+", count=PAGE)
        if not page:
            return
        for entry_id, fields in page:
            assert fields is not None
            raw = fields[b"__data__"]
            yield _text(entry_id), raw if isinstance(raw, bytes) else raw.encode()
        if len(page) < PAGE:
            return
        low = f"({_text(page[-1][0])}"


async def bodies(redis: Redis, key: str, start: str = "-") -> list[dict[str, Any]]:
    """Every body of stream `key` from `start`, decoded."""
    return [orjson.loads(raw) async for _, raw in entries(redis, key, start)]


async def floor(redis: Redis, keys: list[str]) -> float:
    """Seconds to page through `keys` and decode every body, keeping them (the best of two)."""
    best = math.inf
    for _ in range(2):
        kept: list[Any] = []
        gc.disable()
        began = time.perf_counter()
        for key in keys:
            async for _, raw in entries(redis, key):
                kept.append(orjson.loads(raw))
        best = min(best, time.perf_counter() - began)
        gc.enable()
        del kept
    return best


async def check_clean(redis: Redis, tenant: str) -> None:
    """Raise ProbeError if any service refused a message or dead-lettered one."""
    problems: list[str] = []
    for stream in REJECTIONS:
        key = stream_key(tenant, stream)
        count = await redis.xlen(key)
        if count:
            first = (await bodies(redis, key))[:3]
            problems.append(f"{count} on {stream}, e.g. {orjson.dumps(first).decode()[:1500]}")
    problems.extend(
        [
            f"{await redis.xlen(key)} dead letters on {_text(key)}"
            async for key in redis.scan_iter(match=f"{{{tenant}}}:*dead-letters*")
        ]
    )
    if problems:
        raise ProbeError("; ".join(problems))


async def publish_to_ledger(
    redis: Redis, tenant: str, commands: list[dict[str, Any]], entry_ids: list[str]
) -> list[float]:
    """Milliseconds from each new post's append to the first cost update finance published for it.

    Joined by post, not by the update's cause: the posts are new, so their first cost update is
    the one their creation caused, whichever event of its batch finance names as the cause.
    """
    sent = {
        str(command["post_id"]): entry_key(entry)[0]
        for command, entry in zip(commands, entry_ids, strict=True)
    }
    start = f"{min(sent.values())}-0"
    priced: dict[str, int] = {}
    async for entry_id, raw in entries(redis, stream_key(tenant, FINANCE_COST_UPDATES), start):
        post_id = str(orjson.loads(raw)["payload"]["post_id"])
        if post_id in sent:
            priced.setdefault(post_id, entry_key(entry_id)[0])
    missing = sorted(set(sent) - set(priced))
    if missing:
        raise ProbeError(f"{len(missing)} new posts reached no cost update, e.g. {missing[0]}")
    return [float(priced[post_id] - millis) for post_id, millis in sent.items()]


async def memory(redis: Redis, tenant: str) -> tuple[int, int, dict[str, tuple[int, int]]]:
    """(used_memory, events on the event streams, {stream: (bytes, entries)}) for `tenant`."""
    used = int((await redis.info("memory"))["used_memory"])
    events = sum([await redis.xlen(stream_key(tenant, stream)) for stream in EVENT_STREAMS])
    streams: dict[str, tuple[int, int]] = {}
    async for raw_key in redis.scan_iter(match=f"{{{tenant}}}:*", _type="stream"):
        key = _text(raw_key)
        size = await redis.memory_usage(key, samples=0)
        streams[key.partition("}:")[2]] = (int(size or 0), int(await redis.xlen(key)))
    return used, events, dict(sorted(streams.items()))


async def timed(client: httpx.AsyncClient, url: str, params: dict[str, Any]) -> float:
    """Seconds one GET took; it must answer 200."""
    began = time.perf_counter()
    reply = await client.get(url, params=params)
    took = time.perf_counter() - began
    if reply.status_code != 200:
        raise ProbeError(f"GET {url} {params}: {reply.status_code} {reply.text[:500]}")
    return took


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (`share` 0.95 for p95) of `values`."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]
