"""Organogram senior and junior staff files as posts, holders, grades and refused rows (pure)."""

from __future__ import annotations

import csv
import json
from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from importing.catalogue import KnownGrade
from importing.files import ImportFormat, read_import
from importing.headings import JUNIOR_HEADINGS, SENIOR_HEADINGS
from importing.identities import organisation_prefix, post_id
from importing.mapping import ColumnMapping
from importing.organogram_junior import split_fte
from importing.plan import Kind, Plan
from importing.planner import NAMED, plan_import

ORG = "Office for Fictional Statistics"
AS_OF = date(2024, 3, 31)
FILES = Path(__file__).parent.parent / "import_files"


def senior(reference: str, name: str = "Vacant", **fields: str) -> dict[str, str]:
    row = {
        "Post Unique Reference": reference,
        "Name": name,
        "Grade (or equivalent)": "SCS1",
        "Job Title": f"Head of {reference}",
        "Job/Team Function": "Policy",
        "Parent Department": "Department for Examples",
        "Organisation": ORG,
        "Unit": "Policy",
        "Contact Phone": "0300 000 0000",
        "Contact E-mail": "team@example.gov.uk",
        "Reports to Senior Post": "XX",
        "Salary Cost of Reports (£)": "0",
        "FTE": "1",
        "Actual Pay Floor (£)": "£70,000",
        "Actual Pay Ceiling (£)": "£74,999",
        "Professional/Occupational Group": "Policy",
        "Notes": "",
        "Valid?": "",
    }
    return row | fields


def junior(reporting: str, posts: str, **fields: str) -> dict[str, str]:
    row = {
        "Parent Department": "Department for Examples",
        "Organisation": ORG,
        "Unit": "Policy",
        "Reporting Senior Post": reporting,
        "Grade": "HEO",
        "Payscale Minimum (£)": "£32,000",
        "Payscale Maximum (£)": "£37,500",
        "Generic Job Title": "Policy Adviser",
        "Number of Posts in FTE": posts,
        "Professional/Occupational Group": "Policy",
    }
    return row | fields


def write(path: Path, headings: tuple[str, ...], rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(headings))
        writer.writeheader()
        writer.writerows(rows)
    return path


def plan(
    tmp_path: Path,
    seniors: list[dict[str, str]],
    juniors: list[dict[str, str]] | None = None,
    catalogue: dict[str, KnownGrade] | None = None,
) -> Plan:
    files = [write(tmp_path / "senior.csv", SENIOR_HEADINGS, seniors)]
    if juniors is not None:
        files.append(write(tmp_path / "junior.csv", JUNIOR_HEADINGS, juniors))
    reading = read_import(files, ImportFormat.AUTO, ColumnMapping())
    return plan_import(reading, tenant="t", as_of=AS_OF, catalogue=catalogue or {})


def steps(found: Plan, kind: Kind) -> list[dict[str, Any]]:
    return [step.message for step in found.steps if step.kind is kind]


def refused(found: Plan) -> dict[tuple[str, int], str]:
    return {(item.source.file, item.source.row): item.reason for item in found.refused}


def pid(reference: str) -> str:
    return post_id(organisation_prefix(ORG), reference)


def test_vacant_posts_have_no_holder_and_filled_ones_an_opaque_reference(tmp_path: Path) -> None:
    """`Vacant`: no appointment; a name or `N/D`: a holder whose reference comes from the post."""
    found = plan(
        tmp_path,
        [
            senior("A1", "Imogen Thistlewood"),
            senior("A2", "Vacant", **{"Reports to Senior Post": "A1"}),
            senior("A3", "N/D", **{"Reports to Senior Post": "A1"}),
        ],
    )
    assert [post["post_id"] for post in steps(found, Kind.POST)] == [
        pid("A1"),
        pid("A2"),
        pid("A3"),
    ]
    appointed = steps(found, Kind.APPOINTMENT)
    assert [(item["post_id"], item["person_ref"]) for item in appointed] == [
        (pid("A1"), f"{pid('A1').replace('.', ':')}:h1"),
        (pid("A3"), f"{pid('A3').replace('.', ':')}:h1"),
    ]
    assert all(
        item["existing"] is True and item["start_date"] == "2024-03-31" for item in appointed
    )
    assert all(item["fte"] == "1" for item in appointed)


