"""Two replicas of every service on the Redis Cluster, sharing two tenants on different nodes.

Each tenant's streams are consumed by one replica of each service at a time (its lease,
eventlog.consumer_leases) and the replicas split the tenants between them; every replica serves
HTTP for both. Commands go in through both replicas' HTTP APIs and through the command stream, a
repeat of each kind included; then one replica of each service stops while commands are arriving
and the other takes its tenant over.
"""

from __future__ import annotations

import socket
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from uuid import uuid4

import httpx
import orjson
import pytest
from bearer import speaking_for
from conftest import ServiceProcess
from driving import caught_up, send
from redis.asyncio import Redis
from waiting import until_async

from cli.supervisor import SERVICES
from cluster.council import (
    POSTS,
    Post,
    answer,
    appoint,
    check_books,
    check_cost_updates,
    check_logs,
    post_command,
    unit_command,
)
from contracts.streams import (
    ESTABLISHMENT_COMMANDS,
    ESTABLISHMENT_EVENTS,
    ESTABLISHMENT_REJECTIONS,
    FINANCE_COST_UPDATES,
    FINANCE_REJECTIONS,
    GRADING_EVENTS,
    GRADING_REJECTIONS,
    RECRUITMENT_EVENTS,
    RECRUITMENT_REJECTIONS,
    stream_key,
)
from eventlog.consumer_leases import lease_key
from eventlog.http_params import REPLAYED
from scenarios.loader import bundled_scenario, http_request, load_scenario

pytestmark = [pytest.mark.e2e, pytest.mark.redis]

Replicas = dict[str, list[ServiceProcess]]

STREAM_POSTS = (Post("stream-1", "SO1", "0.5"), Post("stream-2", "PO6", "1"))
"""Created through the command stream at 1 FTE; the first is then halved, also by the stream."""
ARRIVING = Post("arriving", "SO1", "1")
"""Created through the stream just as one replica of each service stops."""
AFTER = Post("after", "C2", "1")
"""Created over HTTP once the remaining replicas have taken every tenant over."""
REJECTIONS = (
    ESTABLISHMENT_REJECTIONS,
    GRADING_REJECTIONS,
    RECRUITMENT_REJECTIONS,
    FINANCE_REJECTIONS,
)


def consumer(process: ServiceProcess) -> str:
    """The consumer name a service process reads under (its settings' default)."""
    assert process.process is not None
    return f"{socket.gethostname()}-{process.process.pid}"


def via(replicas: Replicas, index: int) -> dict[str, ServiceProcess]:
    """One replica of each service, chosen by `index`, by name (what `driving.send` takes)."""
    return {name: group[index % len(group)] for name, group in replicas.items()}


def with_id(command: dict[str, Any]) -> dict[str, Any]:
    """`command` with a fresh command_id, so its events can be counted."""
    return {**command, "command_id": str(uuid4())}


def halve(post: Post) -> dict[str, Any]:
    """ChangePostFTE to `post.fte` from May: refused if handled before the post exists."""
    return with_id(
        {
            "type": "ChangePostFTE",
            "post_id": post.post_id,
            "fte": post.fte,
            "effective_date": "2023-05-01",
        }
    )


async def publish(redis: Redis, tenant: str, command: dict[str, Any]) -> None:
    """Append `command` to the tenant's command stream, as an HR feed does."""
    key = stream_key(tenant, ESTABLISHMENT_COMMANDS)
    await redis.xadd(key, {"__data__": orjson.dumps(command)})


async def holders(redis: Redis, tenants: tuple[str, ...]) -> dict[str, list[str]]:
    """Per service, the consumer holding each tenant's lease ('' where nobody does)."""
    found = {}
    for spec in SERVICES:
        values = [await redis.get(lease_key(tenant, spec.name)) for tenant in tenants]
        found[spec.name] = [
            value.decode() if isinstance(value, bytes) else value or "" for value in values
        ]
    return found


PARTS = (
    "structure posts",
    "structure totals",
    "ledger rows",
    "ledger totals",
    "vacancies",
    "grades",
)


def views(service: dict[str, ServiceProcess], tenant: str) -> list[Any]:
    """What each service answers about the tenant (the parts that do not name the moment: PARTS)."""
    structure = answer(service["establishment"], tenant, "/structure", as_of="2023-09-30")
    ledger = answer(service["finance"], tenant, "/ledger", fy=2023, as_of="2023-09-30")
    vacancies = answer(service["recruitment"], tenant, "/vacancies", as_of="2023-09-30")
    return [
        structure["posts"],
        structure["totals"],
        ledger["rows"],
        ledger["totals"],
        vacancies["vacancies"],
        answer(service["grading"], tenant, "/grades", as_of="2023-09-30"),
    ]


def replayed(establishment: ServiceProcess, tenant: str, command: dict[str, Any]) -> bool:
    """Whether `establishment` answers a repeat of a recorded command as a replay of it."""
    _method, path, body = http_request(command)
    again = httpx.post(f"{establishment.url}{path}", json=body, headers=speaking_for(tenant))
    assert again.is_success, again.text
    return bool(again.headers.get(REPLAYED) == "true")


def every_caught_up(replicas: Replicas) -> None:
    """Every running replica reports all consumer groups read and acknowledged."""
    for group in replicas.values():
        for process in group:
            if process.process is not None and process.process.poll() is None:
                caught_up(process)


def consuming(replicas: Replicas, held: dict[str, list[str]], index: int) -> dict[str, Any]:
    """Per service, the replica holding the lease of tenant number `index` (from `holders`)."""
    return {
        name: next(process for process in group if consumer(process) == held[name][index])
        for name, group in replicas.items()
    }


