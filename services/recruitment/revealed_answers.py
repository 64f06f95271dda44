"""An answer naming people by their references, opened with the keys the tenant still holds.

Views count people by pseudonym; the service's answers and the auditors' replay from Redis both
show the reference the HR system uses instead, so they are the same document. A person whose
key was destroyed is shown as `erased`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from services.recruitment.people_refs import people_named, with_refs

if TYPE_CHECKING:
    from eventlog.person_keys import PersonKeys
    from readmodels.workforce import Workforce


async def revealed(
    keys: PersonKeys, workforce: Workforce, document: dict[str, Any]
) -> dict[str, Any]:
    """`document` with each pseudonym the record sealed replaced by its reference."""
    sealed = workforce.sealed_refs
    named = {person: sealed[person] for person in people_named(document) if person in sealed}
    shown: dict[str, Any] = with_refs(document, await keys.reveal(named))
    return shown
