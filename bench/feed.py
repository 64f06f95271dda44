"""Feeding a generated history into a running stack, as an HR system and the council's tools do.

Establishment's and recruitment's commands are pipelined onto their command streams (`XADD`,
as an HR feed publishes); grading's catalogue changes, which have no command stream, go over
HTTP. The history is fed month by month: a month's catalogue changes (grading) first, then its
establishment commands, then (once establishment has recorded them and recruitment has read its
events) its recruitment commands, so every service sees what the generator assumed
(bench/generate.py). A retraction learns the event id to retract from the post's history. Any
refused HTTP command, or a service that exits, stops the feed; the streams' rejections are
checked by the caller.
"""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import groupby
from typing import TYPE_CHECKING, Any

import orjson

from contracts.streams import (
    ESTABLISHMENT_COMMANDS,
    ESTABLISHMENT_EVENTS,
    RECRUITMENT_COMMANDS,
    stream_key,
)
from scenarios.loader import http_request, service_of

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Iterable

    import httpx
    from council import Item
    from redis.asyncio import Redis

PIPELINE = 500
"""Commands per pipelined write to the command stream."""
CONCURRENCY = 8
"""HTTP commands in flight at once (grading's stay in order)."""
STREAMS = {"establishment": ESTABLISHMENT_COMMANDS, "recruitment": RECRUITMENT_COMMANDS}
"""The services whose commands go onto a command stream, and the stream."""
FIRST_POLL_SECONDS = 0.005
LAST_POLL_SECONDS = 0.02
"""Waits poll quickly at first and back off, so a long wait costs the machine little."""


class FeedError(RuntimeError):
    """A command was refused, or a service never caught up."""


def entry_key(entry_id: str) -> tuple[int, int]:
    """A stream entry id as a sortable pair."""
    millis, _, sequence = entry_id.partition("-")
    return int(millis), int(sequence or 0)


def _text(value: object) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


@dataclass
class Fed:
    """What the feed sent, by route."""

    streamed: int = 0
    over_http: int = 0
    months: int = 0
    by_type: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    seconds: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    """Where the feed's time went: sending over HTTP, publishing, waiting for the services."""
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    """Commands sent in each of those steps."""


