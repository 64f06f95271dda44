"""The `estab` command as a newcomer and an auditor run it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import orjson
import pytest
from redis.asyncio import Redis

from contracts.registry import command_from_message
from contracts.streams import ESTABLISHMENT_EVENTS, StoreKeys
from eventlog.command_log import Submitted
from eventlog.redis_server import free_port
from scenarios.loader import bundled_scenario, load_scenario
from services.establishment.application import TenantEstablishment

pytestmark = [pytest.mark.e2e, pytest.mark.redis, pytest.mark.usefixtures("with_catalogue")]


def estab(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "cli", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        check=False,
    )


def test_up_demo_starts_loads_summarises_and_stops(tmp_path: Path) -> None:
    offset = free_port() - 8101
    done = estab(
        "up", "--demo", "--once", "--data-dir", str(tmp_path / "data"), "--port-offset", str(offset)
    )
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    assert "as of 2018-03-31: 48 posts, 47.3108 FTE" in out  # with seed 003's 37 posts
    assert "as of 2018-04-01: 48 posts, 47.5000 FTE" in out
    assert "deleted: 6 posts" in out
    assert "created: 5 posts" in out
    assert "transferred in: 1 posts" in out
    assert f"http://127.0.0.1:{8101 + offset}/docs" in out
    assert f"http://127.0.0.1:{8102 + offset}/docs" in out
    assert "njc-catalogue-leeds-style: 65 of 65 steps recorded" in out
    assert "PO6        salary   44697.00 at point 49" in out
    assert f"http://127.0.0.1:{8103 + offset}/docs" in out
    assert "6 people at risk on 6 deleted posts" in out
    assert "31 people at risk on 32 deleted posts" in out
    assert "Table 1: deletions 623930.00, new posts 388400.00; net -235530.00" in out
    assert f"http://127.0.0.1:{8104 + offset}/docs" in out
    assert "Stopped." in out
    assert (tmp_path / "data" / "redis" / "appendonly.aof").exists()


async def seed(redis: Redis, tenant: str) -> None:
    log = TenantEstablishment(redis, tenant)
    scenario = load_scenario(bundled_scenario("leeds_2018_children_and_families"))
    commands = [command_from_message(step.command) for step in scenario.steps]
    await log.execute([Submitted(command) for command in commands])


async def test_verify_and_replay_read_redis_directly(
    redis: Redis, redis_url: str, tenant: str, tamper: Any
) -> None:
    await seed(redis, tenant)
    ok = estab("verify", "--redis-url", redis_url, "--tenant", tenant)
    assert ok.returncode == 0, ok.stderr
    assert f"ok  {tenant} establishment.events: 38 events" in ok.stdout
    replayed = estab(
        "replay",
        "--redis-url",
        redis_url,
        "--tenant",
        tenant,
        "--as-of",
        "2018-04-01",
        "--org-unit",
        "children-and-families",
        "--json",
    )
    assert replayed.returncode == 0, replayed.stderr
    assert orjson.loads(replayed.stdout)["totals"] == {"posts": 11, "fte": "11.0000"}
    with_ledger = estab(
        "replay",
        "--redis-url",
        redis_url,
        "--tenant",
        tenant,
        "--as-of",
        "2018-04-01",
        "--fy",
        "2018",
    )
    assert with_ledger.returncode == 0, with_ledger.stderr
    assert "Budget ledger 2018/19 by org_unit" in with_ledger.stdout
    assert "cf-early-help" in with_ledger.stdout

    key = StoreKeys.for_stream(tenant, ESTABLISHMENT_EVENTS).stream

    def edit(body: dict[str, Any]) -> None:
        body["payload"]["title"] = "Chief Officer Everything"

    entry_id, event_id = await tamper(key, 20, edit)
    broken = estab("verify", "--redis-url", redis_url, "--tenant", tenant)
    assert broken.returncode == 1
    assert entry_id in broken.stderr
    assert event_id in broken.stderr
