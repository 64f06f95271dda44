"""HTTP access by bearer token and role, attacked in-process: who may read, who may write.

A refused request is a 401 or 403 problem, logged without the token, and records nothing; a
recorded command names the token's identity as its actor.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
import structlog
from bearer import auth, token
from driving import in_process
from redis.asyncio import Redis

from contracts.streams import ESTABLISHMENT_EVENTS, stream_key
from contracts.tenancy import ProvisionTenant
from eventlog.access import Role
from eventlog.settings import Settings
from eventlog.tenant_registry import TenantRegistry
from services.establishment.main import create_app as establishment_app
from services.finance.main import create_app as finance_app
from services.grading.main import create_app as grading_app

pytestmark = [pytest.mark.redis, pytest.mark.usefixtures("with_catalogue")]

UNIT = {"org_unit_id": "u", "name": "Unit", "effective_date": "2020-04-01"}


async def _length(redis: Redis, tenant: str) -> int:
    return int(await redis.xlen(stream_key(tenant, ESTABLISHMENT_EVENTS)))


async def _last_event(redis: Redis, tenant: str) -> dict[str, Any]:
    entries: Any = await redis.xrevrange(stream_key(tenant, ESTABLISHMENT_EVENTS), count=1)
    found: dict[str, Any] = orjson.loads(entries[0][1][b"__data__"])
    return found


def _problem(reply: httpx.Response, status: int, reason: str) -> dict[str, Any]:
    assert reply.status_code == status, reply.text
    assert reply.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = reply.json()
    assert body["type"] == f"urn:estab:problem:{reason}"
    return body


async def test_no_token_or_a_forged_one_is_401_and_records_nothing(
    establishment: httpx.AsyncClient, redis: Redis, tenant: str
) -> None:
    """Without a token, or with one nobody issued, reads and writes are 401 with a challenge."""
    before = await _length(redis, tenant)
    bare = {"Authorization": "", "X-Tenant": tenant}
    forged = {"Authorization": f"Bearer {secrets.token_urlsafe(32)}", "X-Tenant": tenant}
    for headers in (bare, forged, {"Authorization": f"Basic {token()}", "X-Tenant": tenant}):
        write = await establishment.post("/org-units", json=UNIT, headers=headers)
        _problem(write, 401, "unauthenticated")
        assert write.headers["www-authenticate"].startswith("Bearer")
        _problem(await establishment.get("/structure", headers=headers), 401, "unauthenticated")
    assert await _length(redis, tenant) == before


async def test_each_role_writes_only_its_own_service(
    settings: Callable[[str], Settings], tenant: str, redis: Redis
) -> None:
    """hr writes establishment, not grading or finance; payroll-config and finance the reverse."""
    unit = {"org_unit_id": "u", "name": "Unit", "effective_date": "2020-04-01"}
    grade = {"grade": "Band Z", "salary_max": "30000.00", "effective_date": "2020-04-01"}
    stream = {
        "source_id": "grant",
        "name": "A grant",
        "amount": "1000.00",
        "start_date": "2020-04-01",
        "end_date": "2021-03-31",
    }
    writes = (
        (establishment_app, "establishment", "/org-units", unit, Role.HR),
        (grading_app, "grading", "/grades", grade, Role.PAYROLL_CONFIG),
        (finance_app, "finance", "/funding-streams", stream, Role.FINANCE),
    )
    for create_app, service, path, body, owner in writes:
        async with in_process(create_app(settings(service)), tenant) as client:
            for role in (Role.HR, Role.PAYROLL_CONFIG, Role.FINANCE, Role.AUDITOR):
                reply = await client.post(path, json=body, headers=auth(role))
                if role == owner:
                    assert reply.status_code == 201, (service, reply.text)
                else:
                    problem = _problem(reply, 403, "forbidden")
                    assert f"needs role {owner.value!r}" in problem["detail"]
            reads = await client.get("/openapi.json")
            assert reads.status_code == 200


async def test_every_role_reads_and_only_admin_provisions_tenants(
    establishment: httpx.AsyncClient, tenant: str
) -> None:
    """Every role may read; POST /tenants is admin's alone."""
    for role in Role:
        reply = await establishment.get("/structure", headers=auth(role))
        assert reply.status_code == 200, (role, reply.text)
    newcomer = {"tenant": f"t-{secrets.token_hex(5)}"}
    for role in (Role.HR, Role.AUDITOR):
        _problem(
            await establishment.post("/tenants", json=newcomer, headers=auth(role)),
            403,
            "forbidden",
        )
    assert (await establishment.post("/tenants", json=newcomer)).status_code == 201


async def test_health_is_open_and_progress_is_not(establishment: httpx.AsyncClient) -> None:
    """A load balancer reads /health without a token; /progress needs one like any read."""
    bare = {"Authorization": ""}
    assert (await establishment.get("/health", headers=bare)).status_code == 200
    _problem(await establishment.get("/progress", headers=bare), 401, "unauthenticated")
    assert (await establishment.get("/progress", headers=auth(Role.AUDITOR))).status_code == 200


