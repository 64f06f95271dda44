"""The archive: a tenant's whole history in one file, verified and replayed with no Redis.

Seed 000's Leeds is recorded through the services and archived (`estab export --format
jsonl`); `estab verify --archive` counts every stream, and `estab replay --archive` gives the
structure, the people at risk and the ledger the live services give (and `estab replay` from
Redis too), with a back-dated correction and a retraction on top of the seed. An archive with
one event edited, or with the last event of a stream cut off, fails verification naming the
stream and the entry, and replay refuses it (tests/e2e/test_tampering.py has every kind).
"""

from __future__ import annotations

import gzip
from typing import TYPE_CHECKING, Any

import orjson
import pytest
from driving import caught_up, estab, get, send
from leeds_2018 import record_leeds_2018

if TYPE_CHECKING:
    from pathlib import Path

    from conftest import ServiceProcess

pytestmark = [pytest.mark.e2e, pytest.mark.redis]

VIEW = ("--as-of", "2018-04-01", "--fy", "2018", "--json")


def _archived(tenant: str, redis_url: str, tmp_path: Path) -> Path:
    """`estab export --format jsonl` of the tenant; the archive's path."""
    archive = tmp_path / "leeds.jsonl.gz"
    made = estab(
        "export", "--tenant", tenant, "--format", "jsonl", "--out", str(archive),
        "--redis-url", redis_url, "--data-dir", str(tmp_path),
    )  # fmt: skip
    assert made.returncode == 0, made.stdout + made.stderr
    return archive


def _lines(path: Path) -> list[dict[str, object]]:
    with gzip.open(path, "rb") as source:
        return [orjson.loads(line) for line in source.read().splitlines()]


def _rewrite(path: Path, lines: list[dict[str, object]]) -> None:
    with gzip.open(path, "wb") as out:
        out.write(b"".join(orjson.dumps(line) + b"\n" for line in lines))


def _replayed(stdout: str) -> dict[str, Any]:
    """What `estab replay --json` printed: the structure, the at-risk list and the ledger."""
    shown: dict[str, Any] = orjson.loads(stdout)
    return shown


def _without_people(at_risk: dict[str, Any]) -> list[Any]:
    """The posts at risk, by post: an archive names people by pseudonym, the services by ref."""
    return sorted(
        (post for person in at_risk["people"] for post in person["posts"]),
        key=lambda post: post["post_id"],
    )


def _corrected_and_retracted(services: dict[str, ServiceProcess], tenant: str) -> None:
    """A back-dated FTE correction to a deleted post's successor, and a redesignation retracted."""
    posts = get(services["establishment"], tenant, "/structure", as_of="2018-04-01")["posts"]
    first, second = posts[0]["post_id"], posts[1]["post_id"]
    send(services, tenant, {"type": "ChangePostFTE", "post_id": first, "fte": "0.5",
                            "effective_date": "2018-04-01"})  # fmt: skip
    mistake = {"type": "RedesignatePost", "post_id": second, "title": "Keyed in error",
               "effective_date": "2018-04-01"}  # fmt: skip
    wrong = send(services, tenant, mistake)
    send(services, tenant, {"type": "RetractEvent", "event_id": wrong["event_id"],
                            "reason": "keyed against the wrong post"})  # fmt: skip
    for service in services.values():
        caught_up(service)


def test_an_archive_verifies_and_replays_to_the_live_figures_without_redis(
    services: dict[str, ServiceProcess], tenant: str, redis_url: str, tmp_path: Path
) -> None:
    """Live answers, replay from Redis and replay of the archive: the same three views."""
    record_leeds_2018(services, tenant)
    _corrected_and_retracted(services, tenant)
    archive = _archived(tenant, redis_url, tmp_path)
    manifest = _lines(archive)[0]
    assert manifest["tenant"] == tenant
    counts = {name: item["count"] for name, item in manifest["streams"].items()}  # type: ignore[attr-defined]  # a manifest's streams
    assert counts["establishment.events"] > 0

    checked = estab("verify", "--archive", str(archive), "--data-dir", str(tmp_path))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    for name, count in counts.items():
        assert f"ok  {tenant} {name}: {count} events" in checked.stdout

    live = {
        "structure": get(services["establishment"], tenant, "/structure", as_of="2018-04-01"),
        "at_risk": get(services["recruitment"], tenant, "/at-risk", as_of="2018-04-01"),
        "ledger": get(services["finance"], tenant, "/ledger", fy=2018, as_of="2018-04-01"),
    }
    assert live["at_risk"]["totals"]["people"] > 0
    assert "Keyed in error" not in str(live["structure"]["posts"])
    from_redis = estab("replay", "--tenant", tenant, "--redis-url", redis_url, *VIEW,
                       "--data-dir", str(tmp_path))  # fmt: skip
    from_file = estab("replay", "--archive", str(archive), *VIEW, "--data-dir", str(tmp_path))
    for replayed in (from_redis, from_file):
        assert replayed.returncode == 0, replayed.stderr
        views = _replayed(replayed.stdout)
        assert views["structure"]["totals"] == live["structure"]["totals"]
        assert views["structure"]["posts"] == live["structure"]["posts"]
        assert views["at_risk"]["totals"] == live["at_risk"]["totals"]
        assert _without_people(views["at_risk"]) == _without_people(live["at_risk"])
        assert views["ledger"]["totals"] == live["ledger"]["totals"]
        assert views["ledger"]["rows"] == live["ledger"]["rows"]
    assert _replayed(from_redis.stdout)["at_risk"] == live["at_risk"]


def test_an_edited_or_cut_archive_is_named_and_not_replayed(
    services: dict[str, ServiceProcess], tenant: str, redis_url: str, tmp_path: Path
) -> None:
    """An edited event, or a stream cut short of its manifest head: exit 1 naming it."""
    record_leeds_2018(services, tenant)
    archive = _archived(tenant, redis_url, tmp_path)
    lines = _lines(archive)
    events = [line for line in lines[1:] if line["stream"] == "establishment.events"]
    victim = events[5]
    body = orjson.loads(str(victim["data"]))
    body["payload"]["title"] = "Chief Officer Everything"
    edited = [
        {**line, "data": orjson.dumps(body).decode()} if line is victim else line for line in lines
    ]
    _rewrite(archive, edited)
    broken = estab("verify", "--archive", str(archive), "--data-dir", str(tmp_path))
    assert broken.returncode == 1
    said = " ".join(broken.stderr.split())
    assert f"BROKEN {tenant} establishment.events: entry {victim['id']}" in said
    refused = estab("replay", "--archive", str(archive), *VIEW, "--data-dir", str(tmp_path))
    assert refused.returncode == 1
    assert "Not replayed" in refused.stderr

    cut = [line for line in lines if line is not events[-1]]
    _rewrite(archive, cut)
    short = estab("verify", "--archive", str(archive), "--data-dir", str(tmp_path))
    assert short.returncode == 1
    assert f"BROKEN {tenant} establishment.events" in " ".join(short.stderr.split())
