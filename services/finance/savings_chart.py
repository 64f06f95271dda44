"""The savings statement as a waterfall, in SVG (pure; drawn with drawsvg).

From the base-budget cost of the unit on the `from` date, one step per part of the statement:
deletions down, new posts up, changes and transfers either way, to the result. Savings are
green, growth red, the two totals blue; each bar carries its figure. Externally funded posts
change nothing in the base budget, so they are named under the chart, not drawn.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

import drawsvg

if TYPE_CHECKING:
    from collections.abc import Sequence

WIDTH, HEIGHT = 760, 420
TOP, BOTTOM, LEFT = 60, 80, 40
TOTAL, SAVING, GROWTH = "#4c78a8", "#54a24b", "#e45756"
FONT = "Helvetica, Arial, sans-serif"


def _steps(statement: dict[str, Any], start: Decimal) -> list[tuple[str, Decimal, bool]]:
    """(label, amount, is a total) for each bar, in order."""
    part = {name: Decimal(statement[name]["annual_cost"]) for name in (
        "deleted", "created", "changed", "transferred_in", "transferred_out"
    )}  # fmt: skip
    moved = part["transferred_in"] - part["transferred_out"]
    result = start - part["deleted"] + part["created"] + part["changed"] + moved
    return [
        (f"Baseline {statement['from']}", start, True),
        ("Deletions", -part["deleted"], False),
        ("New posts", part["created"], False),
        ("Changes", part["changed"], False),
        ("Transfers", moved, False),
        (f"Result {statement['to']}", result, True),
    ]


def _money(amount: Decimal) -> str:
    sign = "-" if amount < 0 else ""
    return f"{sign}£{abs(amount):,.0f}"


def savings_chart(statement: dict[str, Any], start: Decimal, title: str) -> str:
    """The waterfall of `statement` (a `GET /savings` answer) from `start`, as SVG text."""
    steps = _steps(statement, start)
    levels = _levels(steps)
    low = min(Decimal(0), *(level for pair in levels for level in pair))
    high = max(Decimal(1), *(level for pair in levels for level in pair))
    plot = HEIGHT - TOP - BOTTOM
    width = (WIDTH - 2 * LEFT) / len(steps)

    def y(value: Decimal) -> float:
        return TOP + float((high - value) / (high - low)) * plot

    drawing = drawsvg.Drawing(WIDTH, HEIGHT, font_family=FONT)
    drawing.append(drawsvg.Rectangle(0, 0, WIDTH, HEIGHT, fill="white"))
    drawing.append(drawsvg.Text(title, 16, LEFT, 30, font_weight="bold"))
    drawing.append(drawsvg.Line(LEFT, y(Decimal(0)), WIDTH - LEFT, y(Decimal(0)), stroke="#999"))
    for index, ((label, amount, total), (before, after)) in enumerate(
        zip(steps, levels, strict=True)
    ):
        colour = TOTAL if total else SAVING if amount < 0 else GROWTH
        x = LEFT + index * width + width * 0.15
        top, bottom = y(max(before, after)), y(min(before, after))
        drawing.append(drawsvg.Rectangle(x, top, width * 0.7, max(bottom - top, 1), fill=colour))
        drawing.append(
            drawsvg.Text(_money(amount), 11, x + width * 0.35, top - 6, text_anchor="middle")
        )
        drawing.append(
            drawsvg.Text(label, 11, x + width * 0.35, HEIGHT - BOTTOM + 20, text_anchor="middle")
        )
    funded = statement["externally_funded"]["posts"]
    note = f"Externally funded posts, no base-budget impact: {funded}"
    drawing.append(drawsvg.Text(note, 11, LEFT, HEIGHT - 20, fill="#555"))
    return str(drawing.as_svg())


def _levels(steps: Sequence[tuple[str, Decimal, bool]]) -> list[tuple[Decimal, Decimal]]:
    """Where each bar starts and ends: totals from zero, steps from the running total."""
    running = Decimal(0)
    levels = []
    for _, amount, total in steps:
        if total:
            levels.append((Decimal(0), amount))
            running = amount
        else:
            levels.append((running, running + amount))
            running += amount
    return levels
