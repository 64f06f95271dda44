"""How every benchmark reports: a dated, machine-labelled table printed and appended to RESULTS.md.

Figures are only comparable beside the machine and the moment they were taken on, so each run
writes its own heading; `RESULTS.md` keeps them all, newest last.
"""

from __future__ import annotations

import os
import platform
from datetime import UTC, datetime
from pathlib import Path

RESULTS = Path(__file__).with_name("RESULTS.md")


def record(what: str, rows: list[tuple[str, str, str]]) -> None:
    """Print `rows` (measure, figure, limit) under `what` and a dated heading; append them."""
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    machine = f"{platform.node()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    lines = ["", f"### {stamp} — {machine}", "", what, "", "| measure | figure | limit |"]
    lines += [
        "|---|---|---|",
        *(f"| {name} | {figure} | {limit} |" for name, figure, limit in rows),
    ]
    print("\n".join(lines))
    with RESULTS.open("a") as out:
        out.write("\n".join([*lines, ""]) + "\n")
