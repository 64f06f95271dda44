"""Projection snapshots against real Redis: a warm start answers as a full replay does, folding
only the tail; a snapshot that does not verify is ignored; none without a key; none provisional."""

from __future__ import annotations

import pickle
import stat
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import orjson
import pytest
from pydantic import BaseModel
from redis.asyncio import Redis
from structlog.testing import capture_logs

from cli import supervisor
from contracts.decisions import EventDraft
from contracts.registry import command_from_message
from contracts.streams import ESTABLISHMENT_EVENTS, StoreKeys
from eventlog import snapshot_codec, snapshots
from eventlog.command_log import Accepted, CommandLog, Submitted
from eventlog.folded_stream import Follower
from eventlog.snapshots import EVERY_ENV, KEY_ENV, MIN_KEY_CHARS, Snapshots
from eventlog.store import EventStore
from readmodels.establishment import Establishment
from services.establishment.application import TenantEstablishment, with_post_id
from services.establishment.views import posts_on

pytestmark = [pytest.mark.redis, pytest.mark.usefixtures("with_catalogue")]

KEY = "a-test-snapshot-key-of-at-least-32-characters"
DAYS = ("2018-03-31", "2018-04-01", "2019-06-30", "2020-04-01", "2021-01-01", "2030-01-01")


