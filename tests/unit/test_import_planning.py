"""Planning an import: command order, dependency refusals, circles, stable ids (pure)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from fractions import Fraction
from typing import Any

from importing.catalogue import KnownGrade, known_grades
from importing.model import Holder, Manager, PostLine, PrivateNames, Reading, Source
from importing.plan import Kind, Plan
from importing.planner import plan_import

AS_OF = date(2024, 3, 31)
CATALOGUE = {"so1": KnownGrade("SO1", None, None, banded=False)}


def line(
    post: str,
    row: int,
    manager: str | None = None,
    path: tuple[str, ...] = ("A", "B"),
    **changes: Any,
) -> PostLine:
    base = PostLine(
        post_id=post,
        reference=post,
        sources=(Source("f.csv", row),),
        title=f"Officer {post}",
        grade="SO1",
        fte=Fraction(1),
        unit_path=path,
        manager=None if manager is None else Manager(manager, manager),
    )
    return replace(base, **changes)


def plan(*lines: PostLine, tenant: str = "t", **reading: Any) -> Plan:
    found = replace(Reading(posts=lines), **reading)
    return plan_import(found, tenant=tenant, as_of=AS_OF, catalogue=CATALOGUE)


def keys(found: Plan, kind: Kind) -> list[str]:
    return [step.key for step in found.steps if step.kind is kind]


def reasons(found: Plan) -> dict[int, str]:
    return {item.source.row: item.reason for item in found.refused}


def test_commands_go_grades_units_posts_appointments_managers_first() -> None:
    """Whatever the file order, a post is sent after its unit and its line manager."""
    holder = Holder("E1", Fraction(1), Source("f.csv", 2))
    found = plan(line("C", 2, "B", holders=(holder,)), line("B", 3, "A"), line("A", 4, path=("A",)))
    assert [step.kind for step in found.steps] == [
        Kind.ORG_UNIT,
        Kind.ORG_UNIT,
        Kind.POST,
        Kind.POST,
        Kind.POST,
        Kind.APPOINTMENT,
    ]
    assert keys(found, Kind.ORG_UNIT) == ["org-unit:a", "org-unit:a.b"]
    assert keys(found, Kind.POST) == ["post:A", "post:B", "post:C"]
    post_c = next(step for step in found.steps if step.key == "post:C")
    assert [need.key for need in post_c.needs] == ["org-unit:a.b", "post:B"]
    assert post_c.needs[1].phrase == "it reports to post 'B' (f.csv row 3)"


def test_a_refusal_takes_everything_below_it_each_naming_its_own_line_manager() -> None:
    """A refused post refuses its reports, theirs in turn, each naming the row above it."""
    found = plan(line("A", 2, grade="Grade 99"), line("B", 3, "A"), line("C", 4, "B"), line("D", 5))
    assert reasons(found) == {
        2: "unknown-grade: grade 'Grade 99' is not in the tenant's catalogue on 2024-03-31",
        3: "reports to post 'A' (f.csv row 2), which was refused",
        4: "reports to post 'B' (f.csv row 3), which was refused",
    }
    assert keys(found, Kind.POST) == ["post:D"]


def test_a_reporting_circle_is_refused_and_so_is_what_hangs_from_it() -> None:
    """A reports to B reports to A: both refused naming the circle; a report of theirs too."""
    found = plan(line("A", 2, "B"), line("B", 3, "A"), line("C", 4, "A"), line("S", 5, "S"))
    assert (
        reasons(found)[2] == reasons(found)[3] == "reporting-line circle: 'A' -> 'B' -> back again"
    )
    assert reasons(found)[4] == "reports to post 'A' (f.csv row 2), which was refused"
    assert reasons(found)[5] == "reporting-line circle: 'S' -> back again"
    assert found.steps == ()


def test_a_long_line_of_management_plans_without_recursion() -> None:
    """5,000 levels deep (a chain no recursion limit allows): planned top first."""
    chain = [line(f"P{n}", n + 2, f"P{n - 1}" if n else None) for n in reversed(range(5000))]
    found = plan(*chain)
    assert keys(found, Kind.POST)[:2] == ["post:P0", "post:P1"]
    assert len(keys(found, Kind.POST)) == 5000


def test_rows_refused_on_reading_refuse_the_posts_reporting_to_them() -> None:
    """A post reporting to one refused while reading is refused naming that row."""
    found = plan(line("B", 3, "A"), refused_posts={"A": Source("f.csv", 2)})
    assert reasons(found) == {3: "reports to post 'A' (f.csv row 2), which was refused"}


def test_one_post_id_from_two_files_is_refused_the_second_time() -> None:
    """The same post twice (two files): the first wins, the second is refused naming it."""
    second = line("A", 7, sources=(Source("g.csv", 7),))
    found = plan(line("A", 2), second)
    assert reasons(found) == {7: "post id 'A' already comes from f.csv row 2"}


def test_values_the_services_would_refuse_are_refused_on_their_row() -> None:
    """A title over 200 characters, a unit name too: refused before anything is sent."""
    found = plan(line("A", 2, title="x" * 201), line("B", 3, path=("A", "y" * 201)))
    assert reasons(found)[2].startswith("post 'A': title: String should have at most 200")
    assert reasons(found)[3] == "an org unit name of post 'B' is longer than 200 characters"


def test_command_ids_depend_on_tenant_and_identity_not_on_row_numbers() -> None:
    """Moving a row changes no command id; another tenant's import has other ids."""
    first = plan(line("A", 2), line("B", 3, "A"))
    moved = plan(line("B", 9, "A"), line("A", 12))
    other = plan(line("A", 2), line("B", 3, "A"), tenant="other")
    ids = {step.key: step.command_id for step in first.steps}
    assert {step.key: step.command_id for step in moved.steps} == ids
    assert not set(ids.values()) & {step.command_id for step in other.steps}


def test_refusals_and_notes_never_repeat_a_name() -> None:
    """Anything mentioning a name from the files is redacted on its way out."""
    found = plan(
        line("A", 2, grade="Barnaby Quenby"),
        notes=("note about Barnaby  Quenby",),
        private=PrivateNames(["Barnaby Quenby"]),
    )
    assert "Quenby" not in repr(found.refused) + repr(found.notes)
    assert found.notes == ("note about [name withheld]",)


def test_the_catalogue_is_read_from_grading_s_answer() -> None:
    """GET /grades rows become known grades by key; banded ones are marked as bands."""
    known = known_grades(
        {
            "grades": [
                {"grade": "PO6", "scheme": "NJC", "scp_min": 47, "director_percent": None},
                {"grade": "SCS1", "scheme": None, "scp_min": None, "director_percent": None,
                 "salary_min": "70000.00", "salary_max": "94999.00"},
            ]
        }
    )  # fmt: skip
    assert known["po6"].banded is False
    assert known["scs1"].banded is True
    assert str(known["scs1"].salary_max) == "94999.00"