async def run_first_round(
    redis: Redis, replicas: Replicas, tenants: tuple[str, str]
) -> dict[str, list[str]]:
    """Catalogue, unit, posts and an appointment through both replicas and the command stream.

    Both replicas are asked about each tenant as soon as it has a catalogue, as users would.
    Returns each tenant's establishment command ids sent through the stream, in stream order.
    """
    catalogue = load_scenario(bundled_scenario("catalogue_njc_leeds_style")).steps
    streamed: dict[str, list[str]] = {}
    for tenant in tenants:
        for index, step in enumerate(catalogue):
            send(via(replicas, index), tenant, step.command)
        every_caught_up(replicas)
        for index in (0, 1):
            views(via(replicas, index), tenant)
        send(via(replicas, 0), tenant, with_id(unit_command("unit")))
        creates = [with_id(post_command("unit", post)) for post in POSTS]
        for index, command in enumerate(creates):
            send(via(replicas, index), tenant, command)
        assert replayed(replicas["establishment"][1], tenant, creates[0])
        stream = [
            with_id(post_command("unit", Post(post.post_id, post.grade, "1")))
            for post in STREAM_POSTS
        ]
        stream.append(halve(STREAM_POSTS[0]))
        for command in [*stream, stream[0]]:
            await publish(redis, tenant, command)
        streamed[tenant] = [command["command_id"] for command in stream]
    every_caught_up(replicas)
    for index, tenant in enumerate(tenants):
        appoint(via(replicas, index)["recruitment"], tenant, POSTS[0].post_id)
    every_caught_up(replicas)
    return streamed


async def hand_over(
    redis: Redis, replicas: Replicas, tenants: tuple[str, str], streamed: dict[str, list[str]]
) -> None:
    """Stop the second replica of every service as a command arrives; the first takes over."""
    for tenant in tenants:
        command = with_id(post_command("unit", ARRIVING))
        await publish(redis, tenant, command)
        streamed[tenant].append(command["command_id"])
    leaving = [group[1] for group in replicas.values()]
    with ThreadPoolExecutor(len(leaving)) as pool:
        list(pool.map(ServiceProcess.stop, leaving))
    staying = {consumer(group[0]) for group in replicas.values()}

    async def taken_over() -> bool:
        found = await holders(redis, tenants)
        return all(set(held) <= staying and "" not in held for held in found.values())

    await until_async(taken_over, "the remaining replicas to take every tenant over", 30)
    for tenant in tenants:
        send(via(replicas, 0), tenant, with_id(post_command("unit", AFTER)))
        appoint(via(replicas, 0)["recruitment"], tenant, POSTS[1].post_id)
    every_caught_up(replicas)


def check_recorded_once(logs: dict[str, list[dict[str, Any]]], streamed: list[str]) -> None:
    """Every command is one event, the stream's in stream order; finance followed that order."""
    recorded = [event["causation_id"] for event in logs[ESTABLISHMENT_EVENTS]]
    assert [cause for cause in recorded if cause in streamed] == streamed
    assert max(Counter(recorded).values()) == 1
    graded = Counter(event["causation_id"] for event in logs[GRADING_EVENTS])
    assert set(graded.values()) == {1}
    appointed = Counter(event["causation_id"] for event in logs[RECRUITMENT_EVENTS])
    assert [appointed[f"appoint-{post.post_id}"] for post in POSTS[:2]] == [1, 1]
    sequence = {event["event_id"]: event["sequence"] for event in logs[ESTABLISHMENT_EVENTS]}
    causes = [
        sequence[update["payload"]["cause_event_id"]]
        for update in logs[FINANCE_COST_UPDATES]
        if update["payload"]["cause_event_id"] in sequence
    ]
    assert causes == sorted(causes)


@pytest.mark.timeout(240)  # eight service processes start one after another before it begins
async def test_two_replicas_share_the_tenants_and_record_every_command_once(
    replicas: Replicas, redis: Redis, tenants: tuple[str, str]
) -> None:
    """Replicas split the tenants, record each command once and in order, and answer alike."""
    names = [{consumer(process) for process in group} for group in replicas.values()]

    async def split() -> dict[str, list[str]] | None:
        found = await holders(redis, tenants)
        shared = all(set(found[name]) == every for name, every in zip(found, names, strict=True))
        return found if shared else None

    held = await until_async(split, "each service's replicas to consume one tenant each", 30)
    streamed = await run_first_round(redis, replicas, tenants)
    posts = (*POSTS, *STREAM_POSTS)
    answers = {}
    for index, tenant in enumerate(tenants):
        check_books(consuming(replicas, held, index), tenant, posts)
        answers[tenant] = [views(via(replicas, replica), tenant) for replica in (0, 1)]

    await hand_over(redis, replicas, tenants, streamed)
    for tenant in tenants:
        logs = await check_logs(redis, tenant)
        check_cost_updates(logs, tenant)
        check_recorded_once(logs, streamed[tenant])
        for rejections in REJECTIONS:
            assert await redis.xlen(stream_key(tenant, rejections)) == 0, rejections
        appointees = (POSTS[0].post_id, POSTS[1].post_id)
        check_books(via(replicas, 0), tenant, (*posts, ARRIVING, AFTER), appointees)
    for tenant, (first, second) in answers.items():
        differ = [
            part for part, one, other in zip(PARTS, first, second, strict=True) if one != other
        ]
        assert differ == [], f"the replicas answer differently for {tenant}"
