"""Identifier and grade-code value types shared by every service's messages."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints

_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def printable(text: str) -> str:
    """`text`, if it holds no control character, escape sequence or line separator.

    Titles and reasons end up in spreadsheets, terminals and logs, where such characters hide
    text, rewrite lines or break rows.
    """
    found = _CONTROL.search(text)
    if found is not None:
        code = ord(found.group())
        raise ValueError(f"text may not hold control characters (U+{code:04X} at {found.start()})")
    return text


Identifier = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$"),
]
"""A post, org unit, person or source reference: letters, digits and `._:-`, at most 64."""

CommandId = Annotated[
    str, StringConstraints(min_length=1, max_length=128), AfterValidator(printable)
]
"""A caller's idempotency key; a UUID by convention."""

Title = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    AfterValidator(printable),
]
"""A post's title, a unit's or a stream's name, who decided: one printable line of 200."""

Reference = Annotated[str, StringConstraints(max_length=200), AfterValidator(printable)]
"""An actor or a decision's reference: printable, at most 200 characters."""

Note = Annotated[str, StringConstraints(max_length=500), AfterValidator(printable)]
"""A reason or a source as people write it: printable, at most 500 characters."""

Version = Annotated[int, Field(ge=0)]

_DIRECTOR = re.compile(r"^dir\s*(\d{1,3}(?:\.\d{1,2})?)\s*%?$", re.IGNORECASE)
GRADE_PUNCTUATION = frozenset(" -./%&")
GRADE_MAX = 40


def normalise_grade(text: str) -> str:
    """Spell a grade one way: spaces trimmed and collapsed, `Dir X%` for JNC chief officers.

    A grade code is whatever a catalogue defines (`Band 8a`, `Grade 7 - Administration`,
    `SCS1A`, `PO6`): 1-40 letters, digits, spaces and `-./%&`. Case is kept as written; codes are
    compared case-insensitively (`grade_key`), and shown as the catalogue first defined them.
    """
    stripped = " ".join(text.split())
    director = _DIRECTOR.fullmatch(stripped)
    if director:
        percent = Decimal(director.group(1))
        if not Decimal(0) < percent <= 100:  # noqa: PLR2004 - a percentage
            raise ValueError(f"director percentage must be in (0, 100], got {percent}")
        return f"Dir {format(percent.normalize(), 'f')}%"
    if not stripped or len(stripped) > GRADE_MAX:
        raise ValueError(f"a grade code is 1-{GRADE_MAX} characters, got {len(stripped)}")
    odd = sorted({char for char in stripped if not (char.isalnum() or char in GRADE_PUNCTUATION)})
    if odd:
        raise ValueError(
            f"grade {text!r} has {''.join(odd)!r}: a grade code is letters, digits, spaces "
            "and -./%&"
        )
    return stripped


def grade_key(text: str) -> str:
    """How grade codes are compared: normalised, then case-folded (`band 5` is `Band 5`)."""
    try:
        return normalise_grade(text).casefold()
    except ValueError:
        return " ".join(text.split()).casefold()


GradeCode = Annotated[str, AfterValidator(normalise_grade)]
"""A grade as a catalogue defines it: `Band 5`, `SCS1A`, `PO6`, or `Dir 65%` (of the Director)."""


def director_percent(grade: str) -> Decimal | None:
    """The percentage of a normalised 'Dir X%' grade, or None for any other grade."""
    if not grade.startswith("Dir "):
        return None
    return Decimal(grade.removeprefix("Dir ").removesuffix("%"))
