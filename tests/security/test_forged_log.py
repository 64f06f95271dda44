"""A log forged by someone who can write to Redis, but holds no service's signing key.

Re-sealing an edit (every later hash recomputed, entry ids kept) fails on the signed heads;
entries lost from the end (a trim, a power cut) fail against a checkpoint saved earlier.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from uuid import uuid4

import orjson
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from driving import estab, in_process

from contracts.streams import ESTABLISHMENT_EVENTS, StoreKeys
from eventlog.audit import heads_of, verify_store, verify_stream
from eventlog.checkpoints import Checkpoint
from eventlog.hashchain import GENESIS, seal
from eventlog.head_signing import SIGNATURE_FIELD, HeadSigner, PublicKey, TrustedKeys
from eventlog.signing_keys import ensure_signing_key, load_signer
from eventlog.store import DATA_FIELD, ChainHead, Draft, EventStore
from services.establishment.main import create_app

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from redis.asyncio import Redis

    from eventlog.settings import Settings

pytestmark = pytest.mark.redis

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
BATCHES = 4


def _draft(number: int) -> Draft:
    """An org unit's creation, as establishment records it (verify checks the schema too)."""
    unit = f"u{number}"
    body = {
        "event_id": str(uuid4()),
        "type": "OrgUnitCreated",
        "schema_version": 1,
        "tenant": "forged",
        "aggregate_type": "org_unit",
        "aggregate_id": unit,
        "aggregate_version": 1,
        "effective_date": "2020-04-01",
        "actor": "hr",
        "payload": {"org_unit_id": unit, "name": f"Unit {number}", "parent_id": None},
    }
    return Draft(body=body, aggregate_key=f"org_unit:{unit}", expected_version=0)


@pytest.fixture
def signer() -> HeadSigner:
    """Establishment's signer (the streams here are establishment's)."""
    return HeadSigner("establishment", Ed25519PrivateKey.generate())


@pytest.fixture
async def signed(redis: Redis, signer: HeadSigner) -> StoreKeys:
    """An establishment stream of BATCHES signed batches of two events each."""
    keys = StoreKeys.for_stream(f"f-{uuid4().hex[:10]}", "establishment.events")
    store = EventStore(redis, keys, signer)
    head = ChainHead.empty()
    for batch in range(BATCHES):
        drafts = [_draft(2 * batch), _draft(2 * batch + 1)]
        await store.append(drafts, head, NOW + timedelta(seconds=batch))
        head = await store.head()
    return keys


async def _entries(redis: Redis, keys: StoreKeys) -> list[tuple[str, dict[bytes, bytes]]]:
    found: Any = await redis.xrange(keys.stream)
    return [(entry_id.decode(), fields) for entry_id, fields in found]


async def _reseal(redis: Redis, keys: StoreKeys, edit_at: int, *, keep_signatures: bool) -> None:
    """Edit event `edit_at` and recompute every hash after it, keeping the entry ids."""
    entries = await _entries(redis, keys)
    await redis.delete(keys.stream)
    prev = GENESIS
    for index, (entry_id, fields) in enumerate(entries):
        body = orjson.loads(fields[DATA_FIELD])
        if index == edit_at:
            body["payload"] = {**body["payload"], "name": "Renamed by hand"}
        body = seal({key: value for key, value in body.items() if key != "hash"}, prev)
        prev = body["hash"]
        written = {DATA_FIELD: orjson.dumps(body, option=orjson.OPT_SORT_KEYS)}
        if keep_signatures and SIGNATURE_FIELD in fields:
            written[SIGNATURE_FIELD] = fields[SIGNATURE_FIELD]
        await redis.xadd(keys.stream, written, id=entry_id)  # type: ignore[arg-type]
    await redis.hset(keys.head, "hash", prev)


async def test_a_signed_stream_verifies_with_its_owners_key(
    redis: Redis, signed: StoreKeys, signer: HeadSigner
) -> None:
    """Every batch's last entry carries a head signature, and the whole stream verifies."""
    entries = await _entries(redis, signed)
    assert [SIGNATURE_FIELD in fields for _, fields in entries] == [False, True] * BATCHES
    report = await verify_store(redis, signed, TrustedKeys([signer.public]))
    assert report.ok, report.first_break
    assert report.events == 2 * BATCHES


@pytest.mark.parametrize("keep_signatures", [True, False])
async def test_an_edit_resealed_fails_on_the_signed_heads(
    redis: Redis, signed: StoreKeys, signer: HeadSigner, keep_signatures: bool
) -> None:
    """A re-sealed edit passes the bare hash chain but fails the signatures, copied or dropped."""
    await _reseal(redis, signed, 2, keep_signatures=keep_signatures)
    assert (await verify_store(redis, signed)).ok
    report = await verify_store(redis, signed, TrustedKeys([signer.public]))
    assert report.first_break is not None
    expected = "signature does not match" if keep_signatures else "ends no signed head"
    assert expected in report.first_break.reason


async def test_a_head_signed_with_another_services_key_is_refused(
    redis: Redis, signer: HeadSigner
) -> None:
    """Finance's key does not sign establishment's stream, valid signature or not."""
    finance = HeadSigner("finance", Ed25519PrivateKey.generate())
    keys = StoreKeys.for_stream(f"f-{uuid4().hex[:10]}", "establishment.events")
    await EventStore(redis, keys, finance).append([_draft(1)], ChainHead.empty(), NOW)
    report = await verify_store(redis, keys, TrustedKeys([signer.public, finance.public]))
    assert report.first_break is not None
    assert "finance's key, but the stream is establishment's" in report.first_break.reason


