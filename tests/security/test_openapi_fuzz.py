"""schemathesis against every service's OpenAPI document, with every check it has but one.

Each service runs as its own process on the suite's Redis, serving a tenant with the NJC
catalogue; schemathesis generates requests from the service's own schema (a bounded number per
operation, a fixed seed, so a failure reproduces) and fails on any 5xx, any answer whose status,
content type, headers or body the document does not declare, schema-invalid input accepted, a
wrong `Allow` on a 405, or a route that ignores its bearer token. Left out:
`positive_data_acceptance`, which wants every schema-valid request accepted, while the domain
refuses many by design (a grade not in the catalogue, a change before a post exists: 404, 409,
422 with the reason).
"""

from __future__ import annotations

import subprocess
import sys
from typing import TYPE_CHECKING

import pytest
from bearer import token

if TYPE_CHECKING:
    from pathlib import Path

    from conftest import ServiceProcess

pytestmark = [pytest.mark.e2e, pytest.mark.redis, pytest.mark.usefixtures("with_catalogue")]

EXAMPLES = 15
"""Generated requests per operation: enough to reach every field's bounds, ~20 s a service."""
SEED = 20261202


@pytest.mark.parametrize("name", ["establishment", "grading", "recruitment", "finance"])
def test_no_generated_request_finds_a_fault(
    services: dict[str, ServiceProcess], tenant: str, name: str, tmp_path: Path
) -> None:
    """schemathesis over every operation of the service finds nothing wrong with any answer."""
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "schemathesis.cli",
            "run",
            f"{services[name].url}/openapi.json",
            "--checks",
            "all",
            "--exclude-checks",
            "positive_data_acceptance",
            "--header",
            f"X-Tenant: {tenant}",
            "--header",
            f"Authorization: Bearer {token()}",
            "--max-examples",
            str(EXAMPLES),
            "--seed",
            str(SEED),
            "--workers",
            "1",
            "--report-dir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        cwd=tmp_path,
    )
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    assert "passed" in run.stdout
