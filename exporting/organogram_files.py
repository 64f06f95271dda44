"""`estab export --format organogram`: the structure on a date as the data.gov.uk organogram pair.

The senior and junior staff CSVs in exactly the columns `estab import --format organogram`
reads (`importing.headings`), so a transparency return comes out of the system and, imported
again into the same tenant as of the same date, records nothing: every id, title, grade, FTE,
unit, line, holder and pay band reads back as recorded. A post goes in the junior file only if
its id is one a junior row makes (`organogram_posts.is_junior`) and nobody reports to it; every
other post is senior, where its reference keeps its id whatever it was. Columns the system
holds nothing for (contact details, professional group, notes) are left blank.

The files are named as the repository's sample pair (`tests/import_files`): the importer names
the files in the `source` of each pay band it defines, and a band defined again from files of
other names is a different command under the same id, which grading refuses as reused.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from exporting.organogram_junior import junior_rows
from exporting.organogram_posts import is_junior, organogram_posts, pay_bands
from exporting.organogram_senior import senior_rows
from importing.headings import JUNIOR_HEADINGS, SENIOR_HEADINGS

if TYPE_CHECKING:
    from pathlib import Path

SENIOR_FILE = "organogram_senior.csv"
JUNIOR_FILE = "organogram_junior.csv"


@dataclass(frozen=True, slots=True)
class Organogram:
    """The rows of the two files, each in its file's columns."""

    senior: list[list[str]]
    junior: list[list[str]]


def organogram(
    structure: dict[str, Any],
    org_units: dict[str, Any],
    grades: dict[str, Any],
    postholders: dict[str, Any],
) -> Organogram:
    """The pair made from four answers on one date.

    `GET /structure` and `GET /org-units` (establishment), `GET /grades` (grading) and
    `GET /postholders` (recruitment).
    """
    posts = organogram_posts(structure, org_units)
    references = {post.post_id: post.reference for post in posts}
    managers = {post.reports_to for post in posts if post.reports_to is not None}
    junior = {
        post.post_id
        for post in posts
        if post.post_id not in managers
        and post.reports_to is not None
        and is_junior(post, references.get(post.reports_to, post.reports_to))
    }
    bands = pay_bands(grades)
    return Organogram(
        senior=senior_rows(
            (post for post in posts if post.post_id not in junior),
            references,
            bands,
            postholders["contracts"],
        ),
        junior=junior_rows((post for post in posts if post.post_id in junior), references, bands),
    )


def write_organogram(pair: Organogram, folder: Path) -> list[Path]:
    """Write `folder/organogram_senior.csv` and `folder/organogram_junior.csv`; the files.

    UTF-8 with a byte-order mark, as the published files are, so a spreadsheet shows the `£`.
    """
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, headings, rows in (
        (SENIOR_FILE, SENIOR_HEADINGS, pair.senior),
        (JUNIOR_FILE, JUNIOR_HEADINGS, pair.junior),
    ):
        path = folder / name
        with path.open("w", newline="", encoding="utf-8-sig") as out:
            writer = csv.writer(out)
            writer.writerow(headings)
            writer.writerows(rows)
        written.append(path)
    return written
