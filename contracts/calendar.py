"""The days a command may name: 1900-01-01 to 2199-12-31.

Every date in the system is an effective date someone will cost, report or compare: a change
"from 9999-12-31" would be recorded and then could never be priced (no pay spine, no financial
year), and nothing a council records happened before 1900. Outside the range is a 422 (or a
rejection on a stream), never a recorded event.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import AfterValidator

FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2199, 12, 31)


def within_calendar(day: date) -> date:
    """`day`, if between FIRST_DAY and LAST_DAY."""
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValueError(f"dates run from {FIRST_DAY} to {LAST_DAY}, not {day}")
    return day


Day = Annotated[date, AfterValidator(within_calendar)]
"""A date a command names (effective, start, end, decision): 1900-01-01 to 2199-12-31."""
