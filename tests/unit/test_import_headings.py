"""Finding a table's header, telling an organogram from a posts report, locating columns."""

from __future__ import annotations

import pytest

from importing.headings import (
    JUNIOR_HEADINGS,
    SENIOR_HEADINGS,
    HeaderError,
    Layout,
    find_header,
    heading_key,
)
from importing.tables import Table

EVERY = frozenset(Layout)


def table(*rows: tuple[str, ...]) -> Table:
    return Table("f.csv", None, tuple(enumerate(rows, start=1)))


def test_headings_compare_loosely() -> None:
    """Case, spaces, punctuation and a mis-decoded pound sign make no difference."""
    assert heading_key("Post Number") == heading_key("POST_NUMBER") == heading_key(" post-number ")
    assert heading_key("Actual Pay Floor (£)") == heading_key("Actual Pay Floor (Â£)")


@pytest.mark.parametrize(
    ("post", "title", "hours"),
    [
        ("Post Number", "Job Title", "Weekly Hours"),
        ("Post ID", "Title", "Contracted Hours"),
        ("Position Number", "Post Title", "Hours per week"),
        ("post no.", "JOB TITLE", "weekly_hours"),
    ],
)
def test_a_posts_report_is_recognised_by_its_usual_headings(
    post: str, title: str, hours: str
) -> None:
    """The usual HR-system names of each field are found, whatever their spelling."""
    header = find_header(
        table((post, title, "Grade", hours, "Structure", "Reports To")), allowed=EVERY
    )
    assert header.layout is Layout.POSTS_REPORT
    assert header.columns == {
        "post_id": 0,
        "title": 1,
        "grade": 2,
        "weekly_hours": 3,
        "org_unit_path": 4,
        "reports_to": 5,
    }


def test_the_header_may_sit_below_banner_rows_and_an_index_column_is_ignored() -> None:
    """Export banners above the header are skipped; an unnamed first column is no field."""
    header = find_header(
        table(
            ("Example Council posts report",),
            (),
            ("", "Post ID", "Job Title", "Grade", "FTE", "Org Unit Path", "Employee Name"),
        ),
        allowed=EVERY,
    )
    assert header.index == 2
    assert header.columns["post_id"] == 1
    assert header.names == (6,)


def test_a_mapping_names_unusual_headings() -> None:
    """With --mapping, `Position Code` and `Hierarchy Path` are the post id and the path."""
    header = find_header(
        table(("Position Code", "Role", "Band", "FTE", "Hierarchy Path")),
        allowed=EVERY,
        mapped={
            "post_id": "Position Code",
            "title": "Role",
            "grade": "Band",
            "org_unit_path": "Hierarchy Path",
        },
    )
    assert header.columns == {"post_id": 0, "title": 1, "grade": 2, "fte": 3, "org_unit_path": 4}


def test_a_posts_report_without_a_path_or_an_fte_is_refused_naming_what_is_missing() -> None:
    """A report that cannot place or size its posts says which columns it lacks."""
    with pytest.raises(HeaderError, match="org_unit_path, fte or weekly_hours"):
        find_header(table(("Post ID", "Job Title", "Grade")), allowed=EVERY)


def test_organogram_files_are_told_apart_by_their_schema_headings() -> None:
    """The datagovuk senior and junior headings identify each file (extra columns allowed)."""
    senior = find_header(table(("", *SENIOR_HEADINGS, "Total Pay (£)")), allowed=EVERY)
    junior = find_header(table(JUNIOR_HEADINGS), allowed=EVERY)
    assert (senior.layout, junior.layout) == (Layout.SENIOR, Layout.JUNIOR)
    assert senior.columns["Post Unique Reference"] == 1
    assert junior.columns["Number of Posts in FTE"] == JUNIOR_HEADINGS.index(
        "Number of Posts in FTE"
    )


def test_an_organogram_missing_a_schema_column_is_refused() -> None:
    """A senior file without its FTE column cannot be imported, and says so."""
    headings = tuple(name for name in SENIOR_HEADINGS if name != "FTE")
    with pytest.raises(HeaderError, match="needs the columns FTE"):
        find_header(table(headings), allowed=EVERY)


def test_a_format_only_accepts_its_own_layout() -> None:
    """`--format csv` does not take an organogram file for a posts report, nor the reverse."""
    with pytest.raises(HeaderError, match="no header row of a posts report"):
        find_header(table(SENIOR_HEADINGS), allowed=frozenset({Layout.POSTS_REPORT}))
    with pytest.raises(HeaderError, match="organogram"):
        find_header(
            table(("Post ID", "Title", "Grade", "FTE", "Structure")),
            allowed=frozenset({Layout.SENIOR, Layout.JUNIOR}),
        )
