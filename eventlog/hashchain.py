"""Canonical JSON, event hashes and chain verification. Pure: no Redis here.

An event's `hash` is SHA-256 over the canonical JSON (sorted keys, no spaces, UTF-8) of every
other field of its body, `prev_hash` included; the first event's `prev_hash` is `GENESIS`. Bodies
hold no floats (money and FTE are decimal strings), so canonical JSON round-trips byte for byte.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import orjson

if TYPE_CHECKING:
    from collections.abc import Iterable

GENESIS = "0" * 64


def canonical_json(body: dict[str, Any]) -> bytes:
    """The one byte string a body hashes as: sorted keys, compact, UTF-8."""
    return orjson.dumps(body, option=orjson.OPT_SORT_KEYS)


def event_hash(body: dict[str, Any]) -> str:
    """SHA-256 (hex) of `body` without its own `hash` field."""
    unsealed = {key: value for key, value in body.items() if key != "hash"}
    return hashlib.sha256(canonical_json(unsealed)).hexdigest()


def seal(body: dict[str, Any], prev_hash: str) -> dict[str, Any]:
    """Return `body` chained after `prev_hash`, with its own hash set."""
    chained = {**body, "prev_hash": prev_hash}
    chained["hash"] = event_hash(chained)
    return chained


@dataclass(frozen=True, slots=True)
class ChainBreak:
    """The first event at which a stream stops being the chain it claims to be."""

    entry_id: str
    event_id: str | None
    sequence: int | None
    reason: str


@dataclass(frozen=True, slots=True)
class ChainReport:
    """Outcome of walking one stream."""

    events: int
    head_hash: str
    first_break: ChainBreak | None

    @property
    def ok(self) -> bool:
        """True when every event chains to the one before and the head matches."""
        return self.first_break is None


LOOKAHEAD = 10_000
"""How far past a gap the verifier reads for the events missing there, to tell a reordering
(they come later) from a deletion (they never do)."""


@dataclass(frozen=True, slots=True)
class _Gap:
    """Where events were missing from the chain: the entry after the gap and the ones it skipped."""

    at: ChainBreak
    missing: range


class ChainVerifier:
    """Walks a stream's entries in order and stops at the first inconsistency, saying what it is.

    Edited (the body's hash is wrong); inserted (an entry repeats the sequence of the one before
    it, or does not follow it although its own hash is right); missing (the events skipped at a
    gap never come) or reordered (they come later: read up to `LOOKAHEAD` entries on to tell);
    and, with `finish`, truncated (the recorded head is past the last event).
    """

    def __init__(self) -> None:
        self.events = 0
        self.prev_hash = GENESIS
        self.first_break: ChainBreak | None = None
        self._previous: tuple[str, object] = ("(start)", None)
        """The entry id and event id of the last event that chained."""
        self._gap: _Gap | None = None
        self._ahead = 0

    @property
    def looking(self) -> bool:
        """Whether it is reading on past a gap, to tell a deletion from a reordering."""
        return self._gap is not None

    def feed(self, entry_id: str, raw: bytes) -> bool:  # noqa: PLR0911 - one return per check
        """Check one entry; return False once the chain is broken (stop feeding then)."""
        if self.first_break is not None:
            return False
        if self._gap is not None:
            return self._look(raw)
        try:
            body = orjson.loads(raw)
        except orjson.JSONDecodeError:
            return self._break(entry_id, None, None, "body is not valid JSON")
        if not isinstance(body, dict):
            return self._break(entry_id, None, None, "body is not a JSON object")
        event_id, sequence = body.get("event_id"), body.get("sequence")
        expected = self.events + 1
        if body.get("prev_hash") != self.prev_hash:
            return self._unchained(entry_id, body, expected)
        if sequence != expected:
            return self._break(
                entry_id, event_id, sequence, f"sequence {sequence}, expected {expected}"
            )
        if body.get("hash") != event_hash(body):
            return self._break(entry_id, event_id, sequence, "hash mismatch: the event was edited")
        self.events += 1
        self.prev_hash = str(body["hash"])
        self._previous = (entry_id, event_id)
        return True

    def _unchained(self, entry_id: str, body: dict[str, Any], expected: int) -> bool:
        """An entry that does not follow the one before it: which kind of break it is."""
        event_id, sequence = body.get("event_id"), body.get("sequence")
        before_id, before_event = self._previous
        if isinstance(sequence, int) and expected < sequence:
            gap = ChainBreak(entry_id, str(event_id), sequence, "")
            self._gap = _Gap(gap, range(expected, sequence))
            return True
        if isinstance(sequence, int) and sequence < expected:
            reason = (
                f"inserted: it repeats sequence {sequence}, which entry {before_id} (event "
                f"{before_event}) before it already claims; an entry was inserted"
            )
        elif body.get("hash") == event_hash(body):
            reason = (
                f"inserted: it does not follow entry {before_id} (event {before_event}), though "
                "its own hash is right; it was forged and inserted here"
            )
        else:
            reason = "hash mismatch: the event was edited (its link to the one before included)"
        return self._break(entry_id, event_id, sequence, reason)

    def _look(self, raw: bytes) -> bool:
        """Read on past a gap: found the missing events (reordered), or give up (missing)."""
        gap = self._gap
        assert gap is not None
        try:
            sequence = orjson.loads(raw).get("sequence")
        except (orjson.JSONDecodeError, AttributeError):
            sequence = None
        self._ahead += 1
        if sequence in gap.missing:
            return self._close_gap(
                f"reordered: event {gap.at.sequence} comes before event {sequence}, "
                "which is further on"
            )
        if self._ahead >= LOOKAHEAD:
            return self._close_gap(self._missing_reason(gap))
        return True

    def _close_gap(self, reason: str) -> bool:
        gap = self._gap
        assert gap is not None
        self._gap = None
        return self._break(gap.at.entry_id, gap.at.event_id, gap.at.sequence, reason)

    @staticmethod
    def _missing_reason(gap: _Gap) -> str:
        first, last = gap.missing[0], gap.missing[-1]
        events = f"event {first}" if first == last else f"events {first} to {last}"
        return f"missing: {events} before this entry were deleted"

    def finish(self, head_hash: str | None, head_sequence: int | None) -> ChainReport:
        """Compare the walked chain with the stream's recorded head and report."""
        if self._gap is not None:
            self._close_gap(self._missing_reason(self._gap))
        if self.first_break is None and (head_hash or GENESIS) != self.prev_hash:
            self.first_break = ChainBreak(
                entry_id="(end)",
                event_id=None,
                sequence=head_sequence,
                reason=(
                    f"truncated: the stream ends at event {self.events} but its head records "
                    f"event {head_sequence}: events were removed from the end"
                ),
            )
        return ChainReport(self.events, self.prev_hash, self.first_break)

    def fail(self, entry_id: str, raw: bytes, reason: str) -> ChainReport:
        """Report the chain broken at `entry_id` for a reason found outside it.

        (A signature or a checkpoint.) The event is named if `raw` is its body.
        """
        try:
            body = orjson.loads(raw) if raw else {}
        except orjson.JSONDecodeError:
            body = {}
        body = body if isinstance(body, dict) else {}
        self._break(entry_id, body.get("event_id"), body.get("sequence"), reason)
        return ChainReport(self.events, self.prev_hash, self.first_break)

    def _break(self, entry_id: str, event_id: object, sequence: object, reason: str) -> bool:
        self.first_break = ChainBreak(
            entry_id=entry_id,
            event_id=str(event_id) if event_id is not None else None,
            sequence=sequence if isinstance(sequence, int) else None,
            reason=reason,
        )
        return False


def verify(
    entries: Iterable[tuple[str, bytes]],
    head_hash: str | None = None,
    head_sequence: int | None = None,
) -> ChainReport:
    """Verify a whole stream given as (entry id, body bytes) pairs in stream order."""
    verifier = ChainVerifier()
    for entry_id, raw in entries:
        if not verifier.feed(entry_id, raw):
            break
    return verifier.finish(head_hash, head_sequence)
