"""Rounding a column of figures for display so the shown rows add up to the shown total (pure).

Figures are summed unrounded; only the answer rounds. Rounding each row on its own can leave the
shown rows a penny or two off the shown total (three rows of 0.005 show 0.00 each, their total
0.02), which a reader reconciling a ledger takes for an error. So the total is rounded as money
always is, and each row gets its value rounded down plus, by largest remainder, one of the
pennies still needed to reach that total (ties to the earlier row). When the exact rows add up to
the exact total, every shown row is within one quantum (a penny, or 0.0001 FTE) of its exact value;
were they ever to differ, the pennies would go round the rows again, so the shown rows still add up.
"""

from __future__ import annotations

from decimal import ROUND_FLOOR, Decimal
from itertools import cycle, islice


def apportion(exact: list[Decimal], shown_total: Decimal, quantum: Decimal) -> list[Decimal]:
    """`exact` rounded to `quantum`, adding up to `shown_total` (largest remainder first)."""
    shown = [value.quantize(quantum, rounding=ROUND_FLOOR) for value in exact]
    if not shown:
        return shown
    short = int((shown_total - sum(shown, Decimal(0))) / quantum)
    step, sign = (quantum, -1) if short >= 0 else (-quantum, 1)
    remainders = [value - floor for value, floor in zip(exact, shown, strict=True)]
    order = sorted(range(len(shown)), key=lambda index: (sign * remainders[index], index))
    for index in islice(cycle(order), abs(short)):
        shown[index] += step
    return shown
