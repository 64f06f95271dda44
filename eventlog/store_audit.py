"""One event store's entries checked in order, wherever they are read from (pure).

The same check for a live stream in Redis (eventlog.audit) and for a stream in an archive
(eventlog.archive): every entry continues the hash chain and matches its type's schema (its
payload upcast first), each signed head is signed by the stream owner's key (with `trusted`
keys) and the last event ends a signed batch, the stream still holds what a checkpoint saw
(with a `saved` head), and its end is the recorded head.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import orjson
from pydantic import ValidationError

from contracts.registry import UnknownTypeError, parse_event
from eventlog.hashchain import ChainReport, ChainVerifier

if TYPE_CHECKING:
    from eventlog.checkpoints import SavedHead
    from eventlog.head_signing import TrustedKeys


def schema_problem(raw: bytes) -> str | None:
    """Why a stored event (whose hash is sound) does not match its type's schema, if it does not.

    The payload is upcast to the current version first, as every reader sees it.
    """
    body = orjson.loads(raw)
    try:
        parse_event(body)
    except UnknownTypeError:
        return f"event type {body.get('type')!r} is not one any service records"
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        return f"does not match the {body.get('type')} schema: {where}: {first['msg']}"
    return None


class StoreAudit:
    """Feed a store's entries in order, then finish with its recorded head."""

    def __init__(
        self, stream: str, trusted: TrustedKeys | None = None, saved: SavedHead | None = None
    ) -> None:
        self.stream = stream
        self.trusted = trusted
        self.saved = saved
        self.verifier = ChainVerifier()
        self.signed_end = True
        self.last: tuple[str, bytes] = ("(end)", b"")
        """The last entry fed: where a problem with the end is reported."""

    def feed(self, entry_id: str, raw: bytes, signature: str | None) -> ChainReport | None:
        """Check one more entry; the failed report if it breaks the log, else None."""
        verifier = self.verifier
        if not verifier.feed(entry_id, raw):
            return verifier.finish(None, None)
        if verifier.looking:
            return None
        self.last = (entry_id, raw)
        self.signed_end = signature is not None
        if self.trusted and signature is not None:
            problem = self.trusted.problem(
                self.stream, verifier.events, verifier.prev_hash, signature
            )
            if problem is not None:
                return verifier.fail(entry_id, raw, problem)
        problem = schema_problem(raw)
        if problem is not None:
            return verifier.fail(entry_id, raw, problem)
        saved = self.saved
        if saved and verifier.events == saved.sequence and verifier.prev_hash != saved.hash:
            return verifier.fail(
                entry_id,
                raw,
                f"event {saved.sequence} is not the one the checkpoint recorded: the log was "
                "rewritten since",
            )
        return None

    def finish(self, head_hash: str | None, head_sequence: int | None) -> ChainReport:
        """The report once every entry was fed, against the recorded head (None: none)."""
        report = self.verifier.finish(head_hash, head_sequence)
        problem = self._end_problem() if report.ok else None
        return report if problem is None else self.verifier.fail(*self.last, problem)

    def _end_problem(self) -> str | None:
        """What is wrong with where a whole, unbroken chain ends (None: nothing)."""
        events = self.verifier.events
        if self.trusted and events and not self.signed_end:
            return "the last event ends no signed head: it was appended by hand"
        if self.saved and events < self.saved.sequence:
            return (
                f"the stream ends at event {events} but the checkpoint recorded event "
                f"{self.saved.sequence}: the log lost events since (trimmed, or rolled back)"
            )
        return None
