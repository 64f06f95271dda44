"""Money and FTE value types.

Money and FTE are `Decimal` inside the system and decimal *strings* on the wire (API.md), so no
float ever touches a figure that finance reconciles to the penny.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Annotated

from pydantic import BeforeValidator, PlainSerializer, WithJsonSchema

FTE_DISPLAY = Decimal("0.0001")
"""FTE is shown to 4 decimal places (the seeds' 30/37 hours is 0.8108)."""

FRACTION_PRECISION = Decimal("0.0000000001")
"""An hours fraction such as "30/37" is kept to 10 places, so costs stay within a penny."""

PENNY = Decimal("0.01")


NUMBER_TEXT = 64
"""The longest text read as a number: a figure a person could type, not a megabyte of digits."""

MONEY_DIGITS = 12
"""Whole pounds have at most 12 digits (999,999,999,999.99): more than any public body's budget,
and far from what Decimal arithmetic or a ledger export could be made to choke on."""


def to_decimal(value: object, what: str) -> Decimal:
    """Read a finite Decimal from a string, int, float or Decimal; refuse anything else.

    Raises:
        ValueError: not a number (a wrong type is a value error, so callers answer 422).
    """
    if isinstance(value, bool):
        raise ValueError(f"{what} must be a number, not a boolean")  # noqa: TRY004 - 422, not 500
    if isinstance(value, str) and len(value) > NUMBER_TEXT:
        raise ValueError(f"{what} must be a number of at most {NUMBER_TEXT} characters")
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int | str):
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            raise ValueError(f"{what} must be a decimal number, got {value!r}") from None
    elif isinstance(value, float):
        number = Decimal(repr(value))
    else:
        raise ValueError(f"{what} must be a decimal string or number")  # noqa: TRY004 - a 422
    if not number.is_finite():
        raise ValueError(f"{what} must be finite")
    return number


def decimal_places(number: Decimal) -> int:
    """How many digits `number` carries after the point (0 for integers)."""
    exponent = number.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def parse_fte(value: object, places: int = 4) -> Decimal:
    """FTE in (0, 1]: a decimal with at most `places` places, or an hours fraction like "30/37".

    People give 4 places; recorded events keep an hours fraction to 10 (`RecordedFte`).
    """
    if isinstance(value, str) and "/" in value:
        hours_text, _, standard_text = value.partition("/")
        hours = to_decimal(hours_text, "FTE hours")
        standard = to_decimal(standard_text, "FTE standard hours")
        if standard <= 0:
            raise ValueError("FTE standard hours must be positive")
        ratio = hours / standard
        if not Decimal(0) < ratio <= 1:
            raise ValueError(f"FTE as hours must be more than 0 and at most the standard: {value}")
        fte = ratio.quantize(FRACTION_PRECISION)
    else:
        fte = to_decimal(value, "FTE")
        if decimal_places(fte) > places:
            raise ValueError(
                f"FTE has at most {places} decimal places; "
                "give exact fractions as hours, e.g. '30/37'"
            )
    if not Decimal(0) < fte <= 1:
        raise ValueError(f"FTE must be greater than 0 and at most 1, got {format(fte, 'f')}")
    return fte.normalize()


def parse_money(value: object) -> Decimal:
    """A non-negative amount of pounds: at most 12 whole digits and 2 decimal places."""
    amount = to_decimal(value, "amount")
    if amount < 0:
        raise ValueError("amount must not be negative")
    if amount and amount.adjusted() >= MONEY_DIGITS:
        raise ValueError(f"amount has at most {MONEY_DIGITS} digits before the point")
    if decimal_places(amount) > 2:  # noqa: PLR2004 - pence
        raise ValueError("amount has at most 2 decimal places (pence)")
    return amount


def parse_share(value: object) -> Decimal:
    """A funding share in (0, 1], with at most 4 places."""
    share = to_decimal(value, "share")
    if not Decimal(0) < share <= 1:
        raise ValueError("share must be greater than 0 and at most 1")
    if decimal_places(share) > 4:  # noqa: PLR2004 - percentage to two places
        raise ValueError("share has at most 4 decimal places")
    return share


def fte_text(fte: Decimal) -> str:
    """FTE as shown to people and in query results: exactly 4 decimal places."""
    return format(fte.quantize(FTE_DISPLAY), "f")


def money_text(amount: Decimal) -> str:
    """Money as shown in query results: rounded half-up to the penny."""
    return format(amount.quantize(PENNY), "f")


def _plain(value: Decimal) -> str:
    return format(value, "f")


_DECIMAL_SCHEMA: dict[str, object] = {
    "anyOf": [{"type": "string", "pattern": r"^-?\d+(\.\d+)?$"}, {"type": "number"}]
}
"""A decimal, best as a string; a JSON number is read as the decimal it prints as."""

Fte = Annotated[
    Decimal,
    BeforeValidator(parse_fte),
    PlainSerializer(_plain, return_type=str),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": r"^\d+(\.\d{1,4})?$"},
                {"type": "string", "pattern": r"^\d+(\.\d+)?/\d+(\.\d+)?$"},
                {"type": "number", "exclusiveMinimum": 0, "maximum": 1},
            ],
            "description": "FTE in (0, 1]: up to 4 decimal places, or hours as '30/37'",
        }
    ),
]
"""Full-time equivalent in (0, 1]."""


def _parse_recorded_fte(value: object) -> Decimal:
    return parse_fte(value, places=10)


RecordedFte = Annotated[
    Decimal,
    BeforeValidator(_parse_recorded_fte),
    PlainSerializer(_plain, return_type=str),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^\d+(\.\d{1,10})?$",
            "description": "FTE in (0, 1] as recorded: an hours fraction is kept to 10 places",
        }
    ),
]
"""FTE inside recorded events, where '30/37' has become 0.8108108108."""

Money = Annotated[
    Decimal,
    BeforeValidator(parse_money),
    PlainSerializer(_plain, return_type=str),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": r"^\d{1,12}(\.\d{1,2})?$"},
                {"type": "number", "minimum": 0, "exclusiveMaximum": 1e12},
            ],
            "description": "pounds, e.g. '102170.00': at most 12 whole digits and the pence",
        }
    ),
]
"""A non-negative amount in pounds, at most to the penny and under a trillion."""

Share = Annotated[
    Decimal,
    BeforeValidator(parse_share),
    PlainSerializer(_plain, return_type=str),
    WithJsonSchema({**_DECIMAL_SCHEMA, "description": "a fraction in (0, 1]"}),
]
"""A share of a post's cost in (0, 1]."""


def parse_rate(value: object) -> Decimal:
    """A rate such as 0.138 (13.8%): in [0, 1], with at most 6 places."""
    rate = to_decimal(value, "rate")
    if not Decimal(0) <= rate <= 1:
        raise ValueError(f"a rate is a fraction from 0 to 1 (0.138 for 13.8%), got {rate}")
    if decimal_places(rate) > 6:  # noqa: PLR2004 - 13.8125% is 0.138125
        raise ValueError("a rate has at most 6 decimal places")
    return rate


Rate = Annotated[
    Decimal,
    BeforeValidator(parse_rate),
    PlainSerializer(_plain, return_type=str),
    WithJsonSchema({**_DECIMAL_SCHEMA, "description": "a fraction in [0, 1], e.g. '0.138'"}),
]
"""An on-cost rate as a fraction of pay."""
