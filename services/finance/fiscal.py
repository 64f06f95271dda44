"""UK financial years (1 April - 31 March) on ISO date strings (pure)."""

from __future__ import annotations

from datetime import date, timedelta


def fy_of(day: str) -> int:
    """The financial year (by its start year) that `day` falls in."""
    when = date.fromisoformat(day)
    return when.year if when.month >= 4 else when.year - 1  # noqa: PLR2004 - April


def fy_start(fy: int) -> str:
    """1 April of `fy`."""
    return f"{fy}-04-01"


def fy_end(fy: int) -> str:
    """The day after the year ends: 1 April of the next year (ranges are half-open)."""
    return f"{fy + 1}-04-01"


def days(first: str, end: str) -> int:
    """Days in [first, end)."""
    return (date.fromisoformat(end) - date.fromisoformat(first)).days


def shift_months(day: str, months: int) -> str:
    """`day` moved by whole months (clamped to the month's last day)."""
    when = date.fromisoformat(day)
    index = when.year * 12 + when.month - 1 + months
    year, month = divmod(index, 12)
    first_next = date(year + (month + 1) // 12, (month + 1) % 12 + 1, 1)
    last = (first_next - timedelta(days=1)).day
    return date(year, month + 1, min(when.day, last)).isoformat()


def next_day(day: str) -> str:
    """The ISO date one day later."""
    return (date.fromisoformat(day) + timedelta(days=1)).isoformat()


def day_before(day: str) -> str:
    """The ISO date one day earlier."""
    return (date.fromisoformat(day) - timedelta(days=1)).isoformat()
