"""Erasing a person: their key destroyed, and the input messages that named them removed.

The log itself is never touched (it holds the person only as a pseudonym and a sealed reference,
which no one can open once the key is gone), so it still verifies and every figure stays. What
did hold the reference in the clear is input: commands HR systems put on `recruitment.commands`
and the refusals on `recruitment.rejections` that quote them. Those that name the person and
have been dealt with (read and acknowledged by recruitment's group; every refusal) are deleted.
A command not yet dealt with is left to be decided, and counted, so the caller can erase again
once it has been.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from contracts.rejections import Reason
from contracts.streams import RECRUITMENT_COMMANDS, RECRUITMENT_REJECTIONS, stream_key
from eventlog.problems import ProblemError

if TYPE_CHECKING:
    from redis.asyncio import Redis

    from services.recruitment.application import TenantRecruitment

PAGE = 1_000


@dataclass(frozen=True, slots=True)
class Erased:
    """What erasing one person did."""

    person_id: str
    contracts: int
    inputs_deleted: int
    inputs_pending: int
    """Commands naming the person not yet dealt with, left in place."""

    def view(self) -> dict[str, object]:
        """As the API answers it."""
        return {
            "person_id": self.person_id,
            "erased": True,
            "contracts": self.contracts,
            "inputs_deleted": self.inputs_deleted,
            "inputs_pending": self.inputs_pending,
        }


def _id(entry_id: object) -> tuple[int, int]:
    text = _text(entry_id)
    milliseconds, _, sequence = text.partition("-")
    return int(milliseconds), int(sequence or 0)


async def erase_person(recruitment: TenantRecruitment, group: str, ref: str) -> Erased:
    """Destroy `ref`'s key and delete the dealt-with inputs that name it.

    Raises:
        ProblemError: no such person (404), or one recorded in the clear before references were
            sealed (409 not-erasable).
    """
    workforce = await recruitment.current()
    person_id = await recruitment.person_keys.erase(ref)
    if person_id is None:
        if workforce.contracts_of_person(ref):
            raise ProblemError(
                Reason.NOT_ERASABLE,
                "this person was recorded before references were sealed: the reference is in "
                "the log itself (docs/PERSONAL_DATA.md)",
            )
        raise ProblemError(Reason.NOT_FOUND, f"tenant {recruitment.tenant!r} knows no such person")
    commands = stream_key(recruitment.tenant, RECRUITMENT_COMMANDS)
    dealt_with, pending = await _dealt_with(recruitment.redis, commands, group)
    deleted, left = await _delete_naming(recruitment.redis, commands, ref, dealt_with, pending)
    refusals = stream_key(recruitment.tenant, RECRUITMENT_REJECTIONS)
    refused, _ = await _delete_naming(recruitment.redis, refusals, ref, None, frozenset())
    return Erased(person_id, len(workforce.contracts_of_person(person_id)), deleted + refused, left)


async def _dealt_with(
    redis: Redis, stream: str, group: str
) -> tuple[tuple[int, int], frozenset[tuple[int, int]]]:
    """The last entry `group` has read, and those it has read but not yet acknowledged."""
    if not await redis.exists(stream):
        return (0, 0), frozenset()
    groups = await redis.xinfo_groups(stream)
    found = next((info for info in groups if _text(info["name"]) == group), None)
    if found is None:
        return (0, 0), frozenset()
    pending = await redis.xpending_range(stream, group, "-", "+", int(found["pending"]) or 1)
    return _id(found["last-delivered-id"]), frozenset(_id(item["message_id"]) for item in pending)


def _text(value: object) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


async def _delete_naming(
    redis: Redis,
    stream: str,
    ref: str,
    read_up_to: tuple[int, int] | None,
    pending: frozenset[tuple[int, int]],
) -> tuple[int, int]:
    """Delete the entries of `stream` that quote `ref` and are dealt with; (deleted, left)."""
    quoted = f'"{ref}"'.encode()
    doomed: list[str] = []
    left = 0
    start = "-"
    while page := await redis.xrange(stream, start, "+", count=PAGE):
        for entry_id, fields in page:
            values = (fields or {}).values()
            if not any(quoted in (v.encode() if isinstance(v, str) else v) for v in values):
                continue
            position = _id(entry_id)
            if read_up_to is None or (position <= read_up_to and position not in pending):
                doomed.append(_text(entry_id))
            else:
                left += 1
        start = f"({_text(page[-1][0])}"
    if doomed:
        await redis.xdel(stream, *doomed)
    return len(doomed), left