def test_eliminated_and_reference_zero_rows_are_refused_and_their_reports_with_them(
    tmp_path: Path,
) -> None:
    """An Eliminated post is not created; a post reporting to it is refused naming its row."""
    found = plan(
        tmp_path,
        [
            senior("A1"),
            senior("A2", "Eliminated", **{"Reports to Senior Post": "A1"}),
            senior("0", "Gwendolyn Applegarth", Organisation="N/A"),
            senior("A3", **{"Reports to Senior Post": "A2"}),
        ],
    )
    assert refused(found) == {
        ("senior.csv", 3): "post 'A2' is Eliminated: it no longer exists, so it is not created",
        ("senior.csv", 4): "Post Unique Reference 0: an individual not in a post is not imported",
        ("senior.csv", 5): "reports to post 'A2' (senior.csv row 3), which was refused",
    }
    assert [post["post_id"] for post in steps(found, Kind.POST)] == [pid("A1")]


@pytest.mark.parametrize("top", ["XX", "xx", "0", ""])
def test_xx_zero_or_blank_is_the_top_of_the_structure(tmp_path: Path, top: str) -> None:
    """The most senior post reports to nobody."""
    found = plan(tmp_path, [senior("A1", **{"Reports to Senior Post": top})])
    assert "reports_to" not in steps(found, Kind.POST)[0]


def test_a_line_to_no_senior_post_is_refused_naming_the_reference(tmp_path: Path) -> None:
    """A typo in `Reports to Senior Post` refuses that row, and says which reference is missing."""
    found = plan(tmp_path, [senior("A1"), senior("A2", **{"Reports to Senior Post": "A9"})])
    assert refused(found) == {
        ("senior.csv", 3): "reports to post 'A9', which is in none of the files"
    }


def test_a_job_share_is_one_post_with_a_holder_per_row(tmp_path: Path) -> None:
    """Rows differing only in name, contact and notes: FTE summed, one holder each."""
    found = plan(
        tmp_path,
        [
            senior("A1", "Rosalind Pembury", FTE="0.5", Notes="job share"),
            senior("A1", "Tobias Wrenfield", FTE="0.3", **{"Contact E-mail": "t@x.gov.uk"}),
            senior("A1", "Vacant", FTE="0.2"),
        ],
    )
    [post] = steps(found, Kind.POST)
    assert post["fte"] == "1"
    assert [(a["person_ref"], a["fte"]) for a in steps(found, Kind.APPOINTMENT)] == [
        (f"{pid('A1').replace('.', ':')}:h1", "0.5"),
        (f"{pid('A1').replace('.', ':')}:h2", "0.3"),
    ]
    assert found.refused == ()


def test_rows_of_one_reference_with_different_posts_are_not_a_job_share(tmp_path: Path) -> None:
    """A second row with another grade or title is refused; so is a share above 1 FTE."""
    found = plan(
        tmp_path,
        [
            senior("A1", "Rosalind Pembury", FTE="0.6"),
            senior("A1", "Tobias Wrenfield", FTE="0.4", **{"Job Title": "Something Else"}),
            senior("A1", "Tobias Wrenfield", FTE="0.6"),
        ],
    )
    reasons = refused(found)
    assert "not a job share" in reasons["senior.csv", 3]
    assert "its FTE would be 1.2, above 1" in reasons["senior.csv", 4]
    assert steps(found, Kind.POST)[0]["fte"] == "0.6"


