"""Reading single spreadsheet cells: money with £ and commas, N/A and N/D, FTE, hours, shares."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contracts.money import parse_fte
from importing import cells
from importing.cells import CellError


@pytest.mark.parametrize(
    ("written", "pounds"),
    [
        ("£85,000", Decimal(85000)),
        (" 1,234.50 ", Decimal("1234.50")),
        ("37500", Decimal(37500)),
        ("0", Decimal(0)),
        ("N/A", None),
        ("n/d", None),
        ("", None),
        ("-", None),
    ],
)
def test_amounts_are_read_as_people_write_them(written: str, pounds: Decimal | None) -> None:
    """£ signs, thousands separators and spaces are dropped; N/A, N/D and blanks are no amount."""
    assert cells.amount(written, "pay") == pounds


@pytest.mark.parametrize("written", ["-5", "12.345", "about 40k"])
def test_an_amount_that_is_no_amount_is_refused_naming_the_column(written: str) -> None:
    """Negative, finer than a penny, or words: a clear error naming what it should have been."""
    with pytest.raises(CellError, match=r"^pay "):
        cells.amount(written, "pay")


def test_line_breaks_inside_a_quoted_cell_become_single_spaces() -> None:
    """A title typed over two lines in a spreadsheet reads as one line."""
    assert cells.text("Head of\r\n  Data   Quality ") == "Head of Data Quality"


@pytest.mark.parametrize(
    ("written", "fte"),
    [("1", Fraction(1)), ("0.50", Fraction(1, 2)), ("80%", Fraction(4, 5)), ("1.00", Fraction(1))],
)
def test_fte_is_a_decimal_or_a_percentage(written: str, fte: Fraction) -> None:
    """Decimals and percentages give the exact FTE."""
    assert cells.fte(written) == fte


@pytest.mark.parametrize("written", ["0", "1.2", "N/A", "", "N/D", "full"])
def test_fte_outside_zero_to_one_or_missing_is_refused(written: str) -> None:
    """An FTE must be given, a number, above 0 and at most 1."""
    with pytest.raises(CellError, match="FTE"):
        cells.fte(written)


def test_weekly_hours_are_a_share_of_the_full_time_week() -> None:
    """30 of 37 hours is 30/37 exactly; 18.5 of 37 is a half."""
    assert cells.hours_fte("30", Fraction(37)) == Fraction(30, 37)
    assert cells.hours_fte("18.5", Fraction(37)) == Fraction(1, 2)


def test_hours_above_the_full_time_week_are_refused() -> None:
    """40 hours of a 37-hour week is not an FTE."""
    with pytest.raises(CellError, match="more than the full-time week of 37"):
        cells.hours_fte("40", Fraction(37))


@pytest.mark.parametrize(
    ("fte", "wire"),
    [
        (Fraction(1), "1"),
        (Fraction(1, 2), "0.5"),
        (Fraction(3, 4), "0.75"),
        (Fraction(30, 37), "30/37"),
        (Fraction(1, 3), "1/3"),
        (Fraction(12345, 100000), "2469/20000"),
    ],
)
def test_fte_goes_on_the_wire_exactly(fte: Fraction, wire: str) -> None:
    """Four places where they suffice, else an exact fraction (which the FTE type accepts)."""
    assert cells.fte_wire(fte) == wire


@given(st.fractions(min_value=Fraction(1, 10**6), max_value=Fraction(1)))
def test_the_fte_type_reads_back_what_was_sent(fte: Fraction) -> None:
    """What the importer sends parses to the same FTE, to the 10 places events keep."""
    parsed = parse_fte(cells.fte_wire(fte), places=10)
    assert abs(Fraction(parsed) - fte) <= Fraction(1, 2 * 10**10)


@pytest.mark.parametrize(
    ("written", "share"), [("0.5", Decimal("0.5")), ("60%", Decimal("0.6")), ("1", Decimal(1))]
)
def test_funding_shares_are_fractions_or_percentages(written: str, share: Decimal) -> None:
    """A share is 0.5 or 50%."""
    assert cells.share(written) == share


def test_a_share_above_one_is_refused() -> None:
    """150% of a post's cost cannot come from one source."""
    with pytest.raises(CellError, match="at most 1"):
        cells.share("150%")
