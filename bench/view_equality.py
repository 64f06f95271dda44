"""Whether two sets of views are the same, and where they first differ: replay equality's check.

The live services' structure, at-risk list and ledger beside a replay's (bench/replay_equality.py):
totals and posts, the at-risk posts (by post and contract; people's references only where both
sides can name them) and ledger rows, compared as the strings they are, to the penny. A
difference is reported as the path to the first differing value with both sides, shortened.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import orjson

if TYPE_CHECKING:
    from cli.replayed_views import ReplayedViews

SHORT = 600
"""How much of a differing value is printed."""


def _short(value: Any) -> str:
    text = orjson.dumps(value).decode() if value is not MISSING else "(missing)"
    return text if len(text) <= SHORT else f"{text[:SHORT]}..."


MISSING = object()


def _label(item: Any) -> str:
    if isinstance(item, dict):
        for key in ("post_id", "key", "person_ref", "org_unit_id"):
            if key in item:
                return f" {key}={item[key]}"
    return ""


def difference(path: str, live: Any, replayed: Any) -> str | None:
    """Where `replayed` first differs from `live` (a path to the leaf, both values), or None."""
    if live == replayed:
        return None
    if isinstance(live, dict) and isinstance(replayed, dict):
        for key in sorted(set(live) | set(replayed)):
            found = difference(f"{path}.{key}", live.get(key, MISSING), replayed.get(key, MISSING))
            if found is not None:
                return found
    if isinstance(live, list) and isinstance(replayed, list):
        for index, (one, other) in enumerate(zip(live, replayed, strict=False)):
            found = difference(f"{path}[{index}{_label(one)}]", one, other)
            if found is not None:
                return found
        longer, name = (live, "live") if len(live) > len(replayed) else (replayed, "replayed")
        shorter = min(len(live), len(replayed))
        return (
            f"{path}: live has {len(live)} items, replayed {len(replayed)}; "
            f"the first only {name} has: {_short(longer[shorter])}"
        )
    return f"{path}: live {_short(live)} != replayed {_short(replayed)}"


def at_risk_posts(document: dict[str, Any]) -> list[dict[str, Any]]:
    """The posts of everyone at risk, flattened, in post and contract order (no person named)."""
    posts = [post for person in document["people"] for post in person["posts"]]
    return sorted(posts, key=lambda post: (post["post_id"], post["contract_id"]))


def compare(live: ReplayedViews, replayed: ReplayedViews, *, by_reference: bool) -> str | None:
    """The first difference between the live views and a replay's (None: they are equal).

    `by_reference`: the replay names people by reference (Redis), so they are compared too.
    """
    assert replayed.ledger is not None
    assert live.ledger is not None
    pairs: list[tuple[str, Any, Any]] = [
        ("structure.totals", live.structure["totals"], replayed.structure["totals"]),
        ("structure.posts", live.structure["posts"], replayed.structure["posts"]),
        ("at_risk.totals", live.at_risk["totals"], replayed.at_risk["totals"]),
        ("at_risk.posts", at_risk_posts(live.at_risk), at_risk_posts(replayed.at_risk)),
        ("ledger.totals", live.ledger["totals"], replayed.ledger["totals"]),
        ("ledger.rows", live.ledger["rows"], replayed.ledger["rows"]),
    ]
    if by_reference:
        pairs.append(("at_risk.people", live.at_risk["people"], replayed.at_risk["people"]))
    for path, one, other in pairs:
        found = difference(path, one, other)
        if found is not None:
            return found
    return None


def summary(views: ReplayedViews) -> str:
    """`structure ok (N posts), at-risk ok (N people), ledger ok (N rows)`."""
    assert views.ledger is not None
    return (
        f"structure ok ({len(views.structure['posts']):,} posts), "
        f"at-risk ok ({views.at_risk['totals']['people']:,} people), "
        f"ledger ok ({len(views.ledger['rows']):,} rows)"
    )
