"""Per-identity request budgets, and the CLI's transport that waits a 429 out."""

from __future__ import annotations

import httpx

from cli.patient_transport import PatientTransport
from eventlog.rate_limit import RateLimiter


def test_a_bucket_allows_its_burst_then_refills_at_its_rate() -> None:
    """Three at once pass, the fourth waits a second; a second later one more passes."""
    limits = RateLimiter(rate=1, burst=3)
    assert [limits.take("hr", 0.0) for _ in range(3)] == [None, None, None]
    assert limits.take("hr", 0.0) == 1
    assert limits.take("hr", 1.0) is None
    assert limits.take("hr", 1.0) == 1


def test_one_identity_spending_its_budget_leaves_the_others_theirs() -> None:
    """Buckets are per key: hr out of budget does not slow finance."""
    limits = RateLimiter(rate=0.5, burst=1)
    assert limits.take("hr", 0.0) is None
    assert limits.take("hr", 0.0) == 2
    assert limits.take("finance", 0.0) is None


def test_the_transport_waits_as_told_and_sends_again() -> None:
    """Two 429s with Retry-After 2 then a 200: the caller sees the 200, after waits of 2 s."""
    answers = iter([429, 429, 200])
    waits: list[float] = []

    def stack(request: httpx.Request) -> httpx.Response:
        return httpx.Response(next(answers), headers={"Retry-After": "2"}, request=request)

    transport = PatientTransport(httpx.MockTransport(stack), sleep=waits.append)
    with httpx.Client(transport=transport) as client:
        reply = client.post("http://stack/posts", json={"x": 1})
    assert reply.status_code == 200
    assert waits == [2.0, 2.0]


def test_the_transport_gives_up_after_its_attempts() -> None:
    """Always 429: after `attempts` sends the caller gets the 429 to report."""
    sent: list[int] = []

    def stack(request: httpx.Request) -> httpx.Response:
        sent.append(1)
        return httpx.Response(429, headers={"Retry-After": "nonsense"}, request=request)

    transport = PatientTransport(httpx.MockTransport(stack), attempts=3, sleep=lambda _: None)
    with httpx.Client(transport=transport) as client:
        assert client.get("http://stack/structure").status_code == 429
    assert len(sent) == 3