@pytest.fixture
def snapshot_key(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """Snapshots on, with a key; none taken by themselves unless a test lowers the interval."""
    monkeypatch.setenv(KEY_ENV, KEY)
    monkeypatch.setenv(EVERY_ENV, "1000000")
    return monkeypatch


async def record(log: TenantEstablishment, message: dict[str, Any]) -> dict[str, Any]:
    outcome = (await log.execute([Submitted(with_post_id(command_from_message(message)))]))[0]
    assert isinstance(outcome, Accepted), outcome
    return outcome.event


async def history(log: TenantEstablishment) -> int:
    """Units, posts and a year of changes, one back-dated and one retracted; events recorded."""
    for unit, parent in (("u1", None), ("u2", "u1")):
        await record(
            log,
            {
                "type": "CreateOrgUnit",
                "org_unit_id": unit,
                "name": unit.upper(),
                "parent_id": parent,
                "effective_date": "2000-01-01",
            },
        )
    for number in range(6):
        await record(
            log,
            {
                "type": "CreatePost",
                "post_id": f"p{number}",
                "title": f"Post {number}",
                "grade": "PO6",
                "fte": "1",
                "org_unit_id": "u1" if number % 2 else "u2",
                "reports_to": "p0" if number else None,
                "funding": [{"source_id": "core", "share": "1"}],
                "effective_date": "2018-04-01",
            },
        )
    await record(
        log,
        {"type": "ChangePostFTE", "post_id": "p1", "fte": "0.5", "effective_date": "2019-04-01"},
    )
    await record(
        log,
        {
            "type": "TransferPost",
            "post_id": "p2",
            "org_unit_id": "u1",
            "effective_date": "2020-04-01",
        },
    )
    wrong = await record(
        log,
        {"type": "ChangePostFTE", "post_id": "p3", "fte": "0.2", "effective_date": "2019-01-01"},
    )
    await record(
        log, {"type": "RetractEvent", "event_id": wrong["event_id"], "reason": "keyed in error"}
    )
    return log.head.sequence


async def more(log: TenantEstablishment) -> int:
    """A tail after the snapshot: a regrade, a back-dated FTE change, a deletion; its events."""
    await log.current()
    before = log.head.sequence
    await record(
        log,
        {
            "type": "RedesignatePost",
            "post_id": "p4",
            "grade": "Dir 80%",
            "effective_date": "2020-04-01",
        },
    )
    await record(
        log,
        {"type": "ChangePostFTE", "post_id": "p0", "fte": "0.8", "effective_date": "2018-06-01"},
    )
    await record(log, {"type": "DeletePost", "post_id": "p5", "effective_date": "2021-01-01"})
    return log.head.sequence - before


async def cold(redis: Redis, tenant: str, monkeypatch: pytest.MonkeyPatch) -> TenantEstablishment:
    """The establishment replayed from the whole log, snapshots off."""
    with monkeypatch.context() as off:
        off.delenv(KEY_ENV)
        log = TenantEstablishment(redis, tenant)
    await log.current()
    return log


def assert_same(warm: Establishment, replayed: Establishment) -> None:
    """Every attribute of the read model, and every post on every date, as a full replay has."""
    assert vars(warm) == vars(replayed)
    for day in DAYS:
        assert posts_on(warm, day) == posts_on(replayed, day)
        for post_id in replayed.posts:
            assert warm.post(post_id, day) == replayed.post(post_id, day)


def snapshot_key_of(tenant: str) -> str:
    return f"{{{tenant}}}:{ESTABLISHMENT_EVENTS}:snapshot:readmodels.establishment.Establishment"


async def test_a_warm_start_answers_as_a_full_replay_folding_only_the_tail(
    redis: Redis, tenant: str, snapshot_key: pytest.MonkeyPatch
) -> None:
    """Started from a snapshot, the projection equals a full replay and folded only later events."""
    log = TenantEstablishment(redis, tenant)
    before = await history(log)
    assert await log.save_snapshot()
    moment = (await log.current()).recorded_at
    after = await more(log)
    warm = TenantEstablishment(redis, tenant)
    replayed = await cold(redis, tenant, snapshot_key)
    assert_same(await warm.current(), replayed.projection)
    assert_same(log.projection, replayed.projection)
    assert (warm.replayed, replayed.replayed) == (after, before + after)
    assert posts_on(await warm.known_at(moment), "2030-01-01") == posts_on(
        await replayed.known_at(moment), "2030-01-01"
    )
    assert "p5" in posts_on(await warm.known_at(moment), "2030-01-01")


async def test_a_snapshot_is_taken_once_enough_events_are_folded(
    redis: Redis, tenant: str, snapshot_key: pytest.MonkeyPatch
) -> None:
    """Every `ESTAB_SNAPSHOT_EVERY` events the stream is snapshotted; a follower starts from it."""
    snapshot_key.setenv(EVERY_ENV, "5")
    log = TenantEstablishment(redis, tenant)
    recorded = await history(log)
    header = await redis.hget(snapshot_key_of(tenant), "header")
    assert header is not None
    taken_at = orjson.loads(header)["head"]["sequence"]
    assert recorded - 5 < taken_at <= recorded
    follower = Follower(redis, tenant, ESTABLISHMENT_EVENTS, Establishment)
    replayed = await cold(redis, tenant, snapshot_key)
    assert_same(await follower.current(), replayed.projection)
    assert follower.replayed == recorded - taken_at


async def signed_with_another_key(redis: Redis, tenant: str) -> str:
    keys = StoreKeys.for_stream(tenant, ESTABLISHMENT_EVENTS)
    other = Snapshots(redis, keys, b"another-key-another-key-another-key", 1)
    log = TenantEstablishment(redis, tenant)
    await other.write(await other.take(await log.current(), log.head, force=True))
    return "does not verify"


async def tampered_body(redis: Redis, tenant: str) -> str:
    body = await redis.hget(snapshot_key_of(tenant), "body")
    assert isinstance(body, bytes)
    await redis.hset(snapshot_key_of(tenant), "body", body[:-1] + bytes([body[-1] ^ 1]))
    return "does not verify"


async def head_with_another_hash(redis: Redis, tenant: str) -> str:
    return await _rewritten_head(redis, tenant, digest="f" * 64)


async def head_not_in_the_log(redis: Redis, tenant: str) -> str:
    return await _rewritten_head(redis, tenant, entry_id="1-1")


async def _rewritten_head(
    redis: Redis, tenant: str, digest: str | None = None, entry_id: str | None = None
) -> str:
    """A snapshot signed with the right key, claiming a head this log does not have."""
    keys = StoreKeys.for_stream(tenant, ESTABLISHMENT_EVENTS)
    kept = Snapshots.configured(redis, keys)
    assert kept is not None
    log = TenantEstablishment(redis, tenant)
    projection = await log.current()
    head = replace(log.head, hash=digest or log.head.hash, entry_id=entry_id or log.head.entry_id)
    assert await kept.write(await kept.take(projection, head, force=True))
    return "the log has no event" if entry_id else "with another hash"


async def bumped_schema_version(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr(Establishment, "SNAPSHOT_VERSION", 2, raising=False)
    return "schema version is 1, this code's is 2"


async def changed_code(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr(snapshot_codec, "code_digest", lambda _: "0" * 64)
    return "code changed"


@pytest.mark.parametrize(
    "spoil",
    [signed_with_another_key, tampered_body, head_with_another_hash, head_not_in_the_log],
)
async def test_a_snapshot_that_does_not_verify_is_ignored(
    redis: Redis, tenant: str, snapshot_key: pytest.MonkeyPatch, spoil: Any
) -> None:
    """A bad signature or a head not in this log: ignored with the reason, the log replayed."""
    log = TenantEstablishment(redis, tenant)
    recorded = await history(log)
    assert await log.save_snapshot()
    reason = await spoil(redis, tenant)
    warm = TenantEstablishment(redis, tenant)
    with capture_logs() as logs:
        projection = await warm.current()
    assert_same(projection, (await cold(redis, tenant, snapshot_key)).projection)
    assert warm.replayed == recorded
    ignored = [line for line in logs if line["event"].startswith("snapshot ignored")]
    assert len(ignored) == 1
    assert reason in ignored[0]["reason"]


@pytest.mark.parametrize("change", [bumped_schema_version, changed_code])
async def test_a_snapshot_from_another_schema_is_ignored(
    redis: Redis, tenant: str, snapshot_key: pytest.MonkeyPatch, change: Any
) -> None:
    """A snapshot whose schema version or read-model code differs: ignored, the log replayed."""
    log = TenantEstablishment(redis, tenant)
    recorded = await history(log)
    assert await log.save_snapshot()
    reason = await change(snapshot_key)
    warm = TenantEstablishment(redis, tenant)
    with capture_logs() as logs:
        projection = await warm.current()
    assert_same(projection, (await cold(redis, tenant, snapshot_key)).projection)
    assert warm.replayed == recorded
    assert [line["reason"] for line in logs if reason in line.get("reason", "")]


async def test_without_a_key_no_snapshot_is_written(
    redis: Redis, tenant: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No `ESTAB_SNAPSHOT_KEY`: nothing is snapshotted, and a full replay says why, once."""
    monkeypatch.delenv(KEY_ENV, raising=False)
    monkeypatch.setenv(EVERY_ENV, "1")
    log = TenantEstablishment(redis, tenant)
    recorded = await history(log)
    assert not await log.save_snapshot()
    assert await redis.exists(snapshot_key_of(tenant)) == 0
    snapshots._say_off.cache_clear()
    with capture_logs() as logs:
        for _ in range(2):
            restarted = TenantEstablishment(redis, tenant)
            await restarted.current()
            assert restarted.replayed == recorded
    assert [line["reason"] for line in logs if line["event"].startswith("snapshots off")] == [
        f"{KEY_ENV} is not set"
    ]


class FailingAppend(EventStore):
    """A store whose append fails once the decided events were folded provisionally."""

    def __init__(self, redis: Redis, log: TenantEstablishment) -> None:
        super().__init__(redis, log.keys)
        self.log = log
        self.taken_meanwhile: object = "not tried"

    async def append(self, *_: Any) -> Any:
        self.taken_meanwhile = await self.log._pickle_if_due(force=True)
        raise ConnectionError("Redis went away mid-append")


async def test_a_snapshot_never_holds_provisional_events(
    redis: Redis, tenant: str, snapshot_key: pytest.MonkeyPatch
) -> None:
    """An append that fails after provisional folding: no snapshot then, none holding it after."""
    snapshot_key.setenv(EVERY_ENV, "1")
    log = TenantEstablishment(redis, tenant)
    recorded = await history(log)
    failing = FailingAppend(redis, log)
    log.store = failing
    message = {
        "type": "CreatePost",
        "post_id": "never",
        "title": "Never recorded",
        "grade": "PO6",
        "fte": "1",
        "org_unit_id": "u1",
        "effective_date": "2018-04-01",
    }
    with pytest.raises(ConnectionError):
        await log.execute([Submitted(with_post_id(command_from_message(message)))])
    assert failing.taken_meanwhile is None
    log.store = EventStore(redis, log.keys)
    assert await log.save_snapshot()
    warm = TenantEstablishment(redis, tenant)
    projection = await warm.current()
    assert "never" not in projection.posts
    assert (warm.replayed, warm.head.sequence) == (0, recorded)
    assert_same(projection, (await cold(redis, tenant, snapshot_key)).projection)


class RacedAppend(EventStore):
    """A store whose first append finds that another writer appended a moment before."""

    def __init__(self, redis: Redis, log: TenantEstablishment, rival: TenantEstablishment) -> None:
        super().__init__(redis, log.keys)
        self.rival = rival
        self.raced = False

    async def append(self, *args: Any) -> Any:
        if not self.raced:
            self.raced = True
            await record(
                self.rival,
                {
                    "type": "ChangePostFTE",
                    "post_id": "p3",
                    "fte": "0.9",
                    "effective_date": "2021-06-01",
                },
            )
        return await super().append(*args)


async def test_a_lost_race_restarts_from_the_snapshot_not_the_whole_log(
    redis: Redis, tenant: str, snapshot_key: pytest.MonkeyPatch
) -> None:
    """A writer that lost a race drops its projection and starts again from the snapshot."""
    first = TenantEstablishment(redis, tenant)
    await history(first)
    assert await first.save_snapshot()
    second = TenantEstablishment(redis, tenant)
    tail = await more(second)
    first.store = RacedAppend(redis, first, second)
    await record(
        first,
        {"type": "ChangePostFTE", "post_id": "p2", "fte": "0.6", "effective_date": "2021-04-01"},
    )
    assert first.replayed == tail + (tail + 1)
    assert_same(first.projection, (await cold(redis, tenant, snapshot_key)).projection)


class Note(BaseModel):
    """A command that records one event about `thing`."""

    thing: str


class Stamps:
    """A read model that keeps each event's `recorded_at`, as grading's evaluations do."""

    def __init__(self) -> None:
        self.stamps: list[str | None] = []
        self.entry_id = "0-0"
        self.recorded_at = ""

    def apply(self, event: dict[str, Any], entry_id: str = "") -> None:
        self.stamps.append(event.get("recorded_at"))
        self.entry_id = entry_id or self.entry_id
        self.recorded_at = event.get("recorded_at", self.recorded_at)


class StampLog(CommandLog[Note, Stamps]):
    """A stream of notes folded into their stamps."""

    def new_projection(self) -> Stamps:
        return Stamps()

    def decide(self, command: Note, _: Stamps) -> list[EventDraft]:
        return [EventDraft("Noted", "thing", command.thing, "2020-01-01", {}, 0)]


async def test_provisional_folds_read_as_stored_so_a_snapshot_equals_a_replay(
    redis: Redis, tenant: str, snapshot_key: pytest.MonkeyPatch
) -> None:
    """An event folded before its append carries the `recorded_at` the store then seals it with."""
    log = StampLog(redis, tenant, "stamps.events")
    for thing in ("a", "b", "c"):
        await log.execute([Submitted(Note(thing=thing))])
    assert await log.save_snapshot()
    warm = StampLog(redis, tenant, "stamps.events")
    with snapshot_key.context() as off:
        off.delenv(KEY_ENV)
        replayed = StampLog(redis, tenant, "stamps.events")
    assert (await warm.current()).stamps == (await replayed.current()).stamps
    assert log.projection.stamps == replayed.projection.stamps
    assert None not in replayed.projection.stamps
    assert warm.replayed == 0


def test_estab_up_makes_one_private_snapshot_key_per_data_dir(tmp_path: Path) -> None:
    """`estab up` makes a long random key once, readable by its owner only, and reuses it."""
    key = supervisor.snapshot_key(tmp_path)
    assert len(key) >= MIN_KEY_CHARS
    assert stat.S_IMODE((tmp_path / supervisor.SNAPSHOT_KEY_FILE).stat().st_mode) == 0o600
    assert supervisor.snapshot_key(tmp_path) == key
    other = tmp_path / "other"
    other.mkdir()
    assert supervisor.snapshot_key(other) != key


@dataclass(frozen=True, slots=True)
class Plain:
    """Rebuilt by its generated `__init__`."""

    a: int
    b: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Derived:
    """A field `__init__` does not take, set after it: rebuilt field by field."""

    a: int
    b: int = field(init=False, default=0)

    def __post_init__(self) -> None:
        object.__setattr__(self, "b", self.a * 2)


@dataclass(frozen=True, slots=True, kw_only=True)
class Named:
    """Keyword-only fields: rebuilt field by field."""

    a: int


def test_frozen_state_classes_round_trip_exactly_however_they_are_rebuilt() -> None:
    """Snapshot pickling keeps every field of every kind of frozen dataclass as it was."""
    drifted = Derived(1)
    object.__setattr__(drifted, "b", 99)
    values = [Plain(1, ("x",)), drifted, Named(a=3), [Plain(2, ()), Plain(2, ())]]
    assert pickle.loads(snapshot_codec.dumps(values)) == values
    assert pickle.loads(snapshot_codec.dumps(drifted)).b == 99


async def test_a_reader_refused_the_snapshot_key_replays_the_whole_log(
    redis: Redis, redis_url: str, tenant: str, snapshot_key: pytest.MonkeyPatch
) -> None:
    """A follower whose Redis user may not touch snapshot keys says so once and replays fully."""
    log = TenantEstablishment(redis, tenant)
    recorded = await history(log)
    assert await log.save_snapshot()
    user = f"reader-{tenant}"
    stream = StoreKeys.for_stream(tenant, ESTABLISHMENT_EVENTS).stream
    await redis.acl_setuser(
        user, enabled=True, passwords=["+secret"], keys=[stream], commands=["+@all"]
    )
    reader = Redis.from_url(redis_url, username=user, password="secret")
    try:
        follower = Follower(reader, tenant, ESTABLISHMENT_EVENTS, Establishment)
        with capture_logs() as logs:
            projection = await follower.current()
            await follower.current()
    finally:
        await reader.aclose()
        await redis.acl_deluser(user)
    assert_same(projection, (await cold(redis, tenant, snapshot_key)).projection)
    assert follower.replayed == recorded
    refused = [line for line in logs if line["event"].startswith("snapshots unavailable")]
    assert len(refused) == 1
