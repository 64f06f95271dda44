"""The tenant's grade catalogue on the import date, as grading's `GET /grades` answers it.

Planning needs it to tell a grade the catalogue already defines from one it does not (a posts
report's grades must be defined already; an organogram's bands define the rest), and to keep a
grade the catalogue defines on a pay spine rather than replace it with a file's rounded band.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from contracts.identifiers import grade_key


@dataclass(frozen=True, slots=True)
class KnownGrade:
    """A grade the catalogue defines on the import date."""

    grade: str
    salary_min: Decimal | None
    salary_max: Decimal | None
    banded: bool
    """Defined by a salary band (not spine points or a share of the Director's salary)."""


def _money(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def known_grades(view: dict[str, Any]) -> dict[str, KnownGrade]:
    """The grades of a `GET /grades` answer, by `grade_key`."""
    found: dict[str, KnownGrade] = {}
    for item in view.get("grades", []):
        banded = item.get("scheme") is None and item.get("director_percent") is None
        found[grade_key(str(item["grade"]))] = KnownGrade(
            grade=str(item["grade"]),
            salary_min=_money(item.get("salary_min")),
            salary_max=_money(item.get("salary_max")),
            banded=banded and item.get("scp_min") is None,
        )
    return found
