"""The days a command may name: 1900-01-01 to 2199-12-31.

Every date in the system is an effective date someone will cost, report or compare: a change
"from 9999-12-31" would be recorded and then could never be priced (no pay spine, no financial
year), and nothing a council records happened before 1900. Outside the range is a 422 (or a
rejection on a stream), never a recorded event.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator

FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2199, 12, 31)


def within_calendar(day: date) -> date:
    """`day`, if between FIRST_DAY and LAST_DAY."""
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValueError(f"dates run from {FIRST_DAY} to {LAST_DAY}, not {day}")
    return day


ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def written_as_a_day(value: object) -> object:
    """`value` if it is a date or a `YYYY-MM-DD` string: not a number read as a timestamp."""
    if isinstance(value, date) or (isinstance(value, str) and ISO_DAY.match(value)):
        return value
    raise ValueError(f"a date is written YYYY-MM-DD, not {value!r}")


Day = Annotated[date, BeforeValidator(written_as_a_day), AfterValidator(within_calendar)]
"""A date a command or a query names (effective, start, end, decision, as_of):
`YYYY-MM-DD`, 1900-01-01 to 2199-12-31 (`0` is not 1970-01-01)."""
