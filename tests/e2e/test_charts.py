"""Pictures of seed 000: the org chart and the savings waterfall, as finance serves them.

On 31 March 2018 the Children and Families chart shows every post of the unit, the six whose
holders the redesign puts at risk filled as at risk, and the vacant ones as vacant, exactly as
the structure and the at-risk list say; the waterfall between the two dates steps down by the
deletions and ends at the result. `estab chart` saves both.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING
from xml.etree import ElementTree as ET

import httpx
import pytest
from bearer import speaking_for
from driving import estab, get
from leeds_2018 import record_leeds_2018

from services.finance.org_chart import AT_RISK, VACANT

if TYPE_CHECKING:
    from pathlib import Path

    from conftest import ServiceProcess

pytestmark = [pytest.mark.e2e, pytest.mark.redis]

SVG = "{http://www.w3.org/2000/svg}"
UNIT = "children-and-families"


def _fills(svg: bytes) -> dict[str, str]:
    """Each drawn node's id (its <title>) and its fill colour."""
    found = {}
    for group in ET.fromstring(svg).iter(f"{SVG}g"):
        if group.get("class") != "node":
            continue
        title = group.find(f"{SVG}title")
        shape = next((item for item in group if item.get("fill") not in {None, "none"}), None)
        if title is not None and shape is not None:
            found[str(title.text)] = str(shape.get("fill"))
    return found


def test_the_org_chart_marks_the_posts_at_risk_and_the_vacant_ones(
    services: dict[str, ServiceProcess], tenant: str, tmp_path: Path
) -> None:
    """Every post drawn; fills agree with /structure's vacancies and /at-risk's people."""
    record_leeds_2018(services, tenant)
    finance = services["finance"]
    params = {"as_of": "2018-03-31", "org_unit_id": UNIT}
    reply = httpx.get(f"{finance.url}/charts/org", params=params, headers=speaking_for(tenant))
    assert reply.status_code == 200, reply.text
    assert reply.headers["content-type"] == "image/svg+xml"
    fills = {
        key: value for key, value in _fills(reply.content).items() if not key.startswith("legend_")
    }
    structure = get(services["establishment"], tenant, "/structure", **params)
    assert set(fills) == {post["post_id"] for post in structure["posts"]}
    risk = get(services["recruitment"], tenant, "/at-risk", as_of="2018-04-01")
    at_risk = {post["post_id"] for person in risk["people"] for post in person["posts"]}
    assert len(at_risk) == 6
    assert {post for post, fill in fills.items() if fill == AT_RISK} == at_risk
    vacant = {post["post_id"] for post in structure["posts"] if Decimal(post["vacant_fte"]) > 0}
    assert {post for post, fill in fills.items() if fill == VACANT} == vacant - at_risk

    out = tmp_path / "org.svg"
    saved = estab(
        "chart", "org", "--tenant", tenant, "--as-of", "2018-03-31", "--org-unit", UNIT,
        "--out", str(out), "--finance-url", finance.url, "--data-dir", str(tmp_path),
    )  # fmt: skip
    assert saved.returncode == 0, saved.stderr
    assert set(_fills(out.read_bytes())) == set(_fills(reply.content))


def test_the_savings_waterfall_steps_down_by_the_deletions(
    services: dict[str, ServiceProcess], tenant: str, tmp_path: Path
) -> None:
    """Bars labelled with the statement's figures; `estab chart savings` saves the same."""
    record_leeds_2018(services, tenant)
    finance = services["finance"]
    params = {"from": "2018-03-31", "to": "2018-04-01", "org_unit_id": UNIT}
    reply = httpx.get(f"{finance.url}/charts/savings", params=params, headers=speaking_for(tenant))
    assert reply.status_code == 200, reply.text
    texts = [str(item.text) for item in ET.fromstring(reply.content).iter(f"{SVG}text")]
    statement = get(finance, tenant, "/savings", **params)
    deleted = Decimal(statement["deleted"]["annual_cost"])
    assert f"-£{deleted:,.0f}" in texts
    assert "Result 2018-04-01" in texts
    out = tmp_path / "savings.svg"
    saved = estab(
        "chart", "savings", "--tenant", tenant, "--from", "2018-03-31", "--to", "2018-04-01",
        "--org-unit", UNIT, "--out", str(out), "--finance-url", finance.url,
        "--data-dir", str(tmp_path),
    )  # fmt: skip
    assert saved.returncode == 0, saved.stderr
    assert out.read_bytes() == reply.content
