"""The counters bumped where things happen (eventlog.metrics serves them at `/metrics`).

Apart from the route, so the store, the problem handlers and the subscribers can count without
importing the HTTP side.
"""

from __future__ import annotations

from prometheus_client import Counter

EVENTS_APPENDED = Counter(
    "estab_events_appended", "Events appended to a hash-chained stream", ["stream"]
)
REFUSED = Counter(
    "estab_commands_refused", "Commands and requests refused, by reason", ["via", "reason"]
)
DEAD_LETTERS = Counter(
    "estab_dead_letters", "Stream entries given up on after max deliveries", ["stream", "group"]
)
