"""The one place stored events are lifted to the current schema before any read model folds them.

Stored events are never edited (the hash chain covers them as written), so every reader upcasts
old payloads as it reads; doing it here means no fold ever sees an old shape.
"""

from __future__ import annotations

from typing import Any

from contracts.upcasting import current_version, upcast


def payload_of(event: dict[str, Any]) -> dict[str, Any]:
    """The event's payload at the current schema version of its type."""
    payload: dict[str, Any] = event["payload"]
    version = int(event.get("schema_version", 1))
    if version != current_version(event["type"]):
        return upcast(event["type"], version, dict(payload))
    return payload