@given(st.decimals(min_value=Decimal("0.01"), max_value=Decimal(60), places=2))
def test_junior_fte_splits_into_whole_posts_and_one_remainder_exactly(total: Decimal) -> None:
    """floor(N) posts of 1.0 and one of the rest; their sum is N exactly."""
    parts = split_fte(Fraction(total))
    assert sum(parts, Fraction(0)) == Fraction(total)
    assert all(0 < part <= 1 for part in parts)
    assert parts.count(Fraction(1)) >= len(parts) - 1


def test_junior_rows_become_vacant_posts_reporting_to_their_senior_post(tmp_path: Path) -> None:
    """3.5 FTE of advisers are 4 vacant posts (1, 1, 1, 0.5) titled and lined as the row says."""
    found = plan(tmp_path, [senior("A1")], [junior("A1", "3.5")])
    posts = steps(found, Kind.POST)[1:]
    assert [post["fte"] for post in posts] == ["1", "1", "1", "0.5"]
    assert {post["reports_to"] for post in posts} == {pid("A1")}
    assert {post["title"] for post in posts} == {"Policy Adviser"}
    assert len({post["post_id"] for post in posts}) == 4
    assert steps(found, Kind.APPOINTMENT) == []


def test_junior_post_ids_come_from_content_and_occurrence_not_row_numbers(tmp_path: Path) -> None:
    """Identical rows continue the numbering; an unrelated row above changes no id."""
    rows = [junior("A1", "2"), junior("A1", "1.5")]
    first = plan(tmp_path, [senior("A1")], rows)
    shifted = plan(tmp_path, [senior("A1")], [junior("A1", "1", Grade="EO"), *rows])
    ids = [post["post_id"] for post in steps(first, Kind.POST)[1:]]
    assert len(set(ids)) == 4
    assert [p["post_id"] for p in steps(shifted, Kind.POST)[2:]] == ids
    commands = {step.key: step.command_id for step in first.steps}
    assert all(
        commands[step.key] == step.command_id for step in shifted.steps if step.key in commands
    )


def test_junior_rows_without_posts_or_senior_post_are_refused(tmp_path: Path) -> None:
    """N/D and 0 posts are refused; so is a row reporting to no senior post of the files."""
    found = plan(
        tmp_path,
        [senior("A1")],
        [junior("A1", "N/D"), junior("A1", "0"), junior("A7", "2"), junior("A1", "1")],
    )
    assert refused(found) == {
        ("junior.csv", 2): "Number of Posts in FTE is not disclosed (N/D): no posts can be created",
        ("junior.csv", 3): "Number of Posts in FTE is 0: no posts to create",
        ("junior.csv", 4): "reports to post 'A7', which is in none of the files",
    }


def test_a_junior_row_may_report_to_another_organisations_senior_post(tmp_path: Path) -> None:
    """A reference found only in the one other organisation of the import is resolved there."""
    found = plan(
        tmp_path, [senior("A1")], [junior("A1", "1", Organisation="Fictional Data Agency")]
    )
    assert steps(found, Kind.POST)[1]["reports_to"] == pid("A1")
    assert steps(found, Kind.POST)[1]["post_id"].startswith("fictional-data-agency.")


def test_pay_bands_become_grades_widened_where_rows_disagree(tmp_path: Path) -> None:
    """One DefineGrade per grade, lowest floor to highest ceiling, with a note when widened."""
    found = plan(
        tmp_path,
        [
            senior("A1", **{"Actual Pay Floor (£)": "£80,000", "Actual Pay Ceiling (£)": "84,999"}),
            senior("A2", **{"Reports to Senior Post": "A1"}),
            senior("A3", **{"Reports to Senior Post": "A1", "Actual Pay Floor (£)": "N/A"}),
        ],
        [junior("A1", "1", Grade="Grade 7 - Administration", **{"Payscale Minimum (£)": "0"})],
    )
    grades = {item["grade"]: item for item in steps(found, Kind.GRADE)}
    assert grades["SCS1"]["salary_min"] == "70000"
    assert grades["SCS1"]["salary_max"] == "84999"
    assert grades["Grade 7 - Administration"]["salary_max"] == "37500"
    assert "salary_min" not in grades["Grade 7 - Administration"]
    assert any("grade 'SCS1': rows give 3 different pay ranges" in note for note in found.notes)
    assert all(item["effective_date"] == "2024-03-31" for item in grades.values())
    assert found.steps[0].kind is Kind.GRADE


