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


class ChainVerifier:
    """Walks a stream's entries in order and stops at the first inconsistency.

    Detects an edited body (hash mismatch), a deleted or reordered event (prev_hash or sequence
    out of step), and, with `finish`, events missing from the end (the recorded head disagrees).
    """

    def __init__(self) -> None:
        self.events = 0
        self.prev_hash = GENESIS
        self.first_break: ChainBreak | None = None

    def feed(self, entry_id: str, raw: bytes) -> bool:  # noqa: PLR0911 - one return per check
        """Check one entry; return False once the chain is broken (stop feeding then)."""
        if self.first_break is not None:
            return False
        try:
            body = orjson.loads(raw)
        except orjson.JSONDecodeError:
            return self._break(entry_id, None, None, "body is not valid JSON")
        if not isinstance(body, dict):
            return self._break(entry_id, None, None, "body is not a JSON object")
        event_id, sequence = body.get("event_id"), body.get("sequence")
        expected_sequence = self.events + 1
        if body.get("prev_hash") != self.prev_hash:
            return self._break(
                entry_id,
                event_id,
                sequence,
                "prev_hash does not match the previous event: an event before it was "
                "deleted, inserted or reordered",
            )
        if sequence != expected_sequence:
            return self._break(
                entry_id, event_id, sequence, f"sequence {sequence}, expected {expected_sequence}"
            )
        if body.get("hash") != event_hash(body):
            return self._break(entry_id, event_id, sequence, "hash mismatch: the event was edited")
        self.events += 1
        self.prev_hash = str(body["hash"])
        return True

    def finish(self, head_hash: str | None, head_sequence: int | None) -> ChainReport:
        """Compare the walked chain with the stream's recorded head and report."""
        if self.first_break is None and (head_hash or GENESIS) != self.prev_hash:
            self.first_break = ChainBreak(
                entry_id="(end)",
                event_id=None,
                sequence=head_sequence,
                reason=(
                    f"the stream ends at event {self.events} but its head records event "
                    f"{head_sequence}: events were removed from the end"
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
