"""A planned import: the commands to send in order, and the rows refused before any is sent.

Each command names the file rows it comes from and the earlier commands it needs.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from importing.model import PrivateNames, Refusal, Source


class Kind(StrEnum):
    """What a step records."""

    GRADE = "grade"
    ORG_UNIT = "org_unit"
    POST = "post"
    APPOINTMENT = "appointment"


@dataclass(frozen=True, slots=True)
class Need:
    """An earlier step this one cannot do without, and how a refusal names it."""

    key: str
    phrase: str
    """e.g. `it reports to post 'S2' (senior.csv row 4)`."""


@dataclass(frozen=True, slots=True)
class Step:
    """One command to send."""

    key: str
    """What it records (`post:ID`, `org-unit:ID`, `grade:KEY`, `appointment:POST:PERSON`)."""
    kind: Kind
    message: dict[str, Any]
    """The command as the command stream carries it (`type`, `command_id`, its fields)."""
    sources: tuple[Source, ...]
    needs: tuple[Need, ...] = ()

    @property
    def command_id(self) -> str:
        """The step's idempotency key."""
        return str(self.message["command_id"])


@dataclass(frozen=True)
class Plan:
    """Every step in the order it is sent, the rows refused on reading and planning, notes."""

    steps: tuple[Step, ...]
    refused: tuple[Refusal, ...]
    notes: tuple[str, ...]
    private: PrivateNames
    files: tuple[str, ...] = ()
    """The files' names in the order given."""

    def count(self, kind: Kind) -> int:
        """How many steps record a `kind`."""
        return sum(1 for step in self.steps if step.kind is kind)
