"""How every benchmark reports: a dated, machine-labelled table printed and appended to RESULTS.md.

Figures are only comparable beside the machine and the moment they were taken on, so each run
writes its own heading; `RESULTS.md` keeps them all, newest last. A benchmark with many figures
(`bench/scale.py`) also writes them as JSON (`write_json`): machine, versions, date, the size
measured and every figure with its target, for tools to compare runs.
"""

from __future__ import annotations

import os
import platform
import subprocess
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import orjson

RESULTS = Path(__file__).with_name("RESULTS.md")
LATEST = Path(__file__).parent / "results" / "latest.json"
PACKAGES = (
    "fastapi",
    "faststream",
    "redis",
    "hiredis",
    "orjson",
    "pydantic",
    "uvicorn",
    "eventsourcing",
)
"""The packages whose versions move the figures."""


@dataclass(frozen=True, slots=True)
class Figure:
    """One measured figure: what it is, its value in `unit`, as read, and its target.

    `met` is None where there is no target, or the figure could not be taken (`value` None).
    """

    measure: str
    value: float | None
    unit: str
    text: str
    target: str = "—"
    met: bool | None = None


def _stamp(now: datetime) -> str:
    return now.strftime("%Y-%m-%d %H:%M UTC")


def _machine_line() -> str:
    return f"{platform.node()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def record(what: str, rows: list[tuple[str, str, str]]) -> None:
    """Print `rows` (measure, figure, limit) under `what` and a dated heading; append them."""
    lines = ["", f"### {_stamp(datetime.now(UTC))} — {_machine_line()}", "", what, ""]
    lines += [
        "| measure | figure | limit |",
        "|---|---|---|",
        *(f"| {name} | {figure} | {limit} |" for name, figure, limit in rows),
    ]
    print("\n".join(lines))
    with RESULTS.open("a") as out:
        out.write("\n".join([*lines, ""]) + "\n")


def _verdict(figure: Figure) -> str:
    if figure.met is None:
        return "—"
    return "met" if figure.met else "**missed**"


def table(what: str, figures: list[Figure], now: datetime) -> str:
    """The figures as a dated Markdown table with their targets and whether each is met."""
    lines = ["", f"### {_stamp(now)} — {_machine_line()}", "", what, ""]
    lines += [
        "| measure | figure | target | |",
        "|---|---|---|---|",
        *(f"| {f.measure} | {f.text} | {f.target} | {_verdict(f)} |" for f in figures),
    ]
    return "\n".join(lines) + "\n"


def machine() -> dict[str, Any]:
    """What the figures were taken on."""
    memory = None
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        first = meminfo.read_text().splitlines()[0].split()
        memory = int(first[1]) * 1024
    return {
        "node": platform.node(),
        "cores": os.cpu_count(),
        "memory_bytes": memory,
        "platform": platform.platform(),
        "python": platform.python_version(),
    }


def versions(extra: dict[str, str]) -> dict[str, str]:
    """Versions of the packages in `PACKAGES`, the code's commit, and `extra` (e.g. Redis)."""
    found: dict[str, str] = {}
    for package in PACKAGES:
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            found[package] = "not installed"
    commit = _git("rev-parse", "--short", "HEAD") or "unknown"
    edited = _git("status", "--porcelain", "--untracked-files=no")
    found["commit"] = f"{commit} with uncommitted changes" if edited else commit
    return {**found, **extra}


def _git(*args: str) -> str:
    """What a read-only git command prints here ('' if git is not there)."""
    try:
        done = subprocess.run(
            ["git", *args], capture_output=True, text=True, check=False, cwd=Path(__file__).parent
        )
    except FileNotFoundError:
        return ""
    return done.stdout.strip()


def write_json(
    path: Path, what: str, figures: list[Figure], size: dict[str, Any], extra: dict[str, str]
) -> datetime:
    """Write every figure, with machine, versions, date and size, to `path`; the date used."""
    now = datetime.now(UTC)
    document = {
        "what": what,
        "date": now.isoformat(),
        "machine": machine(),
        "versions": versions(extra),
        "size": size,
        "figures": [asdict(figure) for figure in figures],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(orjson.dumps(document, option=orjson.OPT_INDENT_2) + b"\n")
    return now


def append_markdown(what: str, figures: list[Figure], now: datetime) -> None:
    """Append the dated table to RESULTS.md."""
    with RESULTS.open("a") as out:
        out.write(table(what, figures, now))
