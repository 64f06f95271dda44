"""An HR system's posts report (CSV or XLSX) as posts, holders and refused rows (pure)."""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from importing.catalogue import KnownGrade
from importing.files import ImportFileError, ImportFormat, read_import
from importing.mapping import ColumnMapping, MappingError, parse_mapping, read_mapping
from importing.plan import Kind, Plan
from importing.planner import NAMED, plan_import

AS_OF = date(2024, 3, 31)
HEADER = (
    "Post Number",
    "Job Title",
    "Grade",
    "FTE",
    "Weekly Hours",
    "Org Unit Path",
    "Reports To",
    "Funding Source",
    "Funding Share",
    "Employee Reference",
    "Employee Name",
    "Budgeted Annual Cost",
)
CATALOGUE = {
    key: KnownGrade(key.upper(), None, None, banded=False) for key in ("po6", "so1", "c3", "po3")
}


def post(number: str, **fields: str) -> dict[str, str]:
    row = dict.fromkeys(HEADER, "")
    row |= {
        "Post Number": number,
        "Job Title": f"Officer {number}",
        "Grade": "SO1",
        "FTE": "1",
        "Org Unit Path": "Children and Families / Early Help / North",
    }
    return row | fields


def write(path: Path, rows: list[dict[str, str]], header: tuple[str, ...] = HEADER) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(header))
        writer.writeheader()
        writer.writerows(rows)
    return path


def plan(tmp_path: Path, rows: list[dict[str, str]], mapping: ColumnMapping | None = None) -> Plan:
    reading = read_import(
        [write(tmp_path / "posts.csv", rows)], ImportFormat.CSV, mapping or ColumnMapping()
    )
    return plan_import(reading, tenant="t", as_of=AS_OF, catalogue=CATALOGUE)


def messages(found: Plan, kind: Kind) -> list[dict[str, Any]]:
    return [step.message for step in found.steps if step.kind is kind]


def reasons(found: Plan) -> dict[int, str]:
    return {item.source.row: item.reason for item in found.refused}


def test_weekly_hours_become_an_exact_fraction_of_the_full_time_week(tmp_path: Path) -> None:
    """30 hours: FTE 30/37 on the wire; an FTE column wins where given; the default is noted."""
    found = plan(
        tmp_path,
        [
            post("P1", FTE="", **{"Weekly Hours": "30"}),
            post("P2", FTE="0.5", **{"Weekly Hours": "37"}),
        ],
    )
    assert [item["fte"] for item in messages(found, Kind.POST)] == ["30/37", "0.5"]
    assert any("37-hour full-time week" in note for note in found.notes)
    six = plan(
        tmp_path,
        [post("P1", FTE="", **{"Weekly Hours": "30"})],
        parse_mapping({"full_time_hours": 36}),
    )
    assert messages(six, Kind.POST)[0]["fte"] == "5/6"


def test_org_units_are_made_from_the_paths_parents_first(tmp_path: Path) -> None:
    """Each level of a path is a unit under the one above, named by its last segment."""
    found = plan(
        tmp_path,
        [post("P1"), post("P2", **{"Org Unit Path": "Children and Families/Early Help/ South "})],
    )
    units = messages(found, Kind.ORG_UNIT)
    assert [(u["org_unit_id"], u["name"], u.get("parent_id")) for u in units] == [
        ("children-and-families", "Children and Families", None),
        ("children-and-families.early-help", "Early Help", "children-and-families"),
        ("children-and-families.early-help.north", "North", "children-and-families.early-help"),
        ("children-and-families.early-help.south", "South", "children-and-families.early-help"),
    ]
    assert messages(found, Kind.POST)[1]["org_unit_id"] == "children-and-families.early-help.south"


def test_funding_splits_are_read_from_one_cell_or_a_source_and_a_share(tmp_path: Path) -> None:
    """`base:0.5; dfe-grant:0.5`; a source with a 60% share leaves 40% on the base budget."""
    found = plan(
        tmp_path,
        [
            post("P1", **{"Funding Source": "base:0.5; dfe-grant:0.5"}),
            post("P2", **{"Funding Source": "Public Health Grant", "Funding Share": "60%"}),
            post("P3", **{"Funding Source": "Base Budget"}),
            post("P4", **{"Funding Source": "base:0.5; dfe-grant:0.3"}),
        ],
    )
    first, second, third = messages(found, Kind.POST)
    assert first["funding"] == [
        {"source_id": "base", "share": "0.5"},
        {"source_id": "dfe-grant", "share": "0.5"},
    ]
    assert second["funding"] == [
        {"source_id": "public-health-grant", "share": "0.6"},
        {"source_id": "base", "share": "0.4"},
    ]
    assert "funding" not in third
    assert (
        "funding source 'Public Health Grant' is recorded as 'public-health-grant'" in found.notes
    )
    assert reasons(found) == {5: "funding shares add up to 0.8, not 1"}


def test_postholder_references_are_appointments_and_a_name_there_is_refused(
    tmp_path: Path,
) -> None:
    """An opaque reference is appointed; blank or `Vacant` is a vacancy; a name is refused
    without being repeated."""
    found = plan(
        tmp_path,
        [
            post("P1", **{"Employee Reference": "E10001", "Employee Name": "Harriet Quarrendon"}),
            post("P2", **{"Employee Reference": "Vacant"}),
            post("P3", **{"Employee Reference": "Octavia Blennerhassett"}),
            post("P4", **{"Job Title": "Assistant to Harriet Quarrendon"}),
        ],
    )
    assert [(a["post_id"], a["person_ref"]) for a in messages(found, Kind.APPOINTMENT)] == [
        ("P1", "E10001")
    ]
    assert reasons(found) == {
        4: "the postholder reference is not an opaque reference (letters, digits and ._:-, at "
        "most 64 characters): the row is not imported",
        5: NAMED,
    }
    text = repr([step.message for step in found.steps]) + repr(found.refused) + repr(found.notes)
    assert "Octavia" not in text
    assert "Quarrendon" not in text


