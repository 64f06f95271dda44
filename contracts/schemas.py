"""JSON Schema of every command and event, the documents other systems integrate against.

`estab schemas DIR` writes one file per message; the service's OpenAPI document (`/openapi.json`)
covers the HTTP bodies too.
"""

from __future__ import annotations

from typing import Any

from contracts.envelope import Envelope
from contracts.registry import (
    COMMAND_TYPES,
    EVENT_TYPES,
    FINANCE_COMMAND_TYPES,
    GRADING_COMMAND_TYPES,
    RECRUITMENT_COMMAND_TYPES,
)


def command_schemas() -> dict[str, dict[str, Any]]:
    """Type name -> JSON Schema of the command as sent on a stream or over HTTP."""
    every = {
        **COMMAND_TYPES,
        **GRADING_COMMAND_TYPES,
        **RECRUITMENT_COMMAND_TYPES,
        **FINANCE_COMMAND_TYPES,
    }
    return {name: model.model_json_schema() for name, model in every.items()}


def event_schemas() -> dict[str, dict[str, Any]]:
    """Type name -> JSON Schema of the whole stored event (envelope with its payload)."""
    return {
        name: Envelope[model].model_json_schema()  # type: ignore[valid-type]
        for name, model in EVENT_TYPES.items()
    }
