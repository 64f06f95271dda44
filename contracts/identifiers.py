"""Identifier and grade-code value types shared by every service's messages."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints

Identifier = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$"),
]
"""A post, org unit, person or source reference: letters, digits and `._:-`, at most 64."""

CommandId = Annotated[str, StringConstraints(min_length=1, max_length=128)]
"""A caller's idempotency key; a UUID by convention."""

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]

Version = Annotated[int, Field(ge=0)]

_DIRECTOR = re.compile(r"^dir\s*(\d{1,3}(?:\.\d{1,2})?)\s*%?$", re.IGNORECASE)
_LOCAL = re.compile(r"^[A-Z]{1,4}\d{0,2}[A-Z]?$")


def normalise_grade(text: str) -> str:
    """Spell a grade one way: `Dir 52.5%` for JNC chief officers, upper-case codes for NJC."""
    stripped = " ".join(text.split())
    director = _DIRECTOR.fullmatch(stripped)
    if director:
        percent = Decimal(director.group(1))
        if not Decimal(0) < percent <= 100:  # noqa: PLR2004 - a percentage
            raise ValueError(f"director percentage must be in (0, 100], got {percent}")
        return f"Dir {format(percent.normalize(), 'f')}%"
    code = stripped.upper()
    if not _LOCAL.fullmatch(code):
        raise ValueError(
            f"grade {text!r} is neither 'Dir X%' nor a grade code such as PO6, SO1 or C3"
        )
    return code


GradeCode = Annotated[str, AfterValidator(normalise_grade)]
"""A grade as written in the seeds: `PO6`, `SO1`, `C3`, or `Dir 65%` (65% of the Director)."""


def director_percent(grade: str) -> Decimal | None:
    """The percentage of a normalised 'Dir X%' grade, or None for any other grade."""
    if not grade.startswith("Dir "):
        return None
    return Decimal(grade.removeprefix("Dir ").removesuffix("%"))
