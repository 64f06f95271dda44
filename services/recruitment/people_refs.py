"""Answers with people shown by their references, not their pseudonyms (pure).

Views fold and count people by pseudonym; only the answer a caller is given names them by the
reference the HR system uses, opened from the sealed copy in the log with the key it still has.
A person whose key was destroyed is shown as `erased`; counts and figures are as they were.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Mapping

ERASED = "erased"
"""How a person whose key was destroyed is shown."""

FIELD = "person_ref"


def people_named(document: Any) -> set[str]:
    """Every value of a `person_ref` field anywhere in `document`."""
    found: set[str] = set()
    if isinstance(document, dict):
        for key, value in document.items():
            if key == FIELD and isinstance(value, str):
                found.add(value)
            else:
                found |= people_named(value)
    elif isinstance(document, list):
        for item in document:
            found |= people_named(item)
    return found


def with_refs(document: Any, refs: Mapping[str, str | None]) -> Any:
    """`document` with each pseudonym in `refs` replaced by its reference (None: erased)."""
    if isinstance(document, dict):
        return {
            key: _shown(value, refs)
            if key == FIELD and isinstance(value, str)
            else with_refs(value, refs)
            for key, value in document.items()
        }
    if isinstance(document, list):
        return [with_refs(item, refs) for item in document]
    return document


def _shown(person: str, refs: Mapping[str, str | None]) -> str:
    if person not in refs:
        return person
    return refs[person] or ERASED
