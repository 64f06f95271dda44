"""Tenants benchmark: how soon every running service serves a tenant provisioned while it runs.

    uv run python bench/tenants.py [--tenants 20]

Starts the embedded Redis and the four services (as `estab up` does, on free ports), provisions
`--tenants` tenants one at a time over `POST /tenants`, and measures for each the time until all
four services list its consumer groups in `/progress` — with no request naming the tenant, so it
is the registry watcher (`ESTAB_TENANT_POLL_MS`, default 250 ms) that notices. Prints the figures
and appends them, with machine and date, to bench/RESULTS.md. The limit is the issue's: within a
second.
"""

from __future__ import annotations

import argparse
import math
import statistics
import tempfile
import time
from pathlib import Path

import httpx
from results import record

from cli.credentials import bearer
from cli.supervisor import Stack, free_port_offset
from contracts.tenancy import ProvisionTenant

LIMIT_S = 1.0


def served_by_all(urls: list[str], access: dict[str, str], tenant: str, deadline: float) -> float:
    """Seconds until every service at `urls` follows `tenant`'s streams (or the deadline)."""
    began = time.perf_counter()
    waiting = set(urls)
    while waiting and time.perf_counter() < deadline:
        for url in sorted(waiting):
            groups = httpx.get(f"{url}/progress", headers=access, timeout=10).json()["groups"]
            if any(group["stream"].startswith(f"{{{tenant}}}:") for group in groups):
                waiting.discard(url)
        time.sleep(0.005)
    if waiting:
        raise RuntimeError(f"{sorted(waiting)} never served {tenant}")
    return time.perf_counter() - began


def main() -> None:
    """Run and record the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tenants", type=int, default=20)
    count = parser.parse_args().tenants
    with tempfile.TemporaryDirectory() as folder:
        stack = Stack(
            Path(folder), [ProvisionTenant(tenant="default")], port_offset=free_port_offset()
        )
        stack.start()
        try:
            urls = [spec.url(stack.host) for spec in stack.services()]
            access = bearer(stack.data_dir)
            seconds = []
            for number in range(count):
                tenant = f"bench-{number:03d}"
                body = {"tenant": tenant}
                reply = httpx.post(f"{urls[0]}/tenants", json=body, headers=access, timeout=30)
                reply.raise_for_status()
                seconds.append(served_by_all(urls, access, tenant, time.perf_counter() + 30))
        finally:
            stack.stop()
    median, worst = statistics.median(seconds), max(seconds)
    p95 = sorted(seconds)[math.ceil(0.95 * len(seconds)) - 1]
    limit = f"{LIMIT_S * 1000:.0f} ms"
    record(
        f"A tenant provisioned while the stack runs, {count} tenants one after another "
        f"(`uv run python bench/tenants.py --tenants {count}`)",
        [
            (
                "POST /tenants 201 until all four services serve it, median",
                f"{median * 1000:.0f} ms",
                limit,
            ),
            ("the same, p95", f"{p95 * 1000:.0f} ms", limit),
            ("the same, slowest", f"{worst * 1000:.0f} ms", limit),
        ],
    )


if __name__ == "__main__":
    main()
