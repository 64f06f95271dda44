"""Pure upcasters: old stored payloads are rewritten to the current schema as they are read.

Stored events are never edited (the hash chain covers them as written); a reader lifts each
payload to the current `schema_version` before folding it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from contracts.people import leaver_reason_code

Payload = dict[str, Any]
Upcaster = Callable[[Payload], Payload]


def _post_created_v1_to_v2(payload: Payload) -> Payload:
    """v1 named one `funding_source` for the whole cost; v2 lists shares per source."""
    lifted = {key: value for key, value in payload.items() if key != "funding_source"}
    source = payload.get("funding_source")
    lifted["funding"] = [{"source_id": source, "share": "1"}] if source else []
    return lifted


def _postholder_left_v1_to_v2(payload: Payload) -> Payload:
    """v1 kept a leaver's reason as free text; v2 has a code, so readers never see the text."""
    return {**payload, "reason": leaver_reason_code(payload.get("reason"))}


UPCASTERS: dict[tuple[str, int], Upcaster] = {
    ("PostCreated", 1): _post_created_v1_to_v2,
    ("PostholderLeft", 1): _postholder_left_v1_to_v2,
}
"""(type, version) -> function lifting a payload from that version to the next."""

CURRENT_VERSIONS: dict[str, int] = {
    "PostCreated": 2,
    "PostholderLeft": 2,
}
"""Current schema version of each event type; types not listed are at version 1."""


def current_version(event_type: str) -> int:
    """The schema version new events of `event_type` are written with."""
    return CURRENT_VERSIONS.get(event_type, 1)


def upcast(event_type: str, version: int, payload: Payload) -> Payload:
    """Lift `payload` from `version` to the current version of `event_type`."""
    target = current_version(event_type)
    while version < target:
        payload = UPCASTERS[event_type, version](payload)
        version += 1
    return payload
