"""Grading benchmark: loading the default catalogue, and the cost query, pure and over HTTP.

    uv run python bench/grading.py [--calls 2000]

The HTTP figures go through the real app (ASGI transport, no socket) against an embedded Redis;
the pure figure is the same cost computed straight from the folded catalogue, i.e. the floor the
HTTP path can approach. Prints the figures and appends them, with machine and date, to
bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import tempfile
import time
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

import httpx

from contracts.costing import grade_cost
from contracts.tenancy import ProvisionTenant
from eventlog.access import Role
from eventlog.redis_server import EmbeddedRedis
from eventlog.settings import Settings
from eventlog.tenant_registry import provision_at
from eventlog.token_file import TOKENS_FILE, ensure_tokens, role_token
from scenarios.loader import bundled_scenario, http_request, load_scenario
from services.grading.main import create_app

if TYPE_CHECKING:
    from services.grading.application import TenantGrading

TENANT = "bench"
GRADES = ("PO6", "SO1", "C3", "Dir 65%", "Dir 52.5%")


def p95_ms(samples: list[float]) -> float:
    """The 95th percentile of `samples` (seconds) in milliseconds."""
    return statistics.quantiles(samples, n=20)[-1] * 1000


async def run(calls: int) -> list[str]:
    """Load the catalogue, then time cost queries; return the lines to record."""
    steps = load_scenario(bundled_scenario("catalogue_njc_leeds_style")).steps
    with tempfile.TemporaryDirectory() as folder, EmbeddedRedis(Path(folder)) as server:
        await provision_at(server.url, ProvisionTenant(tenant=TENANT))
        tokens = Path(folder) / TOKENS_FILE
        ensure_tokens(tokens)
        settings = Settings(service="grading", redis_url=server.url, tokens_file=tokens)
        app = create_app(settings)
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(
                transport=transport,
                base_url="http://bench",
                headers={
                    "Authorization": f"Bearer {role_token(tokens, Role.ADMIN)}",
                    "X-Tenant": TENANT,
                },
            ) as client:
                began = time.perf_counter()
                for step in steps:
                    method, path, body = http_request(step.command)
                    (await client.request(method, path, json=body)).raise_for_status()
                load_s = time.perf_counter() - began
                http: list[float] = []
                for number in range(calls):
                    grade = GRADES[number % len(GRADES)]
                    on = f"{2018 + number % 8}-06-01"
                    began = time.perf_counter()
                    reply = await client.get(f"/grades/{grade}/cost", params={"on": on})
                    http.append(time.perf_counter() - began)
                    reply.raise_for_status()
                past: list[float] = []
                for number in range(20):
                    began = time.perf_counter()
                    known_at = f"2020-01-{number + 1:02d}"
                    params = {"on": "2019-06-01", "known_at": known_at}
                    await client.get("/grades/PO6/cost", params=params)
                    past.append(time.perf_counter() - began)
            grading: TenantGrading = app.state.logs.tenant(TENANT)
            catalogue = await grading.current()
        pure: list[float] = []
        for number in range(calls):
            grade = GRADES[number % len(GRADES)]
            began = time.perf_counter()
            grade_cost(catalogue, grade, f"{2018 + number % 8}-06-01", Decimal(1))
            pure.append(time.perf_counter() - began)
    return [
        (
            f"### {datetime.now(UTC):%Y-%m-%d %H:%M} UTC — {platform.node()}, "
            f"{os.cpu_count()} cores, Python {platform.python_version()}"
        ),
        "",
        f"Grading, default catalogue (`uv run python bench/grading.py --calls {calls}`)",
        "",
        "| measure | figure | limit |",
        "|---|---|---|",
        f"| load the catalogue over HTTP ({len(steps)} commands) | {load_s:.2f} s | — |",
        f"| GET /grades/{{grade}}/cost over HTTP (p95 of {calls:,}) | {p95_ms(http):.2f} ms | — |",
        f"| the same cost, pure (p95 of {calls:,}) | {p95_ms(pure) * 1000:.1f} µs | floor |",
        f"| cost as known at a past time, new view each (p95 of 20) | {p95_ms(past):.2f} ms | — |",
        "",
    ]


def main() -> None:
    """Run and record the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=2000)
    lines = asyncio.run(run(parser.parse_args().calls))
    print("\n".join(lines))
    with Path(__file__).with_name("RESULTS.md").open("a") as out:
        out.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