def test_repeated_post_numbers_with_the_same_details_are_a_job_share(tmp_path: Path) -> None:
    """Two 0.5 rows of P1 are one 1.0 post with two holders; a different P1 row is refused."""
    found = plan(
        tmp_path,
        [
            post("P1", FTE="0.5", **{"Employee Reference": "E1"}),
            post("P1", FTE="0.5", **{"Employee Reference": "E2"}),
            post("P1", FTE="0.5", Grade="PO6", **{"Employee Reference": "E3"}),
        ],
    )
    assert [item["fte"] for item in messages(found, Kind.POST)] == ["1"]
    assert [a["person_ref"] for a in messages(found, Kind.APPOINTMENT)] == ["E1", "E2"]
    assert "is already on posts.csv row 2 with a different" in reasons(found)[4]


def test_rows_missing_what_a_post_needs_are_refused_naming_it(tmp_path: Path) -> None:
    """No post number, title, grade or path; hours beyond full time: each refused, with why."""
    found = plan(
        tmp_path,
        [
            post(""),
            post("P2", **{"Job Title": ""}),
            post("P3", Grade=""),
            post("P4", **{"Org Unit Path": " / "}),
            post("P5", FTE="N/A"),
            post("P6", **{"Budgeted Annual Cost": "£32,500.00"}),
        ],
    )
    assert reasons(found) == {
        2: "no post number",
        3: "post 'P2' has no job title",
        4: "post 'P3' has no grade",
        5: "post 'P4' has no org unit path",
        6: "neither FTE nor weekly hours is given",
    }
    assert messages(found, Kind.POST)[0]["budgeted_annual_cost"] == "32500.00"


def test_grades_must_be_in_the_catalogue(tmp_path: Path) -> None:
    """A grade the tenant's catalogue lacks is `unknown-grade`; `Dir X%` is establishment's call."""
    found = plan(tmp_path, [post("P1", Grade="Grade 99"), post("P2", Grade="dir 52.5")])
    assert reasons(found) == {
        2: "unknown-grade: grade 'Grade 99' is not in the tenant's catalogue on 2024-03-31"
    }
    assert messages(found, Kind.POST)[0]["grade"] == "Dir 52.5%"
    assert messages(found, Kind.GRADE) == []


def test_a_mapping_reads_an_unusual_workbook(tmp_path: Path) -> None:
    """Headings, sheet, full-time week and path separator all come from --mapping."""
    book = openpyxl.Workbook()
    cover = book.active
    assert cover is not None
    cover.append(["Cover sheet"])
    sheet = book.create_sheet("Establishment")
    sheet.append(
        ["Position Code", "Role", "Band", "Hrs", "Hierarchy", "Manager Position", "Emp No"]
    )
    sheet.append(["X1", "Team Leader", "PO3", 36, "Adults > Care", None, "E9"])
    sheet.append(["X2", "Care Worker", "C3", 18, "Adults > Care > Day Services", "X1", None])
    path = tmp_path / "export.xlsx"
    book.save(path)
    mapping_file = tmp_path / "map.yaml"
    mapping_file.write_text(
        "columns:\n  post_id: Position Code\n  title: Role\n  grade: Band\n  weekly_hours: Hrs\n"
        "  org_unit_path: Hierarchy\n  reports_to: Manager Position\n  person_ref: Emp No\n"
        "full_time_hours: 36\nsheet: Establishment\nunit_separator: '>'\n"
    )
    reading = read_import([path], ImportFormat.AUTO, read_mapping(mapping_file))
    found = plan_import(reading, tenant="t", as_of=AS_OF, catalogue=CATALOGUE)
    posts = messages(found, Kind.POST)
    assert [(p["post_id"], p["fte"], p["org_unit_id"]) for p in posts] == [
        ("X1", "1", "adults.care"),
        ("X2", "0.5", "adults.care.day-services"),
    ]
    assert posts[1]["reports_to"] == "X1"
    assert [a["person_ref"] for a in messages(found, Kind.APPOINTMENT)] == ["E9"]


def test_a_bad_mapping_is_refused_before_anything_is_read(tmp_path: Path) -> None:
    """Unknown fields or options, and headings the file lacks, are errors (exit 2 in the CLI)."""
    with pytest.raises(MappingError, match="unknown fields"):
        parse_mapping({"columns": {"postholder_name": "Name"}})
    with pytest.raises(MappingError, match="unknown options"):
        parse_mapping({"columns": {}, "tab": "Posts"})
    path = write(tmp_path / "posts.csv", [post("P1")])
    with pytest.raises(ImportFileError, match="no row has the mapping's headings Position"):
        read_import([path], ImportFormat.CSV, parse_mapping({"columns": {"post_id": "Position"}}))


def test_budgeted_costs_are_money(tmp_path: Path) -> None:
    """A cost in £ with separators is sent in pounds and pence; words are refused."""
    found = plan(
        tmp_path,
        [
            post("P1", **{"Budgeted Annual Cost": "1,234.5"}),
            post("P2", **{"Budgeted Annual Cost": "tbc"}),
        ],
    )
    assert Decimal(messages(found, Kind.POST)[0]["budgeted_annual_cost"]) == Decimal("1234.5")
    assert reasons(found) == {3: "budgeted annual cost 'tbc' is not a number"}
