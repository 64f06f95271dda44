"""Reading one cell of a real spreadsheet: text, blanks, `N/A`, `N/D`, money, FTE and shares.

Cells carry stray line breaks (quoted fields), `N/A` and `N/D`, money written `£85,000`, FTE as
a decimal or a percentage, funding shares as `0.5` or `50%`. Each reader either returns a value
or raises `CellError` with a message fit for the refused-row report (it quotes the cell only
where the cell is a figure or a code, never free text).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from fractions import Fraction

NOT_APPLICABLE = frozenset({"", "n/a", "na", "n.a.", "-", "--", "none", "null", "nil"})
"""Cells that say "nothing here"."""

NOT_DISCLOSED = frozenset({"n/d", "nd", "not disclosed", "withheld"})
"""Cells that say "there is a value, but it is not published"."""

FTE_PLACES = 4
"""FTE is given to at most 4 places; finer figures go as exact fractions (see `fte_wire`)."""


class CellError(ValueError):
    """A cell that does not hold what its column needs."""


def text(value: str) -> str:
    """A cell's text on one line: line breaks inside quoted fields and runs of spaces collapsed."""
    return " ".join(value.split())


def is_missing(value: str) -> bool:
    """Whether a cell says there is nothing there (blank, `N/A`, `-`)."""
    return text(value).casefold() in NOT_APPLICABLE


def is_undisclosed(value: str) -> bool:
    """Whether a cell says its value is not disclosed (`N/D`)."""
    return text(value).casefold() in NOT_DISCLOSED


def decimal(value: str, what: str) -> Decimal:
    """A number written as people write them: `£85,000`, ` 1,234.50 `, `37.0`.

    Raises:
        CellError: not a finite number.
    """
    cleaned = text(value).replace("£", "").replace(",", "").replace(" ", "")
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        raise CellError(f"{what} {text(value)!r} is not a number") from None
    if not number.is_finite():
        raise CellError(f"{what} {text(value)!r} is not a number")
    return number


def amount(value: str, what: str) -> Decimal | None:
    """Pounds and pence, or None where the cell says there is none (`N/A`, `N/D`, blank).

    Raises:
        CellError: negative, finer than a penny, or not a number.
    """
    if is_missing(value) or is_undisclosed(value):
        return None
    pounds = decimal(value, what)
    if pounds < 0:
        raise CellError(f"{what} {text(value)!r} is negative")
    if pounds != pounds.quantize(Decimal("0.01")):
        raise CellError(f"{what} {text(value)!r} is finer than a penny")
    return pounds


def fraction(value: str, what: str) -> Fraction:
    """An exact figure from a decimal cell, or a percentage (`80%` is 0.8).

    Raises:
        CellError: not a number.
    """
    written = text(value)
    if written.endswith("%"):
        return Fraction(decimal(written.removesuffix("%"), what)) / 100
    return Fraction(decimal(written, what))


def fte(value: str, what: str = "FTE") -> Fraction:
    """An FTE in (0, 1].

    Raises:
        CellError: missing, not a number, or outside (0, 1].
    """
    if is_missing(value) or is_undisclosed(value):
        raise CellError(f"{what} is not given")
    figure = fraction(value, what)
    if not 0 < figure <= 1:
        raise CellError(f"{what} {text(value)!r} is not greater than 0 and at most 1")
    return figure


def hours_fte(hours: str, full_time: Fraction) -> Fraction:
    """Weekly hours as a share of the full-time week (30 of 37 hours is 30/37).

    Raises:
        CellError: missing, not a number, or more than the full-time week.
    """
    if is_missing(hours) or is_undisclosed(hours):
        raise CellError("weekly hours are not given")
    worked = fraction(hours, "weekly hours")
    if worked <= 0:
        raise CellError(f"weekly hours {text(hours)!r} are not more than 0")
    if worked > full_time:
        raise CellError(
            f"weekly hours {text(hours)!r} are more than the full-time week of "
            f"{fte_wire(full_time)}"
        )
    return worked / full_time


def fte_wire(figure: Fraction) -> str:
    """An FTE as the FTE type accepts it, exactly: `0.5` where 4 places suffice, else `30/37`."""
    scaled = figure * 10**FTE_PLACES
    if scaled.denominator == 1:
        return format((Decimal(scaled.numerator) / 10**FTE_PLACES).normalize(), "f")
    return f"{figure.numerator}/{figure.denominator}"


def share(value: str) -> Decimal:
    """A funding share in (0, 1]: `0.5`, `50%`.

    Raises:
        CellError: not a number, or outside (0, 1].
    """
    written = text(value)
    figure = (
        decimal(written.removesuffix("%"), "funding share") / 100
        if written.endswith("%")
        else decimal(written, "funding share")
    )
    if not 0 < figure <= 1:
        raise CellError(f"funding share {written!r} is not greater than 0 and at most 1")
    return figure.normalize()
