"""One tenant's event-sourced state: its store, the projection kept in step, the command path.

Every service that records events shares this path (catch up, check idempotency, decide, append),
for HTTP and streams alike. Writes for a tenant go one batch at a time under a lock; the append
itself re-checks the chain head, versions and idempotency keys atomically in Redis, so a second
process writing the same tenant can never interleave wrongly: on a conflict this process re-reads
the log and decides again. A subclass says only how to fold (`new_projection`) and how to decide.

Reading and folding the stream (and warm starts from snapshots) is `eventlog.folded_stream`.
"""

from __future__ import annotations

import hashlib
from abc import abstractmethod
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, TypeVar
from uuid import uuid4

from pydantic import BaseModel

from contracts.decisions import DomainError
from contracts.rejections import Reason
from contracts.upcasting import current_version
from eventlog.clock import parse_timestamp
from eventlog.event_log import batch_stamp
from eventlog.folded_stream import Folded, FoldedStream, ProjectionT
from eventlog.hashchain import canonical_json
from eventlog.store import (
    ChainHead,
    Draft,
    DuplicateKeyError,
    HeadMovedError,
    Recorded,
    StoredVersionConflictError,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from contracts.decisions import EventDraft

ATTEMPTS = 5
"""Re-decisions after losing a race with another writer before giving up."""


CommandT = TypeVar("CommandT", bound=BaseModel)


@dataclass(frozen=True, slots=True)
class Submitted(Generic[CommandT]):
    """A validated command with the key that makes it idempotent (command_id or stream entry)."""

    command: CommandT
    idempotency_key: str | None = None


@dataclass(frozen=True, slots=True)
class Accepted:
    """A command recorded (or recorded earlier, when `repeated`): its first event."""

    event: dict[str, Any]
    entry_id: str
    repeated: bool = False

    def result(self) -> dict[str, Any]:
        """What a caller is told: `{<aggregate>_id, event_id, version, recorded_at}`."""
        return {
            f"{self.event['aggregate_type']}_id": self.event["aggregate_id"],
            "event_id": self.event["event_id"],
            "version": self.event["aggregate_version"],
            "recorded_at": self.event["recorded_at"],
        }


@dataclass(frozen=True, slots=True)
class Refused:
    """A command refused: why, in words, and field errors if any."""

    reason: Reason
    detail: str
    errors: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Unchanged:
    """A command that needed no event (e.g. a deletion of a post nobody holds, for recruitment)."""


Outcome = Accepted | Refused | Unchanged


def fingerprint(command: BaseModel) -> str:
    """What a command asks for, ignoring who sent it, so a reused command_id is detected."""
    content = command.model_dump(mode="json", exclude={"command_id", "actor", "correlation_id"})
    return hashlib.sha256(canonical_json(content)).hexdigest()


class CommandLog(FoldedStream[ProjectionT], Generic[CommandT, ProjectionT]):
    """One tenant's own stream, folded, with the command path that appends to it."""

    @abstractmethod
    def decide(self, command: CommandT, projection: ProjectionT) -> Sequence[EventDraft]:
        """The events `command` records, or DomainError."""

    def fingerprint(self, command: CommandT) -> str:
        """What is compared when a command id comes again (`fingerprint` of the command)."""
        return fingerprint(command)

    def actor(self, command: CommandT) -> str:
        """Who is recorded as having asked (the command's `actor`, if it has one)."""
        return str(getattr(command, "actor", None) or "unknown")

    async def execute(
        self, submitted: Sequence[Submitted[CommandT]], *, all_or_nothing: bool = False
    ) -> list[Outcome]:
        """Decide and record a batch of commands in one atomic append.

        Each command sees the effects of those before it in the batch. A command whose key was
        used before gets the original result (or a refusal if its content differs). With
        `all_or_nothing`, one refusal records nothing: the refusals are returned as they are
        and every other command as `WITHHELD`.
        """
        async with self._lock:
            for _ in range(ATTEMPTS):
                await self._catch_up()
                try:
                    outcomes = await self._attempt(submitted, all_or_nothing=all_or_nothing)
                except _WithheldError as withheld:
                    self._forget()
                    return withheld.outcomes
                except (HeadMovedError, StoredVersionConflictError, DuplicateKeyError):
                    self._forget()
                except BaseException:
                    self._forget()
                    raise
                else:
                    pickled = await self._pickle_if_due()
                    break
            else:
                message = "the log kept moving under concurrent writers; try again"
                return [Refused(Reason.VERSION_CONFLICT, message) for _ in submitted]
        await self._write(pickled)
        return outcomes

    def _forget(self) -> None:
        """Drop the projection (it may hold provisional events); the next call starts it again.

        Again from the snapshot, if there is one, else by refolding the whole log.
        """
        self.projection = self.new_projection()
        self.head = ChainHead.empty()
        self._warm = False
        self._provisional = False

    async def _attempt(
        self, submitted: Sequence[Submitted[CommandT]], *, all_or_nothing: bool
    ) -> list[Outcome]:
        keys = [item.idempotency_key for item in submitted if item.idempotency_key]
        prior = dict(zip(keys, await self.store.idempotency_records(keys), strict=True))
        outcomes: list[Outcome | int] = []
        drafts: list[Draft] = []
        folded: list[Folded | None] = []
        first_draft_of: dict[str, int] = {}
        now = self.clock()
        stamp = batch_stamp(self.head, now)  # folded provisionally, events read as stored
        for item in submitted:
            key = item.idempotency_key
            print_ = self.fingerprint(item.command) if key is not None else ""
            if key is not None and (key in first_draft_of or prior.get(key)):
                outcomes.append(await self._repeat(key, print_, prior, first_draft_of, drafts))
                continue
            try:
                decided = self.decide(item.command, self.projection)
            except DomainError as error:
                outcomes.append(Refused(error.reason, error.detail))
                continue
            if not decided:
                outcomes.append(Unchanged())
                continue
            if key is not None:
                first_draft_of[key] = len(drafts)
            outcomes.append(len(drafts))
            for index, event in enumerate(decided):
                body = self._body(item.command, key, event)
                drafts.append(
                    Draft(
                        body=body,
                        aggregate_key=f"{event.aggregate_type}:{event.aggregate_id}",
                        expected_version=event.expected_version,
                        idempotency_key=key if index == 0 else None,
                        fingerprint=print_,
                    )
                )
                provisional = {
                    **body,
                    "sequence": self.head.sequence + len(drafts),
                    "recorded_at": stamp,
                }
                self._provisional = True
                folded.append(self.projection.apply(provisional))
        if all_or_nothing and any(isinstance(item, Refused) for item in outcomes):
            raise _WithheldError(
                [item if isinstance(item, Refused) else WITHHELD for item in outcomes]
            )
        recorded = await self.store.append(drafts, self.head, now) if drafts else []
        self._settle(recorded, folded)
        return [
            Accepted(recorded[item].body, recorded[item].entry_id)
            if isinstance(item, int)
            else item
            for item in outcomes
        ]

    def _body(self, command: CommandT, key: str | None, event: EventDraft) -> dict[str, Any]:
        """The envelope of a decided event, short of what the store seals."""
        return {
            "event_id": str(uuid4()),
            "type": event.type,
            "schema_version": current_version(event.type),
            "tenant": self.tenant,
            "aggregate_type": event.aggregate_type,
            "aggregate_id": event.aggregate_id,
            "aggregate_version": event.expected_version + 1,
            "effective_date": event.effective_date,
            "actor": self.actor(command),
            "correlation_id": getattr(command, "correlation_id", None),
            "causation_id": getattr(command, "command_id", None) or key,
            "payload": event.payload,
            **_on_behalf_of(command),
        }

    async def _repeat(
        self,
        key: str,
        print_: str,
        prior: dict[str, tuple[str, str] | None],
        first_draft_of: dict[str, int],
        drafts: list[Draft],
    ) -> Outcome | int:
        """The answer to a command whose idempotency key was seen already."""
        if key in first_draft_of:
            earlier = drafts[first_draft_of[key]].fingerprint
            return first_draft_of[key] if earlier == print_ else _reused(key)
        stored = prior[key]
        assert stored is not None
        stored_print, entry_id = stored
        if stored_print != print_:
            return _reused(key)
        found = await self.store.entries([entry_id])
        return Accepted(found[0].body, found[0].entry_id, repeated=True)

    def _settle(self, recorded: list[Recorded], folded: list[Folded | None]) -> None:
        """Give the provisionally folded events their stream ids and move the head."""
        for entry, item in zip(folded, recorded, strict=True):
            if entry is not None:
                entry.entry_id = item.entry_id
        self._provisional = False
        if recorded:
            last = recorded[-1]
            self.projection.entry_id = last.entry_id
            self.projection.recorded_at = last.body["recorded_at"]
            self.head = ChainHead(
                sequence=last.body["sequence"],
                hash=last.body["hash"],
                entry_id=last.entry_id,
                recorded_at=parse_timestamp(last.body["recorded_at"]),
            )


WITHHELD = Refused(
    Reason.NO_CHANGE, "not recorded: the batch is all or nothing and a command in it was refused"
)
"""The outcome of a sound command in an all-or-nothing batch that something else refused."""


class _WithheldError(Exception):
    """An all-or-nothing batch with a refusal in it: nothing is appended, the folds undone."""

    def __init__(self, outcomes: list[Outcome]) -> None:
        super().__init__("withheld")
        self.outcomes = outcomes


def _reused(key: str) -> Refused:
    return Refused(
        Reason.COMMAND_REUSED,
        f"{key!r} was already used for a different command; use a new command_id",
    )


def _on_behalf_of(command: object) -> dict[str, str]:
    """The envelope's `on_behalf_of`, only when the command names one (older events lack it)."""
    named = getattr(command, "on_behalf_of", None)
    return {"on_behalf_of": str(named)} if named else {}
