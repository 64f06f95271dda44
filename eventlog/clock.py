"""Recorded time: UTC, fixed-width RFC 3339, so text order is time order."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time

Clock = Callable[[], datetime]
"""Returns the current UTC time; services take one so tests can set recorded time."""


def system_clock() -> datetime:
    """The machine's UTC time."""
    return datetime.now(UTC)


def format_timestamp(moment: datetime) -> str:
    """`2026-11-22T23:00:00.000000Z`: microseconds always shown, so strings sort as times."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_timestamp(text: str) -> datetime:
    """An RFC 3339 timestamp (or a bare date, meaning the end of that UTC day) as UTC.

    A bare date as `known_at` means "as known on that date", so it includes the whole day.
    """
    stripped = text.strip()
    if len(stripped) == len("2018-01-30"):
        return datetime.combine(date.fromisoformat(stripped), time.max, tzinfo=UTC)
    moment = datetime.fromisoformat(stripped.replace("Z", "+00:00").replace("z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError(f"timestamp {text!r} needs a UTC offset, e.g. 'Z'")
    return moment.astimezone(UTC)
