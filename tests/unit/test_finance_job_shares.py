"""The forecast follows each contract of a job-shared or part-filled post (pure).

Holdings are folded straight into finance's reading of recruitment's stream, exactly as recorded
appointments arrive, so these pin finance's costing whatever recruitment's rules accept. Expected
figures come from seed 000's costing basis, one person at a time (`basis_cost`).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from finance_council import Council, basis_cost, basis_council
from seed_000 import OLD_SPINE_2018

from contracts.money import PENNY
from services.finance.costing import FORECAST, Policy, rate
from services.finance.funding import sensitivity
from services.finance.ledger import ledger


def _person(point: int, fte: str) -> Decimal:
    """One person's annual cost at a PO6 point and FTE, with their own NI threshold."""
    return basis_cost(OLD_SPINE_2018[str(point)], fte)


def _council(start: str = "2018-04-01") -> Council:
    council = basis_council()
    council.unit()
    council.officer(effective=start)
    return council


def _recorded(council: Council, kind: str, effective: str, payload: dict[str, Any]) -> None:
    """Fold one recruitment event into finance's reading of recruitment's stream."""
    council.sequence += 1
    council.staffing.apply(
        {
            "event_id": f"r{council.sequence}",
            "type": kind,
            "aggregate_type": "contract",
            "aggregate_id": payload.get("contract_id", payload["post_id"]),
            "aggregate_version": council.sequence,
            "effective_date": effective,
            "recorded_at": f"2026-01-01T00:00:00.{council.sequence:06d}Z",
            "payload": payload,
        }
    )


def _appointed(council: Council, person: str, start: str, fte: str, scp: int) -> None:
    _recorded(
        council,
        "PostholderAppointed",
        start,
        {
            "contract_id": f"c-{person}",
            "post_id": "p",
            "person_ref": person,
            "fte": fte,
            "scp": scp,
        },
    )


def test_two_half_time_holders_at_different_points_cost_the_sum_of_each() -> None:
    """Two 0.5 contracts at points 47 and 49 cost each person's own cost, added."""
    council = _council()
    _appointed(council, "a", "2018-04-01", "0.5", 47)
    _appointed(council, "b", "2018-04-01", "0.5", 49)
    forecast = rate(council.books, "p", "2018-06-01", Policy(basis=FORECAST))
    assert forecast == _person(47, "0.5") + _person(49, "0.5")
    assert rate(council.books, "p", "2018-06-01", Policy()) == _person(49, "1")  # the budget


def test_a_holder_plus_the_vacancy_factor_on_the_unfilled_share() -> None:
    """A 0.5 holder, and the vacancy factor times the budget of the other half of the post."""
    council = _council()
    _appointed(council, "a", "2018-04-01", "0.5", 47)
    factor = Decimal("0.4")
    forecast = rate(council.books, "p", "2018-06-01", Policy(basis=FORECAST, vacancy_factor=factor))
    assert forecast == _person(47, "0.5") + factor * _person(49, "1") / 2


def test_the_ledger_splits_a_part_filled_post_into_obligations_and_commitments() -> None:
    """Approved to recruit: the holder's cost is an obligation, the vacant half a commitment."""
    council = _council()
    _appointed(council, "a", "2018-04-01", "0.5", 47)
    _recorded(council, "RecruitmentApproved", "2018-05-01", {"post_id": "p"})
    view = ledger(
        council.books, 2018, as_of="2018-06-01", group_by="post", policy=Policy(basis=FORECAST)
    )
    totals = view["totals"]
    assert Decimal(totals["obligations"]) == _person(47, "0.5").quantize(PENNY)
    assert Decimal(totals["commitments"]) == (_person(49, "1") / 2).quantize(PENNY)
    assert totals["annual_cost"] == totals["obligations"]  # vacancy factor 0
    budget = ledger(council.books, 2018, as_of="2018-06-01", group_by="post", policy=Policy())
    assert Decimal(budget["totals"]["annual_cost"]) == _person(49, "1").quantize(PENNY)


def test_one_job_sharer_leaving_leaves_the_other_costed() -> None:
    """After one of two sharers leaves, the forecast costs the one still in post."""
    council = _council()
    _appointed(council, "a", "2018-04-01", "0.5", 47)
    _appointed(council, "b", "2018-04-01", "0.5", 48)
    _recorded(council, "PostholderLeft", "2018-08-31", {"contract_id": "c-b", "post_id": "p"})
    policy = Policy(basis=FORECAST)
    assert rate(council.books, "p", "2018-08-31", policy) == _person(47, "0.5") + _person(48, "0.5")
    assert rate(council.books, "p", "2018-09-01", policy) == _person(47, "0.5")


def test_a_months_delay_moves_every_contract_of_a_job_share() -> None:
    """Both sharers starting a month later lose October's 31 days of each one's cost."""
    council = _council(start="2018-04-01")
    _appointed(council, "a", "2018-10-01", "0.5", 47)
    _appointed(council, "b", "2018-10-01", "0.5", 48)
    change = Decimal(sensitivity(council.books, 2018, 1)["change"])
    both = (_person(47, "0.5") + _person(48, "0.5")) * 31 / 365
    assert abs(change + both) <= PENNY
