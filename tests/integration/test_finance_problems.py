"""Finance's bad inputs, in-process over HTTP against the suite's real Redis: each a clear 4xx."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import httpx
import pytest
from driving import in_process

from eventlog.settings import Settings
from services.finance.main import create_app

pytestmark = pytest.mark.redis


@pytest.fixture
async def finance(
    settings: Callable[[str], Settings], tenant: str
) -> AsyncIterator[httpx.AsyncClient]:
    async with in_process(create_app(settings("finance")), tenant) as client:
        yield client


@pytest.mark.parametrize(
    ("path", "params", "status", "code"),
    [
        ("/ledger", {"fy": "1850"}, 422, "invalid"),
        ("/ledger", {"fy": "twenty"}, 422, "invalid"),
        ("/ledger", {"fy": "2018", "group_by": "colour"}, 422, "invalid"),
        ("/ledger", {"fy": "2018", "org_unit_id": "nowhere"}, 404, "not-found"),
        ("/savings", {"from": "2018-04-01", "to": "2018-03-31"}, 422, "invalid"),
        (
            "/savings",
            {"from": "2018-03-31", "to": "2018-04-01", "org_unit_id": "x"},
            404,
            "not-found",
        ),
        ("/funding-streams/nobody", {}, 404, "not-found"),
        ("/sensitivity", {"fy": "2018", "months": "100"}, 422, "invalid"),
    ],
)
async def test_bad_queries_are_problems(
    finance: httpx.AsyncClient, path: str, params: dict[str, str], status: int, code: str
) -> None:
    """Each bad finance query is a problem+json with its status (422 or 404) and problem type."""
    reply = await finance.get(path, params=params)
    assert reply.status_code == status, reply.text
    assert reply.headers["content-type"] == "application/problem+json"
    assert reply.json()["type"] == f"urn:estab:problem:{code}"


async def test_a_funding_stream_is_checked_and_registered_once(finance: httpx.AsyncClient) -> None:
    """A backwards or over-contingent stream is a 422, a repeat is a 409, and one is registered."""
    stream = {
        "source_id": "grant",
        "name": "Grant",
        "amount": "1000",
        "start_date": "2018-04-01",
        "end_date": "2018-03-31",
    }
    backwards = await finance.post("/funding-streams", json=stream)
    assert backwards.status_code == 422
    stream["end_date"] = "2019-03-31"
    too_contingent = await finance.post(
        "/funding-streams", json={**stream, "contingent_amount": "2000"}
    )
    assert too_contingent.status_code == 422
    assert (await finance.post("/funding-streams", json=stream)).status_code == 201
    again = await finance.post("/funding-streams", json=stream)
    assert again.status_code == 409
    view = (await finance.get("/funding-streams/grant")).json()
    assert (view["committed"], view["headroom"]) == ("0.00", "1000.00")
