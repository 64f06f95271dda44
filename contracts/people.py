"""How people appear in messages: an opaque reference, and why a contract ended, as a code.

Establishment control needs to know that the same person holds two posts, never who they are.
A `person_ref` is the HR system's opaque key for someone (an employee number, a UUID): it may
not hold `.`-separated name parts (`john.smith`) or anything shaped like a National Insurance
number, whatever else a tenant's own pattern allows. Why someone left is one code from a fixed
list, never free text (which in practice carries health details and grievances).
"""

from __future__ import annotations

import re
from typing import Annotated, Literal, get_args

from pydantic import AfterValidator

_OPAQUE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_:-]{0,63}$")
_NATIONAL_INSURANCE = re.compile(
    r"(?<![A-Za-z])[A-Z]{2}[ _:-]?\d{2}[ _:-]?\d{2}[ _:-]?\d{2}(?!\d)",
    re.IGNORECASE,
)


def opaque(ref: str) -> str:
    """`ref`, if it is an opaque key and not a name or a National Insurance number."""
    if "." in ref:
        raise ValueError("a person_ref may not hold '.': it looks like name parts (john.smith)")
    if not _OPAQUE.fullmatch(ref):
        raise ValueError(
            "a person_ref is 1-64 letters, digits and _:-, starting with a letter or digit"
        )
    if _NATIONAL_INSURANCE.search(ref):
        raise ValueError(
            "a person_ref may not hold a National Insurance number (two letters, six digits)"
        )
    return ref


PersonRef = Annotated[str, AfterValidator(opaque)]
"""An HR system's opaque reference for a person (`emp-0042`, a UUID)."""

LeaverReason = Literal[
    "resignation",
    "retirement",
    "end-of-contract",
    "redundancy",
    "dismissal",
    "death",
    "transfer",
    "other",
]
"""Why a contract ended: one code from the list, no free text."""

LEAVER_REASONS: tuple[str, ...] = get_args(LeaverReason)
"""The codes of `LeaverReason`, in the order they are listed."""


def leaver_reason_code(text: str | None) -> str | None:
    """The code a leaver's recorded reason stands for: itself if a code, else `other`.

    Events recorded before reasons were codes carry free text; readers see only its code.
    """
    if text is None:
        return None
    spelled = "-".join(text.strip().casefold().replace("_", " ").split())
    return spelled if spelled in LEAVER_REASONS else "other"
