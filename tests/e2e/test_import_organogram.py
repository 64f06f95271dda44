"""`estab import` of a UK government organogram pair (senior and junior staff CSVs, with the
quirks real publications have) into all four running services, as a newcomer runs it."""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from csv_rows import csv_rows
from driving import caught_up, estab_import, get, send, stream_lengths, tenant_text
from redis import Redis

from importing.identities import organisation_prefix, post_id
from scenarios.loader import bundled_scenario, load_scenario

pytestmark = [pytest.mark.e2e, pytest.mark.redis]

FILES = Path(__file__).parent.parent / "import_files"
SENIOR = FILES / "organogram_senior.csv"
JUNIOR = FILES / "organogram_junior.csv"
AS_OF = "2024-03-31"
ORGANISATION = "Office for Fictional Statistics"
PREFIX = organisation_prefix(ORGANISATION)

EXPECTED_REFUSALS = {
    ("organogram_senior.csv", 24): "Eliminated",
    ("organogram_senior.csv", 25): "Post Unique Reference 0",
    ("organogram_senior.csv", 30): "'OFS-099', which is in none of the files",
    ("organogram_senior.csv", 35): "unknown-grade: grade 'OF-6'",
    ("organogram_senior.csv", 36): "'OFS-030' (organogram_senior.csv row 35), which was refused",
    ("organogram_junior.csv", 12): "'OFS-020' (organogram_senior.csv row 24), which was refused",
    ("organogram_junior.csv", 13): "unknown-grade: grade 'SEO'",
    ("organogram_junior.csv", 14): "not disclosed (N/D)",
    ("organogram_junior.csv", 15): "is 0: no posts",
    ("organogram_junior.csv", 17): "'OFS-098', which is in none of the files",
    ("organogram_junior.csv", 18): "'OFS-031' (organogram_senior.csv row 36), which was refused",
}
"""Every row the files' quirks make unimportable, and what its reason must say."""


def names() -> set[str]:
    """Every person's name in the senior file, and each surname on its own."""
    found: set[str] = set()
    for _, row in csv_rows(SENIOR):
        name = row["Name"].strip()
        if name not in {"Vacant", "Eliminated", "N/D"}:
            found |= {name, name.split()[-1]}
    return found


def record_on_costs(services: dict[str, Any], tenant: str) -> None:
    """Only the catalogue's on-cost rates: the organogram's grades come from its pay bands."""
    for step in load_scenario(bundled_scenario("catalogue_njc_leeds_style")).steps:
        if step.command["type"] == "SetOnCostRates":
            send(services, tenant, step.command)


def senior_id(reference: str) -> str:
    return post_id(PREFIX, reference)


@dataclass(frozen=True)
class Filed:
    """What the files say about the rows that were recorded, read without the importer."""

    seniors: list[dict[str, str]]
    juniors: list[dict[str, str]]

    @classmethod
    def recorded(cls, refused: dict[tuple[str, int], str]) -> Filed:
        return cls(
            [row for n, row in csv_rows(SENIOR) if (SENIOR.name, n) not in refused],
            [row for n, row in csv_rows(JUNIOR) if (JUNIOR.name, n) not in refused],
        )

    @property
    def senior_ids(self) -> set[str]:
        return {senior_id(row["Post Unique Reference"]) for row in self.seniors}

    @property
    def filled(self) -> list[dict[str, str]]:
        return [row for row in self.seniors if row["Name"] != "Vacant"]

    @property
    def junior_posts(self) -> int:
        return sum(math.ceil(Decimal(row["Number of Posts in FTE"])) for row in self.juniors)

    @property
    def fte(self) -> Decimal:
        senior = sum((Decimal(row["FTE"]) for row in self.seniors), Decimal(0))
        return senior + sum(
            (Decimal(row["Number of Posts in FTE"]) for row in self.juniors), Decimal(0)
        )


def check_structure(services: dict[str, Any], tenant: str, filed: Filed) -> set[str]:
    """The structure's FTE and lines are the files'; returns every post id."""
    structure = get(services["establishment"], tenant, "/structure", as_of=AS_OF)
    assert Decimal(structure["totals"]["fte"]) == filed.fte.quantize(Decimal("0.0001"))
    assert structure["totals"]["posts"] == len(filed.senior_ids) + filed.junior_posts
    posts = {post["post_id"]: post for post in structure["posts"]}
    for row in filed.seniors:
        line = row["Reports to Senior Post"]
        expected = None if line in {"XX", "0", ""} else senior_id(line)
        assert posts[senior_id(row["Post Unique Reference"])]["reports_to"] == expected
    junior = [post for post in posts.values() if post["post_id"] not in filed.senior_ids]
    assert len(junior) == filed.junior_posts
    assert all(post["reports_to"] in filed.senior_ids for post in junior)
    return set(posts)


