"""What `estab verify` says is wrong with a broken chain: edited, inserted, missing, reordered,
truncated — each named at the entry where the chain stops being the one recorded."""

from __future__ import annotations

import orjson

from eventlog.hashchain import GENESIS, LOOKAHEAD, seal, verify

Entries = list[tuple[str, bytes]]


def _chain(count: int) -> tuple[Entries, str]:
    """`count` sealed events as (entry id, body) pairs, and the head hash."""
    entries: Entries = []
    prev = GENESIS
    for sequence in range(1, count + 1):
        body = seal({"event_id": f"e{sequence}", "sequence": sequence, "payload": {}}, prev)
        prev = body["hash"]
        entries.append((f"{sequence}-0", orjson.dumps(body)))
    return entries, prev


def _reason(entries: Entries, head: str, count: int) -> tuple[str, str]:
    report = verify(entries, head, count)
    assert report.first_break is not None
    return report.first_break.entry_id, report.first_break.reason


def test_an_intact_chain_verifies() -> None:
    """Every event chained and the head matching: no break."""
    entries, head = _chain(5)
    assert verify(entries, head, 5).ok


def test_an_edited_field_is_named_edited() -> None:
    """A payload changed in place breaks its own hash: `edited` at that entry."""
    entries, head = _chain(5)
    body = orjson.loads(entries[2][1])
    body["payload"] = {"title": "forged"}
    entries[2] = (entries[2][0], orjson.dumps(body))
    assert _reason(entries, head, 5)[0] == "3-0"
    assert "edited" in _reason(entries, head, 5)[1]


def test_a_deleted_entry_is_named_missing() -> None:
    """An event taken out of the middle never comes: `missing`, at the entry after the gap."""
    entries, head = _chain(6)
    del entries[2]
    entry_id, reason = _reason(entries, head, 6)
    assert entry_id == "4-0"
    assert reason.startswith("missing: event 3 ")


def test_two_swapped_entries_are_named_reordered() -> None:
    """Two bodies swapped between their entry ids: `reordered`, not missing."""
    entries, head = _chain(6)
    (third, body3), (fourth, body4) = entries[2], entries[3]
    entries[2], entries[3] = (third, body4), (fourth, body3)
    entry_id, reason = _reason(entries, head, 6)
    assert entry_id == "3-0"
    assert reason.startswith("reordered: event 4 comes before event 3")


def test_a_forged_entry_chained_after_a_real_one_is_named_inserted() -> None:
    """A forger who chains a new event after event 2 is caught at event 3: `inserted`."""
    entries, head = _chain(5)
    forged = seal(
        {"event_id": "forged", "sequence": 3, "payload": {}}, orjson.loads(entries[1][1])["hash"]
    )
    entries.insert(2, ("2-5", orjson.dumps(forged)))
    entry_id, reason = _reason(entries, head, 5)
    assert entry_id == "3-0"
    assert reason.startswith("inserted:")
    assert "entry 2-5 (event forged)" in reason


def test_a_self_consistent_entry_that_follows_nothing_is_named_inserted() -> None:
    """An entry with a right hash over a wrong link is inserted, not edited."""
    entries, head = _chain(5)
    forged = seal({"event_id": "forged", "sequence": 3, "payload": {}}, "f" * 64)
    entries.insert(2, ("2-5", orjson.dumps(forged)))
    entry_id, reason = _reason(entries, head, 5)
    assert entry_id == "2-5"
    assert reason.startswith("inserted:")


def test_the_last_entry_cut_off_is_named_truncated() -> None:
    """The head records one more event than the stream holds: `truncated` at the end."""
    entries, head = _chain(5)
    entry_id, reason = _reason(entries[:-1], head, 5)
    assert entry_id == "(end)"
    assert reason.startswith("truncated:")


def test_a_gap_is_called_missing_once_the_lookahead_is_spent() -> None:
    """Past `LOOKAHEAD` entries without the skipped event, the gap is reported as missing."""
    entries, head = _chain(LOOKAHEAD + 10)
    moved = entries.pop(2)
    entries.append(moved)
    assert _reason(entries, head, LOOKAHEAD + 10)[1].startswith("missing: event 3 ")
