"""Scenario steps whose figures come from a CSV table beside the scenario (pure).

Pay spines and grade tables are published as spreadsheets; a scenario names the table and the
columns instead of copying hundreds of figures by hand:

- `points_csv: {file, point, value}` on a `PublishPaySpine` step fills `points` from two columns
  (rows with an empty value are skipped: a point that does not exist that year);
- `rows_csv: {file, columns: {field: column}}` on any step repeats it once per row, each copy named
  `<step>:<first column's value>` with the row's values in the named fields. A blank cell (or a
  short row) leaves its field out, so optional fields may be left empty; a blank first column is
  refused naming the table's row, since the copies are named after it.
"""

from __future__ import annotations

import csv
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pathlib import Path


class TableError(ValueError):
    """A table reference that cannot be read: missing file or column."""


def _rows(folder: Path, reference: dict[str, Any]) -> list[dict[str, str | None]]:
    path = folder / str(reference.get("file", ""))
    if not path.is_file():
        raise TableError(f"table {path} does not exist")
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def _column(row: dict[str, str | None], column: str, path: object) -> str:
    if column not in row:
        raise TableError(f"table {path} has no column {column!r}")
    return (row[column] or "").strip()


def expand(step: str, fields: dict[str, Any], folder: Path) -> list[tuple[str, dict[str, Any]]]:
    """The step(s) `fields` stands for, with table references replaced by their values.

    Raises:
        TableError: a referenced table or column is missing.
    """
    fields = dict(fields)
    points = fields.pop("points_csv", None)
    if points is not None:
        fields["points"] = {
            _column(row, points["point"], points["file"]): value
            for row in _rows(folder, points)
            if (value := _column(row, points["value"], points["file"]))
        }
    rows = fields.pop("rows_csv", None)
    if rows is None:
        return [(step, fields)]
    columns: dict[str, str] = rows["columns"]
    expanded = []
    for number, row in enumerate(_rows(folder, rows), start=2):
        values = {name: _column(row, column, rows["file"]) for name, column in columns.items()}
        first = next(iter(values.values()))
        if not first:
            raise TableError(
                f"table {rows['file']} row {number}: the {next(iter(columns.values()))!r} "
                "column is blank, and each row's step is named after it"
            )
        given = {name: value for name, value in values.items() if value}
        expanded.append((f"{step}:{first}", {**fields, **given}))
    return expanded
