"""Erasure by crypto-shredding, on four real services: references never in Redis in the clear.

Seed 000's twelve postholders are recorded; nothing Redis holds for the tenant (streams,
idempotency records, snapshots, the key store) contains any of their references, yet every view
names them. `estab person erase` destroys one person's key and deletes the dealt-with stream
inputs that quoted them (a refused command and its refusal): they are `erased` in every view,
nothing in Redis names them, and the structure, the at-risk list's counts and the ledger are
exactly what they were; the log is not touched, so it still verifies.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx
import orjson
import pytest
from bearer import speaking_for
from conftest import ServiceProcess
from driving import caught_up, estab, get, load, tenant_text
from redis import Redis

from contracts.streams import RECRUITMENT_COMMANDS, stream_key
from eventlog.access import Role
from scenarios.loader import bundled_scenario, load_scenario
from services.recruitment.people_refs import ERASED

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = [pytest.mark.e2e, pytest.mark.redis]

SEEDS = ("catalogue_njc_leeds_style", "leeds_2018_children_and_families", "leeds_2018_postholders")


def _references() -> set[str]:
    """Every person reference the seed's postholders file gives."""
    steps = load_scenario(bundled_scenario("leeds_2018_postholders")).steps
    return {step.command["person_ref"] for step in steps if "person_ref" in step.command}


def _leaver_refused_on_the_stream(redis_url: str, tenant: str, person_ref: str) -> None:
    """An HR system's leaver for the person on a post they never held: refused, quoting it."""
    message = {
        "type": "RecordLeaver",
        "post_id": "cf-no-such-post",
        "person_ref": person_ref,
        "end_date": "2018-05-31",
    }
    with Redis.from_url(redis_url) as redis:
        key = stream_key(tenant, RECRUITMENT_COMMANDS)
        redis.xadd(key, {"__data__": orjson.dumps(message)})


def _figures(services: dict[str, ServiceProcess], tenant: str) -> dict[str, object]:
    """What erasure must leave as it was: structure, at-risk counts, postholder totals, ledger."""
    structure = get(services["establishment"], tenant, "/structure", as_of="2018-04-01")
    return {
        "structure": {key: value for key, value in structure.items() if key != "known_at"},
        "at_risk": get(services["recruitment"], tenant, "/at-risk", as_of="2018-04-01")["totals"],
        "holders": get(services["recruitment"], tenant, "/postholders", as_of="2018-03-31")[
            "totals"
        ],
        "ledger": get(services["finance"], tenant, "/ledger", fy=2018)["totals"],
    }


def test_references_are_sealed_and_an_erased_person_leaves_every_figure_as_it_was(
    services: dict[str, ServiceProcess], tenant: str, redis_url: str, tmp_path: Path
) -> None:
    """No reference in Redis in the clear; erasure shows `erased`, keeps figures and the chain."""
    load(services, tenant, *SEEDS)
    for service in services.values():
        caught_up(service)
    references = _references()
    held = get(services["recruitment"], tenant, "/postholders", as_of="2018-03-31")
    assert {contract["person_ref"] for contract in held["contracts"]} == references
    stored = tenant_text(redis_url, tenant)
    assert [ref for ref in references if ref in stored] == []

    at_risk = get(services["recruitment"], tenant, "/at-risk", as_of="2018-04-01")
    victim = at_risk["people"][0]["person_ref"]
    _leaver_refused_on_the_stream(redis_url, tenant, victim)
    caught_up(services["recruitment"])
    assert victim in tenant_text(redis_url, tenant)
    before = _figures(services, tenant)
    recruitment = services["recruitment"].url
    as_hr = speaking_for(tenant, Role.HR)
    assert httpx.post(f"{recruitment}/people/{victim}/erase", headers=as_hr).status_code == 403

    erased = estab(
        "person", "erase", victim, "--tenant", tenant, "--yes",
        "--recruitment-url", recruitment, "--data-dir", str(tmp_path),
    )  # fmt: skip
    assert erased.returncode == 0, erased.stderr
    assert "1 contracts" in erased.stdout
    assert "2 input messages naming them deleted" in erased.stdout
    assert victim not in tenant_text(redis_url, tenant)

    after = _figures(services, tenant)
    assert after == before
    shown = get(services["recruitment"], tenant, "/at-risk", as_of="2018-04-01")["people"]
    assert sorted(person["person_ref"] for person in shown) == sorted(
        [ERASED, *(person["person_ref"] for person in at_risk["people"][1:])]
    )
    again = httpx.post(f"{recruitment}/people/{victim}/erase", headers=speaking_for(tenant))
    assert again.status_code == 404
    mine = get(services["recruitment"], tenant, "/postholders", person_ref=victim)
    assert mine["contracts"] == []
    verified = estab("verify", "--tenant", tenant, "--redis-url", redis_url)
    assert verified.returncode == 0, verified.stdout + verified.stderr
