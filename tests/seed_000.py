"""Seed 000 (Leeds, January 2018): Table 1, and the costing basis PAY_AND_RULES.md gives it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

TABLE_1 = [
    ("Dir 65%", "1", 1, Decimal(102170)),
    ("Dir 52.5%", "1", 1, Decimal(82310)),  # four such posts, each its own line at 82,310
    ("Dir 52.5%", "30/37", 1, Decimal(66520)),
    ("Dir 80%", "1", 1, Decimal(126000)),
    ("Dir 70%", "1", 1, Decimal(110110)),
    ("Dir 60%", "1", 1, Decimal(94220)),
    ("Dir 45%", "1", 1, Decimal(70380)),
    ("PO6", "1", 2, Decimal(113690)),
]
"""Grade, FTE, posts on the line, the report's figure for the line."""

OLD_SPINE_2018 = {"47": "42806", "48": "43757", "49": "44697"}
"""The old NJC spine's top points in 2018/19: PO6 tops out at 44,697."""

BASIS: list[dict[str, Any]] = [
    {
        "type": "PublishPaySpine",
        "scheme": "NJC",
        "effective_date": "2017-04-01",
        "points": OLD_SPINE_2018,
    },
    {
        "type": "DefineGrade",
        "grade": "PO6",
        "scheme": "NJC",
        "scp_min": 47,
        "scp_max": 49,
        "effective_date": "2017-04-01",
    },
    {"type": "SetDirectorSalary", "annual": "122524", "effective_date": "2017-04-01"},
    {
        "type": "SetOnCostRates",
        "effective_date": "2017-04-01",
        "employer_ni_rate": "0.138",
        "ni_threshold": "8164",
        "pension_rate": "0.154",
        "apprenticeship_levy_rate": "0.005",
    },
]
"""PAY_AND_RULES.md's check parameters: Director 122,524; pension 15.4%; levy 0.5%; NI 13.8%
over 8,164; PO6 at 44,697. In force from 1 April 2017, so seed 000's posts (established then)
have their grades in the catalogue; Table 1 prices them on 1 April 2018."""
