"""The archive: a tenant's whole history in one file, verified and replayed with no Redis.

Seed 000's Leeds is recorded through the services and archived (`estab export --format
jsonl`); `estab verify --archive` counts every stream, and `estab replay --archive` gives the
structure and the ledger the live services give. An archive with one event edited, or with the
last event of a stream cut off, fails verification naming the stream and the entry, and replay
refuses it.
"""

from __future__ import annotations

import gzip
from typing import TYPE_CHECKING

import orjson
import pytest
from driving import estab, get
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


def _replayed(stdout: str) -> tuple[dict[str, object], dict[str, object]]:
    """The structure and the ledger `estab replay --json` printed, one JSON document each."""
    decoder = orjson.loads
    first_end = stdout.index("\n}\n") + 2
    return decoder(stdout[:first_end]), decoder(stdout[first_end:])


def test_an_archive_verifies_and_replays_to_the_live_figures_without_redis(
    services: dict[str, ServiceProcess], tenant: str, redis_url: str, tmp_path: Path
) -> None:
    """verify --archive counts each stream; replay --archive equals /structure and /ledger."""
    record_leeds_2018(services, tenant)
    archive = _archived(tenant, redis_url, tmp_path)
    manifest = _lines(archive)[0]
    assert manifest["tenant"] == tenant
    counts = {name: item["count"] for name, item in manifest["streams"].items()}  # type: ignore[attr-defined]  # a manifest's streams
    assert counts["establishment.events"] > 0

    checked = estab("verify", "--archive", str(archive), "--data-dir", str(tmp_path))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    for name, count in counts.items():
        assert f"ok  {tenant} {name}: {count} events" in checked.stdout

    replayed = estab("replay", "--archive", str(archive), *VIEW, "--data-dir", str(tmp_path))
    assert replayed.returncode == 0, replayed.stderr
    structure, ledger = _replayed(replayed.stdout)
    live = get(services["establishment"], tenant, "/structure", as_of="2018-04-01")
    assert structure["totals"] == live["totals"]
    assert structure["posts"] == live["posts"]
    books = get(services["finance"], tenant, "/ledger", fy=2018, as_of="2018-04-01")
    assert ledger["totals"] == books["totals"]
    assert ledger["rows"] == books["rows"]


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
