"""`estab import` of a council HR system's posts report (XLSX, banner rows above the header,
org-unit paths, weekly hours, funding splits, postholder references) into the running services."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import openpyxl
import orjson
import pytest
from driving import caught_up, estab_import, get, stream_lengths, tenant_text
from grade_catalogue import record_catalogue
from redis.asyncio import Redis

pytestmark = [pytest.mark.e2e, pytest.mark.redis]

AS_OF = "2024-03-31"

HEADER = (
    "Post Number",
    "Job Title",
    "Grade",
    "Weekly Hours",
    "Full Time Hours",
    "Org Unit Path",
    "Line Manager Post Number",
    "Funding Source",
    "Funding Share",
    "Postholder Reference",
    "Employee Name",
    "Budgeted Annual Cost",
    "Cost Centre",
)
EARLY_HELP = "Children and Families / Early Help"
POSTS: tuple[tuple[object, ...], ...] = (
    ("P1000", "Head of Early Help", "PO6", 37, 37, EARLY_HELP, None, "base", None, "E10001",
     "Harriet Quarrendon", None, "CF100"),
    ("P1001", "Early Help Manager (North)", "PO3", 37, 37, f"{EARLY_HELP} / North", "P1000", None,
     None, "E10002", "Ignatius Peverell", None, "CF101"),
    ("P1002", "Early Help Manager (South)", "PO3", 37, 37, f"{EARLY_HELP} /South ", "P1000", None,
     None, None, None, None, "CF102"),
    ("P1003", "Family Support Worker", "SO1", 30, 37, f"{EARLY_HELP} / North", "P1001",
     "base:0.5; dfe-grant:0.5", None, "E10003", "Philippa Dunmore", None, "CF101"),
    ("P1005", "Family Support Worker (job share)", "SO1", 18.5, 37, f"{EARLY_HELP} / South",
     "P1002", None, None, "E10005", "Cornelius Abernathy", None, "CF102"),
    ("P1005", "Family Support Worker (job share)", "SO1", 18.5, 37, f"{EARLY_HELP} / South",
     "P1002", None, None, "E10006", "Euphemia Stranraer", None, "CF102"),
    ("P1006", "Business Support Officer", "C3", 37, None,
     "Children and Families / Business Support", "P1000", "Public Health Grant", "60%", "E10007",
     "Ptolemy Kittering", "£32,500.00", "CF103"),
    (None,) * len(HEADER),
    ("P1007", "Youth Worker", "Grade 99", 37, 37, f"{EARLY_HELP} / North", "P1001", None, None,
     None, None, None, "CF101"),
    ("P1008", "Youth Support Worker", "C1", 37, 37, f"{EARLY_HELP} / North", "P1007", None, None,
     "E10008", "Rowena Tredinnick", None, "CF101"),
    ("P1009", "Parenting Practitioner", "SO2", 37, 37, f"{EARLY_HELP} / South", "P9999", None,
     None, "E10009", "Lucasta Brimblecombe", None, "CF102"),
    ("P1010", "Senior Practitioner", "SO2", 40, 37, f"{EARLY_HELP} / South", "P1002", None, None,
     None, None, None, "CF102"),
    ("P1011", "Family Support Worker", "SO1", 37, 37, f"{EARLY_HELP} / South", "P1002", None,
     None, "Vacant", None, None, "CF102"),
    ("P1012", "Family Support Worker", "SO1", 37, 37, f"{EARLY_HELP} / North", "P1001", None,
     None, "Octavia Blennerhassett", "Octavia Blennerhassett", None, "CF101"),
)  # fmt: skip
"""The posts report: one row per post (P1005 twice: a job share), with the faults of real ones."""

FIRST_DATA_ROW = 5
"""Two banner rows and a blank one sit above the header (row 4)."""

EXPECTED_REFUSALS = {
    FIRST_DATA_ROW + 8: "unknown-grade: grade 'Grade 99'",
    FIRST_DATA_ROW + 9: "reports to post 'P1007' (council_posts.xlsx row 13), which was refused",
    FIRST_DATA_ROW + 10: "reports to post 'P9999', which is in none of the files",
    FIRST_DATA_ROW + 11: "weekly hours '40' are more than the full-time week of 37",
    FIRST_DATA_ROW + 13: "the postholder reference is not an opaque reference",
}


def workbook(path: Path) -> Path:
    """The posts report as the HR system exports it."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Posts Report"
    sheet.append(["Example Borough Council: establishment posts report"])
    sheet.append([f"Run on {AS_OF} by the HR system"])
    sheet.append([])
    sheet.append(HEADER)
    for row in POSTS:
        sheet.append(list(row))
    book.save(path)
    return path


