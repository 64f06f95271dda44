"""The `estab` command as a newcomer and an auditor run it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from uuid import uuid4

import orjson
import pytest
from conftest import ServiceProcess, provision
from driving import caught_up, estab, stream_lengths
from leeds_2018 import log_leeds_2018_redesign
from redis.asyncio import Redis

from cli.stack_file import StackAddress, write_stack
from cli.supervisor import free_port_offset
from contracts.streams import ESTABLISHMENT_EVENTS, StoreKeys
from eventlog.tenant_registry import TenantRegistry
from scenarios.loader import bundled_scenario, bundled_scenarios, load_scenario, proposal_requests

pytestmark = [pytest.mark.e2e, pytest.mark.redis]


def test_up_demo_starts_loads_summarises_and_stops(tmp_path: Path) -> None:
    """`estab up --demo --once` prints every seed's figures and service docs URL, then stops."""
    offset = free_port_offset()
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
    assert "(submitted, 84 commands): 67 posts after it, 7 people at risk" in " ".join(out.split())
    team = r"Transformation Team \(invest to save\), 2023/24: investment [\d.]+, savings [\d.]+: "
    assert re.search(team + "recouped", " ".join(out.split()))
    assert "Stopped." in out
    assert (tmp_path / "data" / "redis" / "appendonly.aof").exists()


@pytest.mark.usefixtures("with_catalogue")
async def test_verify_and_replay_read_redis_directly(
    redis: Redis, redis_url: str, tenant: str, tamper: Any
) -> None:
    """Verify counts the events and names a tampered entry; replay prints totals and a ledger,
    and refuses the tampered log (exit 1, the same message) unless told `--no-verify`."""
    await log_leeds_2018_redesign(redis, tenant)
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
    totals = orjson.loads(replayed.stdout)["structure"]["totals"]
    assert (totals["posts"], totals["fte"], totals["headcount"]) == (11, "11.0000", 0)
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
    common = ("--redis-url", redis_url, "--tenant", tenant, "--as-of", "2018-04-01", "--json")
    refused = estab("replay", *common)
    assert refused.returncode == 1
    assert refused.stdout == ""
    assert entry_id in refused.stderr
    assert "Not replayed" in refused.stderr
    anyway = estab("replay", *common, "--no-verify")
    assert anyway.returncode == 0, anyway.stderr
    assert orjson.loads(anyway.stdout)["structure"]["as_of"] == "2018-04-01"


@pytest.fixture
async def seed_tenants(registry: TenantRegistry) -> dict[str, str]:
    """A fresh tenant for each tenant the bundled scenarios name (leeds, dudley, leeds-2011)."""
    named = {load_scenario(path).tenant for path in bundled_scenarios()}
    return {name: await provision(registry, f"t-{uuid4().hex[:12]}") for name in named}


def _recorded(path: Path, count: int | None = None) -> str:
    """What `estab load` says of the file: `count` (default: all) of its requests recorded."""
    scenario = load_scenario(path)
    sent = len(proposal_requests(scenario)) if scenario.proposal else len(scenario.steps)
    what = f"proposal {scenario.proposal.proposal_id!r}, " if scenario.proposal else ""
    return f"{scenario.name}: {what}{sent if count is None else count} of {sent} steps recorded"


def test_every_bundled_scenario_loads_and_loading_again_records_nothing(
    services: dict[str, ServiceProcess],
    seed_tenants: dict[str, str],
    redis_url: str,
    tmp_path: Path,
) -> None:
    """`estab load` finds the stack through --data-dir; the second run records 0 of N steps."""
    data = tmp_path / "data"
    data.mkdir()
    urls = {name: service.url for name, service in services.items()}
    write_stack(data, StackAddress(redis_url=redis_url, services=urls))
    groups = {
        seed: [str(path) for path in bundled_scenarios()
               if load_scenario(path).tenant == seed or path.stem.startswith("catalogue")]
        for seed in seed_tenants
    }  # fmt: skip
    for run in ("first", "again"):
        for seed, files in groups.items():
            tenant = seed_tenants[seed]
            lengths = stream_lengths(redis_url, tenant)
            said = estab("load", *files, "--tenant", tenant, "--data-dir", str(data), timeout=600)
            assert said.returncode == 0, said.stdout + said.stderr
            out = " ".join(said.stdout.split())
            for path in files:
                assert _recorded(Path(path), None if run == "first" else 0) in out
            for service in services.values():
                caught_up(service)
            if run == "again":
                assert stream_lengths(redis_url, tenant) == lengths


def test_load_refuses_a_tenant_that_is_not_provisioned_and_records_nothing(
    establishment_service: ServiceProcess, grading_service: ServiceProcess, tmp_path: Path
) -> None:
    """Loading into an unknown tenant stops at once, saying how to provision it."""
    data = tmp_path / "data"
    data.mkdir()
    urls = {"establishment": establishment_service.url, "grading": grading_service.url}
    write_stack(data, StackAddress(redis_url="redis://unused", services=urls))
    path = bundled_scenario("catalogue_njc_leeds_style")
    done = estab("load", str(path), "--tenant", "nobody-here", "--data-dir", str(data))
    assert done.returncode == 1
    assert "estab tenant create nobody-here" in done.stderr
