"""`estab export --format organogram` after `estab import` of the sample organogram pair: the
pair it writes says what the imported files say, and imported again it records nothing."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson
import pytest
from csv_rows import csv_rows
from driving import caught_up, estab, estab_import, stream_lengths

pytestmark = [pytest.mark.e2e, pytest.mark.redis]

FILES = Path(__file__).parent.parent / "import_files"
SENIOR = FILES / "organogram_senior.csv"
JUNIOR = FILES / "organogram_junior.csv"
AS_OF = "2024-03-31"
TOP = {"", "xx", "0"}


def one_line(text: str) -> str:
    return " ".join(text.split())


def senior_posts(recorded: list[dict[str, str]]) -> dict[str, Any]:
    """What the importer reads of each senior post: its details, and (filled?, FTE) per row."""
    posts: dict[str, Any] = {}
    for row in recorded:
        line = row["Reports to Senior Post"]
        details = (
            one_line(row["Grade (or equivalent)"]),
            one_line(row["Job Title"]),
            row["Organisation"],
            row["Unit"],
            None if line.casefold() in TOP else line,
        )
        post = posts.setdefault(row["Post Unique Reference"], {"details": details, "rows": []})
        assert post["details"] == details
        post["rows"].append((row["Name"] != "Vacant", Decimal(row["FTE"])))
    return {ref: (post["details"], sorted(post["rows"])) for ref, post in posts.items()}


def junior_counts(recorded: list[dict[str, str]]) -> dict[tuple[str, ...], Decimal]:
    """FTE of junior posts by organisation, unit, line, grade and title (as the importer keys)."""
    found: dict[tuple[str, ...], Decimal] = {}
    for row in recorded:
        columns = ("Organisation", "Unit", "Reporting Senior Post", "Grade", "Generic Job Title")
        key = tuple(one_line(row[column]).casefold() for column in columns)
        found[key] = found.get(key, Decimal(0)) + Decimal(row["Number of Posts in FTE"])
    return found


def money(cell: str) -> Decimal | None:
    written = cell.replace("£", "").replace(",", "").strip()
    return None if written in {"", "N/A"} else Decimal(written)


def pay_bands(*tables: tuple[list[dict[str, str]], str, str, str]) -> dict[str, Any]:
    """Each grade's lowest floor and highest ceiling over the rows of every table that give them.

    A table is (rows, grade column, floor column, ceiling column).
    """
    found: dict[str, tuple[Decimal, Decimal]] = {}
    for recorded, grade, low, high in tables:
        for row in recorded:
            floor, ceiling = money(row[low]), money(row[high])
            if floor is None or ceiling is None:
                continue
            key = one_line(row[grade]).casefold()
            was = found.get(key, (floor, ceiling))
            found[key] = (min(was[0], floor), max(was[1], ceiling))
    return found


def export(services: dict[str, Any], tenant: str, out: Path, data_dir: Path) -> str:
    done = estab(
        "export", "--tenant", tenant, "--as-of", AS_OF, "--format", "organogram",
        "--out", str(out), "--url", services["establishment"].url,
        "--grading-url", services["grading"].url,
        "--recruitment-url", services["recruitment"].url, "--data-dir", str(data_dir),
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_an_exported_organogram_imported_again_records_nothing(
    establishment_service: Any,
    grading_service: Any,
    recruitment_service: Any,
    tenant: str,
    redis_url: str,
    tmp_path: Path,
) -> None:
    """Organogram round trip: import -> export -> import again records nothing, refuses nothing."""
    services = {
        "establishment": establishment_service,
        "grading": grading_service,
        "recruitment": recruitment_service,
    }
    first = estab_import(services, tenant, AS_OF, [SENIOR, JUNIOR], tmp_path, "--json")
    assert first.returncode == 0, first.stderr
    imported = orjson.loads(first.stdout)
    caught_up(recruitment_service)
    out = tmp_path / "organogram"
    said = export(services, tenant, out, tmp_path)
    assert "organogram_senior.csv, organogram_junior.csv" in said

    lengths = stream_lengths(redis_url, tenant)
    exported = [out / "organogram_senior.csv", out / "organogram_junior.csv"]
    again = estab_import(
        services, tenant, AS_OF, exported, tmp_path, "--format", "organogram", "--json"
    )
    assert again.returncode == 0, again.stderr
    second = orjson.loads(again.stdout)
    assert stream_lengths(redis_url, tenant) == lengths
    assert second["rows_refused"] == []
    for kind in ("grades", "org_units", "posts", "appointments"):
        assert second[f"{kind}_created"] == 0, kind
        assert second["already_recorded"][kind] == imported[f"{kind}_created"], kind

    refused = {(item["file"], item["row"]) for item in imported["rows_refused"]}
    kept = [row for n, row in csv_rows(SENIOR) if (SENIOR.name, n) not in refused]
    written = [row for _, row in csv_rows(exported[0])]
    assert senior_posts(written) == senior_posts(kept)
    assert {row["Name"] for row in written} == {"N/D", "Vacant"}
    text = exported[0].read_text(encoding="utf-8-sig").casefold()
    for _, row in csv_rows(SENIOR):
        if row["Name"] not in {"Vacant", "Eliminated", "N/D"}:
            assert row["Name"].split()[-1].casefold() not in text, "a name was exported"
    juniors = [row for n, row in csv_rows(JUNIOR) if (JUNIOR.name, n) not in refused]
    counted = [row for _, row in csv_rows(exported[1])]
    assert junior_counts(counted) == junior_counts(juniors)
    senior_pay = ("Grade (or equivalent)", "Actual Pay Floor (£)", "Actual Pay Ceiling (£)")
    junior_pay = ("Grade", "Payscale Minimum (£)", "Payscale Maximum (£)")
    filed = pay_bands(
        ([row for _, row in csv_rows(SENIOR)], *senior_pay),
        ([row for _, row in csv_rows(JUNIOR)], *junior_pay),
    )
    shown = pay_bands((written, *senior_pay), (counted, *junior_pay))
    assert shown == {grade: filed[grade] for grade in shown}