def check_people(services: dict[str, Any], tenant: str, filed: Filed, posts: set[str]) -> None:
    """Vacant posts are vacancies; filled ones have their holders (two on the job share)."""
    caught_up(services["recruitment"])
    held = {senior_id(row["Post Unique Reference"]) for row in filed.filled}
    vacancies = get(services["recruitment"], tenant, "/vacancies", as_of=AS_OF)["vacancies"]
    assert {item["post_id"] for item in vacancies} == posts - held
    holders = get(services["recruitment"], tenant, "/postholders", as_of=AS_OF)
    assert holders["totals"]["headcount"] == len(filed.filled)
    in_post = sum((Decimal(row["FTE"]) for row in filed.filled), Decimal(0))
    assert Decimal(holders["totals"]["fte_in_post"]) == in_post
    by_post: dict[str, list[str]] = {}
    for contract in holders["contracts"]:
        by_post.setdefault(contract["post_id"], []).append(contract["fte"])
    assert set(by_post) == held
    assert sorted(by_post[senior_id("OFS-012")]) == ["0.5000", "0.5000"]


def test_an_organogram_pair_imports_exactly_once_and_no_name_is_kept(
    services: dict[str, Any], tenant: str, redis_url: str, tmp_path: Path
) -> None:
    """The structure's FTE is the files' recorded FTE exactly, lines and holders are as filed,
    refused rows are listed, no name is stored or shown, and a second import records nothing."""
    record_on_costs(services, tenant)
    before_dry = stream_lengths(redis_url, tenant)
    dry = estab_import(services, tenant, AS_OF, [SENIOR, JUNIOR], tmp_path, "--dry-run", "--json")
    assert dry.returncode == 0, dry.stderr
    assert stream_lengths(redis_url, tenant) == before_dry

    done = estab_import(services, tenant, AS_OF, [SENIOR, JUNIOR], tmp_path, "--json")
    assert done.returncode == 0, done.stderr
    report = orjson.loads(done.stdout)
    refused = {(item["file"], item["row"]): item["reason"] for item in report["rows_refused"]}
    assert refused.keys() == EXPECTED_REFUSALS.keys(), refused
    for where, fragment in EXPECTED_REFUSALS.items():
        assert fragment in refused[where], (where, refused[where])
    filed = Filed.recorded(refused)
    assert report["posts_created"] == len(filed.senior_ids) + filed.junior_posts
    assert report["appointments_created"] == len(filed.filled)
    assert report["org_units_created"] == 1 + len({row["Unit"] for row in filed.seniors})
    dry_report = orjson.loads(dry.stdout)
    assert dry_report["posts_created"] == 0
    assert dry_report["planned"]["posts"] == report["posts_created"]
    assert dry_report["rows_refused"] == report["rows_refused"]

    check_people(services, tenant, filed, check_structure(services, tenant, filed))
    caught_up(services["finance"])
    ledger = get(services["finance"], tenant, "/ledger", fy=2023, as_of=AS_OF)
    assert not ledger.get("unpriced")
    assert Decimal(ledger["totals"]["fte"]) == filed.fte.quantize(Decimal("0.0001"))

    stored = tenant_text(redis_url, tenant).casefold()
    shown = (done.stdout + done.stderr + dry.stdout + dry.stderr).casefold()
    for name in names():
        assert name.casefold() not in stored, name
        assert name.casefold() not in shown, name

    lengths = stream_lengths(redis_url, tenant)
    again = estab_import(services, tenant, AS_OF, [SENIOR, JUNIOR], tmp_path, "--json")
    assert again.returncode == 0, again.stderr
    second = orjson.loads(again.stdout)
    assert second["posts_created"] == second["appointments_created"] == 0
    assert second["grades_created"] == second["org_units_created"] == 0
    assert second["already_recorded"]["posts"] == report["posts_created"]
    assert second["rows_refused"] == report["rows_refused"]
    assert stream_lengths(redis_url, tenant) == lengths


def test_an_unprovisioned_tenant_stops_at_once_and_missing_rates_are_warned_of(
    establishment_service: Any, grading_service: Any, tenant: str, redis_url: str, tmp_path: Path
) -> None:
    """A tenant nobody provisioned: exit 1 with the service's message, nothing recorded. A
    tenant with no on-cost rates on the date: a warning that the posts would be unpriced."""
    services = {
        "establishment": establishment_service,
        "grading": grading_service,
        "recruitment": establishment_service,  # never reached: no command is sent
    }
    done = estab_import(services, "never-provisioned", AS_OF, [SENIOR, JUNIOR], tmp_path)
    assert done.returncode == 1
    assert "never-provisioned" in done.stderr
    with Redis.from_url(redis_url) as redis:
        assert not redis.keys("{never-provisioned}:*")
    assert "created" not in done.stdout
    assert httpx.get(f"{establishment_service.url}/health").status_code == 200

    dry = estab_import(services, tenant, AS_OF, [SENIOR, JUNIOR], tmp_path, "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "Warning: grading has no on-cost rates in force on 2024-03-31" in dry.stderr
    assert "(dry run: nothing recorded)" in dry.stdout
