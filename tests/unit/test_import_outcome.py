"""What an import reports: created versus already recorded, refusals cascading, exit codes."""

from __future__ import annotations

from importing.model import PrivateNames, Refusal, Source
from importing.plan import Kind, Need, Plan, Step
from importing.report import ImportReport

UNIT = Step("org-unit:a", Kind.ORG_UNIT, {"type": "CreateOrgUnit", "org_unit_id": "a"}, ())
BOSS = Step(
    "post:A",
    Kind.POST,
    {"type": "CreatePost", "post_id": "A"},
    (Source("f.csv", 2),),
    (Need("org-unit:a", "its org unit 'A'"),),
)
REPORT = Step(
    "post:B",
    Kind.POST,
    {"type": "CreatePost", "post_id": "B"},
    (Source("f.csv", 3),),
    (
        Need("org-unit:a", "its org unit 'A'"),
        Need("post:A", "it reports to post 'A' (f.csv row 2)"),
    ),
)
HOLDER = Step(
    "appointment:B:E1",
    Kind.APPOINTMENT,
    {"type": "AppointPostholder", "post_id": "B"},
    (Source("f.csv", 3),),
    (Need("post:B", "its post 'B' (f.csv row 3)"),),
)
PLAN = Plan(
    (UNIT, BOSS, REPORT, HOLDER),
    (Refusal(Source("f.csv", 9), "no post number"),),
    ("a note",),
    PrivateNames(["Imogen Thistlewood"]),
)
PROBLEM = {"type": "urn:estab:problem:unknown-grade", "title": "x", "detail": "grade 'Z' unknown"}


def start(*, dry_run: bool = False) -> ImportReport:
    return ImportReport.start(PLAN, tenant="t", as_of="2024-03-31", dry_run=dry_run)


def test_a_repeat_counts_as_already_recorded_not_created() -> None:
    """`Idempotent-Replayed` answers add to `already_recorded`, never to `*_created`."""
    report = start()
    report.recorded(UNIT, replayed=True)
    report.recorded(BOSS, replayed=False)
    view = report.view()
    assert (view["org_units_created"], view["posts_created"]) == (0, 1)
    assert view["already_recorded"] == {
        "grades": 0,
        "org_units": 1,
        "posts": 0,
        "appointments": 0,
    }
    assert view["rows_refused"] == [{"file": "f.csv", "row": 9, "reason": "no post number"}]
    assert view["notes"] == ["a note"]


def test_a_refused_post_takes_its_reports_and_their_appointments_with_it() -> None:
    """The service refuses A: B is not sent (naming A's row), nor B's appointment."""
    report = start()
    report.recorded(UNIT, replayed=False)
    assert report.blocked(BOSS) is None
    report.refused(BOSS, PROBLEM)
    reason = report.blocked(REPORT)
    assert reason == "it reports to post 'A' (f.csv row 2), which was refused"
    report.skip(REPORT, reason)
    held = report.blocked(HOLDER)
    assert held is not None
    report.skip(HOLDER, held)
    assert report.rows_refused() == [
        {"file": "f.csv", "row": 2, "reason": "unknown-grade: grade 'Z' unknown"},
        {"file": "f.csv", "row": 3, "reason": reason},
        {"file": "f.csv", "row": 9, "reason": "no post number"},
    ]


def test_a_unit_that_cannot_be_recorded_is_named_in_its_posts_refusals() -> None:
    """A unit's failure is a note, and each post in it says what became of its unit."""
    report = start()
    report.refused(UNIT, PROBLEM)
    assert report.blocked(BOSS) == (
        "its org unit 'A', which could not be recorded (unknown-grade: grade 'Z' unknown)"
    )
    assert "org unit 'a' could not be recorded: unknown-grade: grade 'Z' unknown" in report.notes


def test_an_existing_unit_is_used_not_refused() -> None:
    """A unit with the import's id already there: noted, counted as recorded, posts go in."""
    report = start()
    report.existed(UNIT)
    assert report.blocked(BOSS) is None
    assert report.repeated[Kind.ORG_UNIT] == 1
    assert any("existed already" in note for note in report.notes)


def test_an_appointment_refusal_says_it_was_the_appointment() -> None:
    """The post stands; the row says its holder was not recorded and why."""
    report = start()
    report.refused(HOLDER, {"type": "urn:estab:problem:post-filled", "detail": "post B is held"})
    assert report.rows_refused()[0]["reason"] == (
        "appointment not recorded: post-filled: post B is held"
    )


def test_names_in_service_messages_are_withheld() -> None:
    """Even a service's own message cannot carry a name from the files to the output."""
    report = start()
    report.refused(BOSS, {"type": "x", "detail": "about Imogen Thistlewood"})
    report.note("see Imogen Thistlewood")
    assert "Thistlewood" not in repr(report.view()) + "\n".join(report.lines())


def test_exit_codes_say_whether_anything_could_be_recorded() -> None:
    """0 when something was recorded (or had been), 1 when nothing could be."""
    report = start()
    assert report.exit_code() == 1
    report.recorded(UNIT, replayed=True)
    assert report.exit_code() == 0
    assert start(dry_run=True).exit_code() == 0


def test_a_dry_run_reports_what_would_be_sent() -> None:
    """The readable report of a dry run counts what would be sent and lists refusals."""
    lines = start(dry_run=True).lines()
    assert lines[0] == "Import into tenant 't' as of 2024-03-31 (dry run: nothing recorded)"
    assert lines[1] == "  would send: 0 grades, 1 org units, 2 posts, 1 appointments"
    assert "    f.csv row 9: no post number" in lines
    assert start(dry_run=True).view()["planned"]["posts"] == 2
