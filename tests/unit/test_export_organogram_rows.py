"""The organogram pair made from the services' answers, and read back by the importer (pure)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson

from exporting.organogram_files import organogram, write_organogram
from exporting.organogram_posts import pounds
from importing.files import ImportFormat, read_import
from importing.headings import JUNIOR_HEADINGS, SENIOR_HEADINGS
from importing.mapping import ColumnMapping
from importing.organogram_senior import holder_ref
from importing.planner import plan_import

AS_OF = date(2024, 3, 31)
FILES = Path(__file__).parent.parent / "import_files"
SAMPLE = [FILES / "organogram_senior.csv", FILES / "organogram_junior.csv"]
SENIOR = {heading: index for index, heading in enumerate(SENIOR_HEADINGS)}
JUNIOR = {heading: index for index, heading in enumerate(JUNIOR_HEADINGS)}


def four(text: str) -> str:
    return format(Decimal(text).quantize(Decimal("0.0001")), "f")


def pennies(text: str) -> str:
    return format(Decimal(text).quantize(Decimal("0.01")), "f")


def planned(paths: list[Path]) -> list[dict[str, Any]]:
    """The commands `estab import` would send for the files, into tenant `t`, grades unknown."""
    reading = read_import(paths, ImportFormat.ORGANOGRAM, ColumnMapping())
    plan = plan_import(reading, tenant="t", as_of=AS_OF, catalogue={})
    return [step.message for step in plan.steps]


Answer = dict[str, Any]


def answers(messages: list[dict[str, Any]]) -> tuple[Answer, Answer, Answer, Answer]:
    """What the four services answer once they have recorded `messages`, as the API shows it."""
    by_type: dict[str, list[dict[str, Any]]] = {}
    for message in messages:
        by_type.setdefault(message["type"], []).append(message)
    posts = [
        {**{key: m[key] for key in ("post_id", "title", "grade", "org_unit_id")},
         "fte": four(m["fte"]), "reports_to": m.get("reports_to")}
        for m in by_type["CreatePost"]
    ]  # fmt: skip
    units = [
        {"org_unit_id": m["org_unit_id"], "name": m["name"], "parent_id": m.get("parent_id")}
        for m in by_type["CreateOrgUnit"]
    ]
    grades = [
        {"grade": m["grade"], "salary_max": pennies(m["salary_max"]),
         "salary_min": pennies(m.get("salary_min", m["salary_max"]))}
        for m in by_type["DefineGrade"]
    ]  # fmt: skip
    contracts = [
        {"post_id": m["post_id"], "person_ref": m["person_ref"], "fte": four(m["fte"])}
        for m in by_type["AppointPostholder"]
    ]
    return {"posts": posts}, {"org_units": units}, {"grades": grades}, {"contracts": contracts}


def canonical(messages: list[dict[str, Any]]) -> set[bytes]:
    return {orjson.dumps(message, option=orjson.OPT_SORT_KEYS) for message in messages}


def test_the_sample_pair_exported_and_read_back_plans_exactly_the_commands_it_came_from(
    tmp_path: Path,
) -> None:
    """Read back, the pair plans exactly the first import's commands, field for field."""
    first = planned(SAMPLE)
    written = write_organogram(organogram(*answers(first)), tmp_path)
    assert [path.name for path in written] == [path.name for path in SAMPLE]
    assert canonical(planned(written)) == canonical(first)


def test_like_junior_posts_are_counted_in_rows_that_split_back_into_the_same_posts() -> None:
    """12 posts of 1 FTE, one of 0.25, one of 1 and one of 0.5 are the rows 12.25 and 1.5."""
    pair = organogram(*answers(planned(SAMPLE)))
    survey = [row for row in pair.junior if row[JUNIOR["Generic Job Title"]] == "Survey Officer"]
    assert [row[JUNIOR["Number of Posts in FTE"]] for row in survey] == ["12.25", "1.5"]
    assert {row[JUNIOR["Reporting Senior Post"]] for row in survey} == {"OFS-005"}


def structure(*posts: dict[str, Any]) -> tuple[Answer, Answer, Answer]:
    units = [
        {"org_unit_id": "ofs", "name": "OFS", "parent_id": None},
        {"org_unit_id": "ofs.policy", "name": "Policy", "parent_id": "ofs"},
    ]
    grades = [{"grade": "SCS1", "salary_min": "70000.00", "salary_max": "74999.50"}]
    return {"posts": list(posts)}, {"org_units": units}, {"grades": grades}


def post(post_id: str, fte: str = "1.0000", **fields: Any) -> dict[str, Any]:
    return {
        "post_id": post_id, "title": "Head of Policy", "grade": "SCS1", "fte": fte,
        "org_unit_id": "ofs.policy", "reports_to": None, **fields,
    }  # fmt: skip


def test_a_post_s_rows_are_its_holders_in_number_then_the_vacant_rest() -> None:
    """Holders `N/D` in number order (h2 before h10), then `Vacant` for the FTE nobody holds."""
    share = [
        {"post_id": "ofs.P1", "person_ref": holder_ref("ofs.P1", n), "fte": "0.0500"}
        for n in range(10, 0, -1)
    ]
    share[0]["fte"] = "0.1000"  # h10
    answers_ = structure(post("ofs.P1"), post("ofs.P2", "0.6000", reports_to="ofs.P1"))
    pair = organogram(*answers_, {"contracts": share})
    names = [(row[SENIOR["Name"]], row[SENIOR["FTE"]]) for row in pair.senior]
    assert names == [*[("N/D", "0.05")] * 9, ("N/D", "0.1"), ("Vacant", "0.45"), ("Vacant", "0.6")]
    assert {row[SENIOR["Reports to Senior Post"]] for row in pair.senior[:-1]} == {"XX"}
    assert pair.senior[-1][SENIOR["Reports to Senior Post"]] == "P1"
    assert pair.junior == []


def test_ids_the_importer_did_not_make_keep_the_whole_id_as_their_reference() -> None:
    """Under the organisation's prefix the reference is the rest of the id; otherwise the id."""
    answers_ = structure(post("ofs.P1"), post("legacy-7", org_unit_id="ofs"))
    pair = organogram(*answers_, {"contracts": []})
    cells = [
        (row[SENIOR["Post Unique Reference"]], row[SENIOR["Organisation"]], row[SENIOR["Unit"]])
        for row in pair.senior
    ]
    assert cells == [("P1", "OFS", "Policy"), ("legacy-7", "OFS", "OFS")]


def test_pay_is_whole_pounds_where_it_is_and_pence_where_it_is_not() -> None:
    """`70000.00` is written `70000` (as files write it); `74999.50` keeps its pence."""
    assert pounds("70000.00") == "70000"
    assert pounds("74999.50") == "74999.50"
    assert pounds(None) == ""
    pair = organogram(*structure(post("ofs.P1")), {"contracts": []})
    band = pair.senior[0][SENIOR["Actual Pay Floor (£)"] : SENIOR["Actual Pay Ceiling (£)"] + 1]
    assert band == ["70000", "74999.50"]