async def test_the_actor_recorded_is_the_tokens_identity(
    establishment: httpx.AsyncClient, redis: Redis, tenant: str
) -> None:
    """A write records its token's identity as actor; `on_behalf_of` separately; a body actor
    that is not the token's is a 422 and records nothing."""
    body = {**UNIT, "on_behalf_of": "ticket HR-1234"}
    reply = await establishment.post("/org-units", json=body, headers=auth(Role.HR))
    assert reply.status_code == 201, reply.text
    event = await _last_event(redis, tenant)
    assert (event["actor"], event["on_behalf_of"]) == ("hr", "ticket HR-1234")
    before = await _length(redis, tenant)
    spoofed = {**UNIT, "org_unit_id": "v", "actor": "chief-executive"}
    problem = _problem(
        await establishment.post("/org-units", json=spoofed, headers=auth(Role.HR)), 422, "invalid"
    )
    assert problem["errors"][0]["loc"] == ["body", "actor"]
    assert await _length(redis, tenant) == before


@pytest.fixture
def scoped_tokens(tmp_path: Path, tenant: str) -> dict[str, str]:
    """A tokens file with an hr token for the test's tenant only; its tokens by identity."""
    tokens = {"admin": token(), "local-hr": secrets.token_urlsafe(32)}
    entries = {
        "admin": tokens["admin"],
        "local-hr": {"token": tokens["local-hr"], "role": "hr", "tenants": [tenant]},
    }
    (tmp_path / "tokens.json").write_bytes(orjson.dumps(entries))
    return tokens


@pytest.fixture
async def scoped_establishment(
    settings: Callable[[str], Settings], tmp_path: Path, scoped_tokens: dict[str, str]
) -> AsyncIterator[httpx.AsyncClient]:
    """Establishment accepting the scoped tokens file."""
    chosen = settings("establishment").model_copy(update={"tokens_file": tmp_path / "tokens.json"})
    async with in_process(establishment_app(chosen)) as client:
        yield client


async def test_a_token_scoped_to_a_tenant_reaches_no_other(
    scoped_establishment: httpx.AsyncClient,
    scoped_tokens: dict[str, str],
    tenant: str,
    registry: TenantRegistry,
) -> None:
    """An hr token scoped to one tenant writes there and is 403 for every other tenant."""
    other = f"t-{secrets.token_hex(5)}"
    await registry.provision(ProvisionTenant(tenant=other))
    scoped = {"Authorization": f"Bearer {scoped_tokens['local-hr']}"}
    mine = await scoped_establishment.post(
        "/org-units", json=UNIT, headers={**scoped, "X-Tenant": tenant}
    )
    assert mine.status_code == 201, mine.text
    theirs = await scoped_establishment.get("/structure", headers={**scoped, "X-Tenant": other})
    assert "not granted tenant" in _problem(theirs, 403, "forbidden")["detail"]


async def test_refusals_are_logged_without_the_token(
    establishment: httpx.AsyncClient, tenant: str
) -> None:
    """A 401 and a 403 are each logged with the route, and neither log line holds a token."""
    forged = secrets.token_urlsafe(32)
    with structlog.testing.capture_logs() as logged:
        await establishment.get("/structure", headers={"Authorization": f"Bearer {forged}"})
        await establishment.post("/org-units", json=UNIT, headers=auth(Role.AUDITOR))
    refused = [entry for entry in logged if entry["event"] == "access refused"]
    assert [entry["status"] for entry in refused] == [401, 403]
    assert all(entry["path"] for entry in refused)
    text = repr(logged)
    assert forged not in text
    assert token(Role.AUDITOR) not in text


async def test_openapi_declares_the_bearer_scheme(establishment: httpx.AsyncClient) -> None:
    """The OpenAPI document names the bearer scheme; every operation but /health needs it and
    documents its refusals as problem bodies (429 and 503 with Retry-After)."""
    document = (await establishment.get("/openapi.json")).json()
    assert document["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            needs = operation.get("security") == [{"bearer": []}]
            assert needs == (path != "/health"), (method, path)
            if path == "/health":
                continue
            responses = operation["responses"]
            for status in ("401", "403", "422", "429", "503"):
                assert "application/problem+json" in responses[status]["content"], (path, status)
            assert "Retry-After" in responses["429"]["headers"]


async def test_a_token_past_its_budget_is_429_and_others_are_served(
    settings: Callable[[str], Settings], tenant: str
) -> None:
    """With a burst of 3, hr's fourth request at once is 429 with Retry-After; auditor's is not."""
    chosen = settings("establishment").model_copy(update={"rate_per_second": 0.5, "rate_burst": 3})
    async with in_process(establishment_app(chosen), tenant) as client:
        answers = [
            (await client.get("/structure", headers=auth(Role.HR))).status_code for _ in range(4)
        ]
        assert answers == [200, 200, 200, 429]
        limited = await client.get("/structure", headers=auth(Role.HR))
        _problem(limited, 429, "rate-limited")
        assert limited.headers["retry-after"] == "2"
        assert (await client.get("/structure", headers=auth(Role.AUDITOR))).status_code == 200
