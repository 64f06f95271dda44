"""Import benchmark: `estab import` of a council HR system's posts report into a running stack.

    uv run python bench/imports.py [--posts 1000]

Starts the embedded Redis and the four services (as `estab up` does, on free ports), provisions a
tenant with the default NJC catalogue, writes a CSV posts report of `--posts` rows (org-unit
paths three deep, line managers, half the posts filled), and times planning it (pure) and
importing it (every command one HTTP request, as today), then a second run that records nothing.
Prints the figures and appends them, with machine and date, to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import csv
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import httpx
from results import record

from cli.credentials import bearer
from cli.stack_file import StackAddress, write_stack
from cli.supervisor import Stack, free_port_offset
from contracts.tenancy import ProvisionTenant
from importing.catalogue import known_grades
from importing.files import ImportFormat, read_import
from importing.mapping import ColumnMapping
from importing.planner import plan_import
from scenarios.loader import bundled_scenario, http_request, load_scenario, service_of

TENANT = "bench"
AS_OF = "2024-04-01"
GRADES = ("B1", "C1", "C3", "SO1", "SO2", "PO1", "PO3", "PO6")


def posts_report(path: Path, posts: int) -> None:
    """A posts report of `posts` rows: ten teams per service, managers first."""
    with path.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(
            ["Post Number", "Job Title", "Grade", "FTE", "Org Unit Path", "Reports To",
             "Postholder Reference"]
        )  # fmt: skip
        for number in range(posts):
            team = number // 20
            path_text = f"Council / Service {team // 10} / Team {team}"
            manager = "" if number % 20 == 0 else f"P{team * 20:06d}"
            holder = f"E{number:06d}" if number % 2 else ""
            grade = GRADES[number % len(GRADES)]
            writer.writerow([f"P{number:06d}", "Officer", grade, "1", path_text, manager, holder])


def estab_import(report: Path, data_dir: Path) -> float:
    """Seconds `estab import` takes as a newcomer runs it."""
    began = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "cli", "import", str(report), "--tenant", TENANT, "--as-of",
         AS_OF, "--data-dir", str(data_dir), "--json"],
        capture_output=True,
        text=True,
        check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-2000:])
    return time.perf_counter() - began


def main() -> None:
    """Run and record the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--posts", type=int, default=1000)
    posts = parser.parse_args().posts
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        report = root / "posts.csv"
        posts_report(report, posts)
        offset = free_port_offset()
        stack = Stack(root / "data", [ProvisionTenant(tenant=TENANT)], port_offset=offset)
        url = stack.start()
        try:
            urls = {spec.name: spec.url(stack.host) for spec in stack.services()}
            write_stack(root / "data", StackAddress(redis_url=url, services=urls))
            headers = {**bearer(root / "data"), "X-Tenant": TENANT}
            with httpx.Client(headers=headers, timeout=60) as client:
                for step in load_scenario(bundled_scenario("catalogue_njc_leeds_style")).steps:
                    method, path, body = http_request(step.command)
                    client.request(method, f"{urls[service_of(step.command)]}{path}", json=body)
                grades = client.get(f"{urls['grading']}/grades", params={"as_of": AS_OF}).json()
            began = time.perf_counter()
            plan = plan_import(
                read_import([report], ImportFormat.AUTO, ColumnMapping()),
                tenant=TENANT,
                as_of=date.fromisoformat(AS_OF),
                catalogue=known_grades(grades),
            )
            plan_s = time.perf_counter() - began
            first_s = estab_import(report, root / "data")
            again_s = estab_import(report, root / "data")
        finally:
            stack.stop()
    commands = len(plan.steps)
    record(
        f"`estab import` of a {posts:,}-row posts report, {commands:,} commands "
        f"(`uv run python bench/imports.py --posts {posts}`)",
        [
            ("read and plan the file (pure)", f"{plan_s:.2f} s", "—"),
            (
                "import over HTTP, one command per request",
                f"{first_s:.1f} s ({commands / first_s:,.0f} commands/s)",
                "—",
            ),
            ("the same import again (records nothing)", f"{again_s:.1f} s", "—"),
        ],
    )


if __name__ == "__main__":
    main()
