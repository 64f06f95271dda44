"""Which grades a post may carry: those grading's catalogue defines on the date (pure).

Establishment does not own grades; it follows grading's stream, so a grade grading has answered
201 for is accepted on the next command. A grade is matched case-insensitively and recorded as
the catalogue spells it. `Dir X%` needs no definition of its own while a Director's salary is in
force, since it means X% of that salary.
"""

from __future__ import annotations

from difflib import get_close_matches
from typing import TYPE_CHECKING

from contracts.decisions import DomainError
from contracts.identifiers import director_percent, grade_key
from contracts.rejections import Reason

if TYPE_CHECKING:
    from contracts.pay_catalogue import PayCatalogue

CLOSEST = 3
"""How many near-miss codes an unknown-grade refusal names."""


def catalogue_grade(catalogue: PayCatalogue, grade: str, on: str) -> str:
    """`grade` as the catalogue spells it, if the catalogue defines it on `on`.

    Raises:
        DomainError: `unknown-grade`, naming the closest codes the catalogue knows.
    """
    series = catalogue.grades.get(grade_key(grade))
    defined = series.at(on) if series else None
    if defined is not None:
        return defined.value.grade
    if director_percent(grade) is not None and catalogue.director.at(on) is not None:
        return grade
    raise DomainError(Reason.UNKNOWN_GRADE, _unknown(catalogue, grade, on))


def _unknown(catalogue: PayCatalogue, grade: str, on: str) -> str:
    """Why `grade` is refused, and what the sender may have meant."""
    series = catalogue.grades.get(grade_key(grade))
    if series is not None and series.entries:
        first = series.entries[0]
        return (
            f"grade {first.value.grade!r} is defined in the catalogue only from "
            f"{first.effective}, not on {on}"
        )
    if director_percent(grade) is not None:
        return f"grade {grade!r} is a share of the Director's salary, and none is set on {on}"
    spellings = {
        key: entries.entries[0].value.grade
        for key, entries in catalogue.grades.items()
        if entries.entries and entries.at(on) is not None
    }
    if not spellings:
        return (
            f"grade {grade!r} is not in the catalogue: no grades are defined on {on} "
            "(load a catalogue into grading first)"
        )
    closest = get_close_matches(grade_key(grade), list(spellings), n=CLOSEST, cutoff=0.4)
    hint = ", ".join(spellings[key] for key in closest) or ", ".join(
        sorted(spellings.values())[:CLOSEST]
    )
    return f"grade {grade!r} is not in the catalogue on {on}; closest known: {hint}"