class Feed:
    """One tenant's history into the services at `urls`, over `redis` and `client`."""

    def __init__(
        self,
        redis: Redis,
        client: httpx.AsyncClient,
        urls: dict[str, str],
        tenant: str,
        *,
        check_alive: Callable[[], None],
        deadline_seconds: float,
    ) -> None:
        self.redis = redis
        self.client = client
        self.urls = urls
        self.tenant = tenant
        self.check_alive = check_alive
        self.deadline_seconds = deadline_seconds
        self.commands = stream_key(tenant, ESTABLISHMENT_COMMANDS)
        self.recruitment = stream_key(tenant, RECRUITMENT_COMMANDS)
        self.events = stream_key(tenant, ESTABLISHMENT_EVENTS)
        self.last_sent = "0-0"
        self.last_hired: str | None = None
        """The last entry put on recruitment's command stream."""
        self.fed = Fed()
        self.groups: dict[str, list[tuple[str, str]]] = {}

    async def history(
        self, items: Iterable[Item], after_month: Callable[[str], None] | None = None
    ) -> Fed:
        """Send every item, month by month; `after_month(month)` runs after each is sent."""
        for month, grouped in groupby(items, key=lambda item: item.month):
            await self.month(list(grouped))
            self.fed.months += 1
            if after_month is not None:
                after_month(month)
        return self.fed

    async def month(self, items: list[Item]) -> None:
        """One month: grading's catalogue changes, establishment's commands, then the rest.

        Establishment checks each grade against grading's catalogue as recorded when it
        decides, so the catalogue goes first; recruitment's commands name posts, so they go
        once establishment has recorded the month and recruitment has read it; and a deletion
        puts at risk whoever holds the post, so the next month's establishment commands wait
        until recruitment has recorded this month's appointments and leavers.
        """
        catalogue = [item for item in items if item.service == "grading"]
        streamed = [item for item in items if item.service == "establishment"]
        others = [item for item in items if item.service not in {"grading", "establishment"}]
        unstreamed = [item for item in others if item.service not in STREAMS]
        began = time.perf_counter()
        if catalogue:
            await self.send_http(catalogue)
        graded = time.perf_counter()
        if any(item.target for item in streamed):
            await self.recorded(self.last_sent)
        if streamed and self.last_hired is not None:
            await self.followed("recruitment", self.recruitment, self.last_hired)
        sent = time.perf_counter()
        commands = [await self._resolved(item) for item in streamed]
        for start in range(0, len(commands), PIPELINE):
            await self.publish(commands[start : start + PIPELINE])
        published = time.perf_counter()
        if others:
            await self.recorded(self.last_sent)
            await self.followed("recruitment", self.events)
        waited = time.perf_counter()
        hired = [item.command for item in others if item.service == "recruitment"]
        for start in range(0, len(hired), PIPELINE):
            await self.publish(hired[start : start + PIPELINE], self.recruitment)
        if unstreamed:
            await self.send_http(unstreamed)
        steps = (
            ("grading over HTTP", graded - began, len(catalogue)),
            ("establishment on the stream", published - sent, len(streamed)),
            ("waiting for establishment and recruitment", sent - graded + waited - published, 0),
            ("recruitment on the stream", time.perf_counter() - waited, len(others)),
        )
        for step, seconds, count in steps:
            self.fed.seconds[step] += seconds
            self.fed.counts[step] += count
        for item in items:
            self.fed.by_type[str(item.command["type"])] += 1
        self.fed.streamed += len(streamed) + len(hired)
        self.fed.over_http += len(catalogue) + len(unstreamed)

    async def publish(self, commands: list[dict[str, Any]], stream: str | None = None) -> list[str]:
        """Append `commands` to `stream` (default: establishment's) in one pipelined write.

        Returns their entry ids.
        """
        key = stream or self.commands
        async with self.redis.pipeline(transaction=False) as pipe:
            for command in commands:
                pipe.xadd(key, {"__data__": orjson.dumps(command)})
            replies = await pipe.execute()
        entries = [_text(reply) for reply in replies]
        if entries and key == self.commands:
            self.last_sent = entries[-1]
        elif entries:
            self.last_hired = entries[-1]
        return entries

    async def _resolved(self, item: Item) -> dict[str, Any]:
        """The item's command, with a retraction's event id looked up."""
        if item.target is None:
            return item.command
        post_id, command_id = item.target
        reply = await self.client.get(f"{self.urls['establishment']}/posts/{post_id}/history")
        if reply.status_code != 200:
            raise FeedError(f"history of {post_id}: {reply.status_code} {reply.text[:500]}")
        for event in reply.json():
            if event.get("causation_id") == command_id and event["type"] == "PostRedesignated":
                return {**item.command, "event_id": event["event_id"]}
        raise FeedError(f"no event of command {command_id} in the history of {post_id}")

    async def send_http(self, items: list[Item]) -> None:
        """Send `items` over HTTP, each post's (and grading's) in order, the rest at once."""
        lanes: dict[str, list[Item]] = defaultdict(list)
        for item in items:
            lanes[str(item.command.get("post_id", item.service))].append(item)
        gate = asyncio.Semaphore(CONCURRENCY)

        async def lane(queue: list[Item]) -> None:
            async with gate:
                for item in queue:
                    await self.send(item.command)

        await asyncio.gather(*(lane(queue) for queue in lanes.values()))

    async def send(self, command: dict[str, Any]) -> dict[str, Any]:
        """Record one command through its service's HTTP API; it must be accepted."""
        method, path, body = http_request(command)
        url = f"{self.urls[service_of(command)]}{path}"
        reply = await self.client.request(method, url, json=body)
        if not reply.is_success:
            raise FeedError(f"{command['type']} refused: {reply.status_code} {reply.text[:800]}")
        answer: dict[str, Any] = reply.json()
        return answer

    async def _groups(self, service: str) -> list[dict[str, Any]]:
        self.check_alive()
        reply = await self.client.get(f"{self.urls[service]}/progress")
        groups: list[dict[str, Any]] = reply.json()["groups"]
        return groups

    async def _wait(
        self, done: Callable[[], Awaitable[bool]], what: str, behind: list[Any] | None = None
    ) -> None:
        """Poll `done` until it holds; past the deadline, fail naming `what` (and `behind`)."""
        deadline = time.monotonic() + self.deadline_seconds
        pause = FIRST_POLL_SECONDS
        while not await done():
            if time.monotonic() > deadline:
                still = f"; still behind: {orjson.dumps(behind).decode()}" if behind else ""
                raise FeedError(f"waited {self.deadline_seconds:.0f} s for {what}{still}")
            await asyncio.sleep(pause)
            pause = min(pause * 2, LAST_POLL_SECONDS)

    async def reads(self, service: str) -> list[tuple[str, str]]:
        """(stream, consumer group) of everything `service` consumes, as its /progress says."""
        if service not in self.groups:
            self.groups[service] = [
                (str(group["stream"]), str(group["group"])) for group in await self._groups(service)
            ]
        return self.groups[service]

    async def handled(self, stream: str, group: str, target: tuple[int, int]) -> bool:
        """Whether `group` has been delivered `stream` up to `target` and acknowledged it all."""
        self.check_alive()
        for found in await self.redis.xinfo_groups(stream):
            if _text(found["name"]) == group:
                delivered = entry_key(_text(found["last-delivered-id"]))
                return delivered >= target and int(found["pending"]) == 0
        raise FeedError(f"no group {group} on {stream}")

    async def _end(self, stream: str) -> tuple[int, int]:
        return entry_key(_text((await self.redis.xinfo_stream(stream))["last-generated-id"]))

    async def followed(self, service: str, stream: str, upto: str | None = None) -> None:
        """Wait until `service`'s group on `stream` has handled it to `upto` (default: its end).

        Handled means delivered and acknowledged: the handler made its effect durable. Polled
        in Redis (XINFO), which costs the services nothing.
        """
        target = entry_key(upto) if upto is not None else await self._end(stream)
        names = [group for read, group in await self.reads(service) if read == stream]
        if not names:
            raise FeedError(f"{service} does not read {stream}")

        async def done() -> bool:
            return await self.handled(stream, names[0], target)

        await self._wait(done, f"{service} to read {stream} up to {upto or 'its end'}")

    async def recorded(self, upto: str) -> None:
        """Wait until establishment has handled its command stream up to entry `upto`."""
        if upto != "0-0":
            await self.followed("establishment", self.commands, upto)

    async def caught_up(self) -> None:
        """Wait until every service has handled all it reads, and its /progress says so.

        Polled in Redis first (XINFO), so that waiting costs the services nothing.
        """
        behind: list[Any] = []

        async def done() -> bool:
            behind.clear()
            for service in self.urls:
                for stream, group in await self.reads(service):
                    if not await self.handled(stream, group, await self._end(stream)):
                        behind.append({"service": service, "stream": stream, "group": group})
            if behind:
                return False
            for service in self.urls:
                groups = await self._groups(service)
                behind.extend(group for group in groups if not group["caught_up"])
            return not behind

        await self._wait(done, "every service to catch up", behind)

    async def steady(self, commands: list[dict[str, Any]], rate: float) -> list[str]:
        """Publish `commands` one at a time at `rate` per second; their entry ids."""
        began = time.perf_counter()
        entries: list[str] = []
        for number, command in enumerate(commands):
            wait = began + number / rate - time.perf_counter()
            if wait > 0:
                await asyncio.sleep(wait)
            entry = await self.redis.xadd(self.commands, {"__data__": orjson.dumps(command)})
            entries.append(_text(entry))
        self.last_sent = entries[-1] if entries else self.last_sent
        return entries