def test_a_grade_with_no_usable_band_needs_the_catalogue(tmp_path: Path) -> None:
    """N/A pay and a grade the catalogue lacks: refused; one the catalogue has is kept as it is."""
    rows = [
        senior("A1", **{"Grade (or equivalent)": "OF-6", "Actual Pay Ceiling (£)": "N/A"}),
        senior("A2", **{"Reports to Senior Post": "A1"}),
    ]
    without = plan(tmp_path, rows)
    assert refused(without) == {
        ("senior.csv", 2): "unknown-grade: grade 'OF-6' is not in the tenant's catalogue on "
        "2024-03-31 and no row of the files gives it a usable pay band",
        ("senior.csv", 3): "reports to post 'A1' (senior.csv row 2), which was refused",
    }
    spine = {"scs1": KnownGrade("SCS1", Decimal(1), Decimal(2), banded=False)}
    spine["of-6"] = KnownGrade("OF-6", None, None, banded=False)
    kept = plan(tmp_path, rows, catalogue=spine)
    assert kept.refused == ()
    assert steps(kept, Kind.GRADE) == []
    assert any("'SCS1' is in the catalogue already" in note for note in kept.notes)


def test_no_name_from_the_files_reaches_the_plan(tmp_path: Path) -> None:
    """Names are in no id, title, command, reason or note; a title holding one is refused."""
    found = plan(
        tmp_path,
        [
            senior("A1", "Imogen Thistlewood"),
            senior("A2", "Barnaby Quenby", **{"Reports to Senior Post": "A1"}),
            senior(
                "A3", **{"Reports to Senior Post": "A1", "Job Title": "PA to Imogen Thistlewood"}
            ),
            senior(
                "A4", "Ottoline Marchbank", **{"Grade (or equivalent)": "Grade (Barnaby Quenby)"}
            ),
        ],
    )
    assert refused(found)["senior.csv", 4] == NAMED
    assert "[name withheld]" in refused(found)["senior.csv", 5]
    everything = json.dumps(
        [[step.message for step in found.steps], [r.reason for r in found.refused], found.notes]
    ).casefold()
    for name in ("Imogen Thistlewood", "Thistlewood", "Barnaby Quenby", "Ottoline", "Marchbank"):
        assert name.casefold() not in everything
    assert "hidden" in repr(found.private)


def test_the_bundled_organogram_pair_plans_with_every_quirk_handled() -> None:
    """BOM, index column, line breaks, blank rows, £ figures, N/D, job share: as the e2e test."""
    reading = read_import(
        [FILES / "organogram_senior.csv", FILES / "organogram_junior.csv"],
        ImportFormat.ORGANOGRAM,
        ColumnMapping(),
    )
    found = plan_import(reading, tenant="t", as_of=AS_OF, catalogue={})
    titles = {post["title"] for post in steps(found, Kind.POST)}
    assert "Head of Data Quality" in titles
    assert "Quality Assurance Officer" in titles
    refused_rows = {(item.source.file, item.source.row) for item in found.refused}
    filed = Fraction(0)
    counted = (
        ("organogram_senior.csv", "FTE"),
        ("organogram_junior.csv", "Number of Posts in FTE"),
    )
    for name, column in counted:
        with (FILES / name).open(encoding="utf-8-sig", newline="") as handle:
            header, *records = list(csv.reader(handle))
        at = header.index(column)
        for number, record in enumerate(records, start=2):
            if any(record) and (name, number) not in refused_rows:
                filed += Fraction(Decimal(record[at]))
    total = sum((Fraction(Decimal(p["fte"])) for p in steps(found, Kind.POST)), Fraction(0))
    assert total == filed
