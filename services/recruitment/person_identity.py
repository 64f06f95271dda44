"""How recruitment's rules name a person in what they record: a pseudonym, never the reference.

Pure. The shell (services.recruitment.application) finds each named person's pseudonym and sealed
reference in the key store before deciding and hands them over in the scene; the rules check
the reference against the tenant's pattern and then decide by pseudonym.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from contracts.decisions import DomainError
from contracts.rejections import Reason

if TYPE_CHECKING:
    from services.recruitment.scene import Scene


def recorded_as(scene: Scene, ref: str, *, appointing: bool) -> tuple[str, str | None]:
    """The pseudonym events record for `ref`, and `ref` sealed for an appointment.

    Someone recorded before references were sealed keeps their reference as their pseudonym.
    A scene without a key store (`people` None: pure tests, benchmarks) records references as
    given; with one, an appointment of someone it has no identity for is refused rather than
    recorded in the clear.
    """
    pattern = scene.policy.person_ref_pattern
    if pattern is not None and not re.fullmatch(pattern, ref):
        raise DomainError(
            Reason.INVALID, f"person_ref {ref!r} does not match this tenant's pattern {pattern!r}"
        )
    if scene.people is None or scene.workforce.contracts_of_person(ref):
        return ref, None
    identity = scene.people.get(ref)
    if identity is not None:
        return identity.person_id, identity.sealed
    if appointing:
        raise DomainError(Reason.INVALID, f"no key could be made to seal person_ref {ref!r}")
    return ref, None
