"""SIGKILL the recruitment process while establishment's deletions stream in.

Recruitment reads each deletion and records who is placed at risk before acknowledging it. Killed
between reading and acknowledging, it must, once restarted, place every holder at risk exactly
once: nothing lost (the unacknowledged entries are redelivered or reclaimed), nothing counted
twice (the idempotency key is the establishment event's id).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from driving import caught_up, get
from grade_catalogue import record_catalogue
from redis.asyncio import Redis

from contracts import establishment as est
from contracts import recruitment as rc
from contracts.streams import (
    ESTABLISHMENT_EVENTS,
    RECRUITMENT_EVENTS,
    RECRUITMENT_REJECTIONS,
    stream_key,
)
from eventlog.audit import stream_bodies, verify_stream
from eventlog.command_log import Accepted, Submitted
from services.establishment.application import TenantEstablishment
from services.recruitment.application import TenantRecruitment

pytestmark = [pytest.mark.faults, pytest.mark.redis]

POSTS = 600
BATCH = 10


async def placed(redis: Redis, tenant: str) -> list[dict[str, Any]]:
    bodies = await stream_bodies(redis, stream_key(tenant, RECRUITMENT_EVENTS))
    return [body for _, body in bodies if body["type"] == "StaffPlacedAtRisk"]


async def test_sigkill_between_read_and_ack_loses_and_duplicates_nothing(
    recruitment_service: Any, redis: Redis, tenant: str
) -> None:
    """Killed between read and ack, recruitment still places each of 600 holders at risk once."""
    await record_catalogue(redis, tenant)
    establishment = TenantEstablishment(redis, tenant)
    setup: list[est.EstablishmentCommand] = [
        est.CreateOrgUnit.model_validate(
            {"org_unit_id": "cf", "name": "C and F", "effective_date": "2017-04-01"}
        )
    ]
    setup += [
        est.CreatePost.model_validate(
            {
                "post_id": f"p{number}",
                "title": f"Post {number}",
                "grade": "PO6",
                "fte": "1",
                "org_unit_id": "cf",
                "effective_date": "2017-04-01",
            }
        )
        for number in range(POSTS)
    ]
    created = await establishment.execute([Submitted(command) for command in setup])
    assert all(isinstance(outcome, Accepted) for outcome in created), created[-1]
    recruitment = TenantRecruitment(redis, tenant)
    appointments = [
        rc.AppointPostholder.model_validate(
            {"post_id": f"p{number}", "person_ref": f"e{number}", "start_date": "2017-06-01"}
        )
        for number in range(POSTS)
    ]
    outcomes = await recruitment.execute([Submitted(command) for command in appointments])
    assert all(isinstance(outcome, Accepted) for outcome in outcomes), outcomes[-1]

    killed = False
    for start in range(0, POSTS, BATCH):
        deletions = [
            est.DeletePost.model_validate({"post_id": f"p{number}", "effective_date": "2018-04-01"})
            for number in range(start, start + BATCH)
        ]
        await establishment.execute([Submitted(command) for command in deletions])
        if not killed and len(await placed(redis, tenant)) >= BATCH * 3:
            recruitment_service.kill()
            killed = True
            killed_at = len(await placed(redis, tenant))
    assert killed, "recruitment never started placing staff at risk"
    assert killed_at < POSTS, "the kill came too late to test anything"
    recruitment_service.start()

    caught_up(recruitment_service)
    events = await placed(redis, tenant)
    per_contract = Counter(event["payload"]["contract_id"] for event in events)
    assert len(per_contract) == POSTS
    assert set(per_contract.values()) == {1}
    assert (await verify_stream(redis, tenant, RECRUITMENT_EVENTS)).ok
    assert await redis.xlen(stream_key(tenant, RECRUITMENT_REJECTIONS)) == 0
    group = stream_key(tenant, ESTABLISHMENT_EVENTS)
    assert (await redis.xpending(group, "recruitment"))["pending"] == 0
    risk = get(recruitment_service, tenant, "/at-risk", as_of="2018-04-01")
    assert risk["totals"] == {"people": POSTS, "posts": POSTS}