def recorded(refused: set[int]) -> list[dict[str, Any]]:
    """The rows of the report that are recorded, as dicts by heading."""
    return [
        dict(zip(HEADER, row, strict=True))
        for number, row in enumerate(POSTS, start=FIRST_DATA_ROW)
        if row[0] is not None and number not in refused
    ]


def fte(row: dict[str, Any]) -> Fraction:
    return Fraction(Decimal(str(row["Weekly Hours"]))) / Fraction(row["Full Time Hours"] or 37)


async def test_a_posts_report_workbook_imports_exactly_once_and_keeps_no_name(
    services: dict[str, Any], tenant: str, redis: Redis, redis_url: str, tmp_path: Path
) -> None:
    """Posts, units, lines, funding and holders as in the workbook, refused rows listed, no
    employee name stored or shown, and a second import records nothing."""
    await record_catalogue(redis, tenant)
    report_file = workbook(tmp_path / "council_posts.xlsx")
    done = estab_import(services, tenant, AS_OF, [report_file], tmp_path, "--json")
    assert done.returncode == 0, done.stderr
    report = orjson.loads(done.stdout)
    refused = {item["row"]: item["reason"] for item in report["rows_refused"]}
    assert {item["file"] for item in report["rows_refused"]} == {"council_posts.xlsx"}
    assert refused.keys() == EXPECTED_REFUSALS.keys(), refused
    for number, fragment in EXPECTED_REFUSALS.items():
        assert fragment in refused[number], (number, refused[number])

    rows = recorded(set(refused))
    posts = {row["Post Number"] for row in rows}
    assert report["posts_created"] == len(posts)
    paths = [[part.strip() for part in str(row["Org Unit Path"]).split("/")] for row in rows]
    units = {tuple(path[:depth]) for path in paths for depth in range(1, len(path) + 1)}
    assert report["org_units_created"] == len(units)
    assert report["appointments_created"] == len([r for r in rows if r["Employee Name"]])
    structure = get(services["establishment"], tenant, "/structure", as_of=AS_OF)
    total = sum((fte(row) for row in rows), Fraction(0))
    exact = Decimal(total.numerator) / Decimal(total.denominator)
    assert Decimal(structure["totals"]["fte"]) == exact.quantize(Decimal("0.0001"))
    by_id = {post["post_id"]: post for post in structure["posts"]}
    assert set(by_id) == posts
    for row in rows:
        assert by_id[row["Post Number"]]["reports_to"] == row["Line Manager Post Number"]
    assert by_id["P1002"]["org_unit_id"] == "children-and-families.early-help.south"
    assert {(item["source_id"], item["share"]) for item in by_id["P1003"]["funding"]} == {
        ("base", "0.5"),
        ("dfe-grant", "0.5"),
    }
    assert {(item["source_id"], item["share"]) for item in by_id["P1006"]["funding"]} == {
        ("public-health-grant", "0.6"),
        ("base", "0.4"),
    }
    assert Decimal(by_id["P1006"]["budgeted_annual_cost"]) == Decimal(32500)

    caught_up(services["recruitment"])
    holders = get(services["recruitment"], tenant, "/postholders", as_of=AS_OF)
    assert {(c["post_id"], c["person_ref"]) for c in holders["contracts"]} == {
        (row["Post Number"], row["Postholder Reference"]) for row in rows if row["Employee Name"]
    }
    vacancies = get(services["recruitment"], tenant, "/vacancies", as_of=AS_OF)["vacancies"]
    assert {item["post_id"] for item in vacancies} == {
        row["Post Number"] for row in rows if not row["Employee Name"]
    }
    caught_up(services["finance"])
    ledger = get(services["finance"], tenant, "/ledger", fy=2023, as_of=AS_OF)
    assert not ledger.get("unpriced")

    stored = tenant_text(redis_url, tenant).casefold()
    for name in {str(row[10]) for row in POSTS if row[10]}:
        assert name.casefold() not in stored, name
        assert name.split()[-1].casefold() not in done.stdout.casefold() + done.stderr.casefold()

    lengths = stream_lengths(redis_url, tenant)
    again = estab_import(services, tenant, AS_OF, [report_file], tmp_path)
    assert again.returncode == 0, again.stderr
    assert "created: 0 grades, 0 org units, 0 posts, 0 appointments" in again.stdout
    assert f"already recorded: 0 grades, {len(units)} org units, {len(posts)} posts" in again.stdout
    assert f"{len(EXPECTED_REFUSALS)} row(s) refused" in again.stdout
    assert stream_lengths(redis_url, tenant) == lengths