async def test_events_lost_from_the_end_fail_against_a_checkpoint(
    redis: Redis, signed: StoreKeys, signer: HeadSigner
) -> None:
    """The last batch deleted and the head reset (a power cut) still verifies as a signed
    chain, but not against the checkpoint saved before; nor does a stream trimmed to nothing."""
    saved = (await heads_of(redis, [signed]))[signed.stream]
    entries = await _entries(redis, signed)
    await redis.xdel(signed.stream, *(entry_id for entry_id, _ in entries[-2:]))
    earlier = orjson.loads(entries[-3][1][DATA_FIELD])
    await redis.hset(
        signed.head, mapping={"hash": earlier["hash"], "sequence": earlier["sequence"]}
    )
    trusted = TrustedKeys([signer.public])
    assert (await verify_store(redis, signed, trusted)).ok
    rolled_back = await verify_store(redis, signed, trusted, saved)
    assert rolled_back.first_break is not None
    assert "checkpoint recorded event 8" in rolled_back.first_break.reason
    await redis.delete(signed.stream, signed.head)
    assert (await verify_store(redis, signed, trusted)).ok
    emptied = await verify_store(redis, signed, trusted, saved)
    assert emptied.first_break is not None
    assert "ends at event 0" in emptied.first_break.reason


async def test_a_rewritten_log_of_the_same_length_fails_against_a_checkpoint(
    redis: Redis, signed: StoreKeys, signer: HeadSigner
) -> None:
    """Replaced wholesale (new events, same count) by someone with a key: the checkpoint's
    event is no longer the one at its sequence."""
    saved = (await heads_of(redis, [signed]))[signed.stream]
    await redis.delete(signed.stream, signed.head, signed.versions)
    store = EventStore(redis, signed, signer)
    head = ChainHead.empty()
    for batch in range(BATCHES):
        await store.append([_draft(10 + batch), _draft(20 + batch)], head, NOW)
        head = await store.head()
    report = await verify_store(redis, signed, TrustedKeys([signer.public]), saved)
    assert report.first_break is not None
    assert "not the one the checkpoint recorded" in report.first_break.reason


async def test_checkpoint_and_verify_from_the_cli(
    redis: Redis, redis_url: str, tmp_path: Path
) -> None:
    """`estab checkpoint --out`, then a lost last batch: `estab verify --checkpoint` exits 1
    naming the stream; the keys folder's public key checks the signatures."""
    keys_dir = tmp_path / "keys"
    signer = load_signer(ensure_signing_key(keys_dir, "establishment"), "establishment")
    tenant = f"f-{uuid4().hex[:10]}"
    keys = StoreKeys.for_stream(tenant, "establishment.events")
    store = EventStore(redis, keys, signer)
    await store.append([_draft(1)], ChainHead.empty(), NOW)
    await store.append([_draft(2)], await store.head(), NOW)
    out = tmp_path / "checkpoint.json"
    common = ("--redis-url", redis_url, "--keys", str(keys_dir))
    made = estab("checkpoint", "--out", str(out), *common)
    assert made.returncode == 0, made.stderr
    assert keys.stream in Checkpoint.read(out).heads
    fine = estab("verify", "--tenant", tenant, "--checkpoint", str(out), *common)
    assert fine.returncode == 0, fine.stdout + fine.stderr
    last = (await _entries(redis, keys))[-1][0]
    await redis.xdel(keys.stream, last)
    await redis.hset(keys.head, mapping={"sequence": 1, "hash": (await _first_hash(redis, keys))})
    broken = estab("verify", "--tenant", tenant, "--checkpoint", str(out), *common)
    assert broken.returncode == 1, broken.stdout
    said = " ".join(broken.stderr.split())
    assert f"BROKEN {tenant} establishment.events" in said
    assert "lost events since" in said


async def _first_hash(redis: Redis, keys: StoreKeys) -> str:
    entries = await _entries(redis, keys)
    return str(orjson.loads(entries[0][1][DATA_FIELD])["hash"])


async def test_a_service_signs_what_it_appends_and_serves_its_key(
    redis: Redis, settings: Callable[[str], Settings], tenant: str, tmp_path: Path
) -> None:
    """Establishment with a signing key signs each append; `GET /keys` serves the public key
    that verifies its stream."""
    key_file = ensure_signing_key(tmp_path, "establishment")
    chosen = settings("establishment").model_copy(update={"signing_key_file": key_file})
    async with in_process(create_app(chosen), tenant) as client:
        unit = {"org_unit_id": "u", "name": "Unit", "effective_date": "2020-04-01"}
        assert (await client.post("/org-units", json=unit)).status_code == 201
        served = (await client.get("/keys")).json()
    assert served["service"] == "establishment"
    trusted = TrustedKeys([PublicKey.of(view) for view in served["keys"]])
    report = await verify_stream(redis, tenant, ESTABLISHMENT_EVENTS, trusted)
    assert report.ok, report.first_break
    assert report.events == 1
    entries = await _entries(redis, StoreKeys.for_stream(tenant, ESTABLISHMENT_EVENTS))
    assert SIGNATURE_FIELD in entries[-1][1]


async def test_an_event_that_does_not_match_its_schema_fails_even_with_a_sound_chain(
    redis: Redis,
) -> None:
    """A well-chained event whose payload its type does not allow is named, and why."""
    keys = StoreKeys.for_stream(f"f-{uuid4().hex[:10]}", "establishment.events")
    draft = _draft(1)
    draft.body["payload"] = {"org_unit_id": "u1"}
    await EventStore(redis, keys).append([draft], ChainHead.empty(), NOW)
    report = await verify_store(redis, keys)
    assert report.first_break is not None
    assert report.first_break.reason.startswith(
        "does not match the OrgUnitCreated schema: payload.name"
    )
