"""A post's timeline as it stood at an earlier event of the log, as a consumer behind sees it."""

from __future__ import annotations

from typing import Any

from readmodels.establishment import Establishment

CREATED = {
    "post_id": "p",
    "title": "Officer",
    "grade": "PO6",
    "fte": "1",
    "org_unit_id": "u",
}


def event(sequence: int, kind: str, payload: dict[str, Any], effective: str) -> dict[str, Any]:
    """A stored establishment event about post `p`, as the store seals it."""
    return {
        "type": kind,
        "aggregate_type": "post",
        "aggregate_id": "p",
        "aggregate_version": sequence,
        "sequence": sequence,
        "event_id": f"e{sequence}",
        "effective_date": effective,
        "recorded_at": f"2026-01-0{sequence}T00:00:00Z",
        "payload": payload,
    }


def history() -> Establishment:
    """Created PO6 from 2024; re-graded SO1 from 2025 (seq 2); back-dated FTE (seq 3); the
    re-grading retracted (seq 4)."""
    establishment = Establishment()
    for item in (
        event(1, "PostCreated", CREATED, "2024-04-01"),
        event(2, "PostRedesignated", {"post_id": "p", "grade": "SO1"}, "2025-04-01"),
        event(3, "PostFTEChanged", {"post_id": "p", "fte": "0.5"}, "2024-10-01"),
        event(4, "EventRetracted", {"retracted_event_id": "e2"}, "2025-04-01"),
    ):
        establishment.apply(item)
    return establishment


def test_upto_the_latest_event_is_the_timeline_itself() -> None:
    """Nothing later touched the post: the view is the live timeline, not a copy."""
    timeline = history().posts["p"]
    assert timeline.upto(4) is timeline
    assert timeline.upto(9) is timeline


def test_upto_an_earlier_event_leaves_out_what_came_after_it() -> None:
    """At seq 1 the post is PO6 full time on every date; at seq 2 it is SO1 from 2025."""
    timeline = history().posts["p"]
    first = timeline.upto(1)
    post = first.at("2025-06-01")
    assert post is not None
    assert (post.grade, str(post.fte)) == ("PO6", "1")
    assert first.version == 1
    second = timeline.upto(2).at("2025-06-01")
    assert second is not None
    assert (second.grade, str(second.fte)) == ("SO1", "1")


def test_upto_before_a_retraction_still_shows_the_retracted_change() -> None:
    """At seq 3 the re-grading stands (retracted only at seq 4) beside the back-dated FTE."""
    timeline = history().posts["p"]
    before = timeline.upto(3)
    later = before.at("2025-06-01")
    assert later is not None
    assert (later.grade, str(later.fte)) == ("SO1", "0.5")
    assert before.dates() == ["2024-04-01", "2024-10-01", "2025-04-01"]
    now = timeline.at("2025-06-01")
    assert now is not None
    assert now.grade == "PO6"
