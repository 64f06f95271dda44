"""`--mapping MAP.yaml`: how a posts report with unusual headings maps onto the fields.

```yaml
columns:                    # field: the column's heading in the file
  post_id: Position Code
  title: Role
  grade: Pay Band
  weekly_hours: Hrs
  org_unit_path: Hierarchy
  reports_to: Manager Position
  person_ref: Emp No
full_time_hours: 36         # the full-time week weekly hours are a share of (default 37)
sheet: Posts                # the workbook sheet to read (default: the first with a header)
unit_separator: ">"         # between the levels of an org unit path (default "/")
```

Fields the mapping does not name are still found by their usual headings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import yaml

from importing.headings import POSTS_REPORT_FIELDS

if TYPE_CHECKING:
    from pathlib import Path

FULL_TIME_HOURS = Fraction(37)
"""The usual local-government full-time week."""

OPTIONS = frozenset({"columns", "full_time_hours", "sheet", "unit_separator"})


class MappingError(ValueError):
    """A mapping file that cannot be used."""


@dataclass(frozen=True, slots=True)
class ColumnMapping:
    """A posts report's headings and reading options."""

    columns: dict[str, str] = field(default_factory=dict)
    full_time_hours: Fraction = FULL_TIME_HOURS
    sheet: str | None = None
    unit_separator: str = "/"


def _hours(value: Any) -> Fraction:
    try:
        hours = Fraction(Decimal(str(value)))
    except (InvalidOperation, ValueError):
        raise MappingError(f"full_time_hours must be a number of hours, got {value!r}") from None
    if hours <= 0:
        raise MappingError("full_time_hours must be positive")
    return hours


def parse_mapping(document: Any) -> ColumnMapping:
    """A mapping from its YAML document.

    Raises:
        MappingError: unknown options or fields, or values of the wrong kind.
    """
    if document is None:
        return ColumnMapping()
    if not isinstance(document, dict):
        raise MappingError("a mapping is a YAML mapping of options (columns, full_time_hours...)")
    unknown = sorted(set(document) - OPTIONS)
    if unknown:
        raise MappingError(f"unknown options {unknown}; known: {sorted(OPTIONS)}")
    columns = document.get("columns") or {}
    if not isinstance(columns, dict) or not all(
        isinstance(heading, str) and heading.strip() for heading in columns.values()
    ):
        raise MappingError("columns maps each field to the heading of its column")
    fields = sorted(set(columns) - set(POSTS_REPORT_FIELDS))
    if fields:
        raise MappingError(f"unknown fields {fields}; known: {sorted(POSTS_REPORT_FIELDS)}")
    sheet = document.get("sheet")
    separator = document.get("unit_separator", "/")
    if not isinstance(separator, str) or not separator.strip():
        raise MappingError("unit_separator must be a non-blank string")
    return ColumnMapping(
        columns={str(name): str(heading) for name, heading in columns.items()},
        full_time_hours=_hours(document.get("full_time_hours", FULL_TIME_HOURS)),
        sheet=None if sheet is None else str(sheet),
        unit_separator=separator.strip(),
    )


def read_mapping(path: Path) -> ColumnMapping:
    """The mapping in a YAML file.

    Raises:
        MappingError: the file cannot be read or is not a valid mapping.
    """
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise MappingError(f"{path}: cannot read the mapping: {error}") from None
    try:
        return parse_mapping(document)
    except MappingError as error:
        raise MappingError(f"{path}: {error}") from None
