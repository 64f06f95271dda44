"""Next year's pay at this year's on-cost rates: `Policy.rates_on` moves only the on-costs (pure).

Councils budget next year's pay award at the rates in force when the budget is written (seed 000
prices 2018/19 pay with 2017/18's NI threshold). Expected figures come from the bundled
catalogue's own recorded rates and pay, with the cost model's on-costs worked out here.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest
from finance_council import Council

from contracts.costing import grade_on, rates_on, salary_on
from contracts.money import PENNY
from contracts.pay_catalogue import OnCostRates
from services.finance.costing import FORECAST, Policy, budget_rate, rate
from services.finance.savings import statement

PAY_ON = "2018-04-01"
RATES_ON = "2018-03-31"


def _pennies(amount: Decimal) -> Decimal:
    return amount.quantize(PENNY, rounding=ROUND_HALF_UP)


def _on_costs(pay: Decimal, rates: OnCostRates) -> Decimal:
    """Employer NI over the per-person threshold, pension and levy on `pay`, each to the penny."""
    ni = rates.employer_ni_rate * max(Decimal(0), pay - rates.ni_threshold)
    pension = pay * rates.pension_rate
    levy = pay * rates.apprenticeship_levy_rate
    return _pennies(ni) + _pennies(pension) + _pennies(levy)


def _pay(council: Council, grade: str, fte: str, point: int | None = None) -> Decimal:
    """A post's pay on PAY_ON, read from the catalogue (the grade's top point unless given)."""
    definition = grade_on(council.books.pay, grade, PAY_ON)
    assert definition is not None
    return salary_on(council.books.pay, definition, PAY_ON, point)[1] * Decimal(fte)


def _council(grade: str, fte: str, effective: str = "2018-03-01") -> Council:
    """The bundled catalogue and one post `p` at `grade` and `fte` in unit `u` from `effective`."""
    council = Council().load("catalogue_njc_leeds_style")
    council.unit("2018-01-01")
    council.officer(effective=effective, grade=grade, fte=fte)
    return council


def test_the_catalogue_records_different_rates_either_side_of_1_april_2018() -> None:
    """The two dates' on-cost rates differ, so pricing on one or the other can be told apart."""
    pay = _council("PO6", "1").books.pay
    assert rates_on(pay, RATES_ON) != rates_on(pay, PAY_ON)


@pytest.mark.parametrize(("grade", "fte"), [("PO6", "1"), ("PO6", "0.5"), ("Dir 70%", "1")])
def test_rates_on_changes_a_budget_by_exactly_the_on_cost_difference(grade: str, fte: str) -> None:
    """Same pay; the budget moves by the on-costs at RATES_ON's rates less those at PAY_ON's."""
    council = _council(grade, fte)
    books, pay = council.books, _pay(council, grade, fte)
    post = books.post("p", PAY_ON)
    assert post is not None
    plain = budget_rate(books, post, PAY_ON, Policy(price_on=PAY_ON))
    moved = budget_rate(books, post, PAY_ON, Policy(price_on=PAY_ON, rates_on=RATES_ON))
    difference = _on_costs(pay, rates_on(books.pay, RATES_ON)) - _on_costs(
        pay, rates_on(books.pay, PAY_ON)
    )
    assert difference
    assert moved - plain == difference


def test_without_rates_on_a_budget_is_pay_and_on_costs_on_the_price_date() -> None:
    """No rates_on: pay and every on-cost come from the one date priced, as before."""
    council = _council("PO6", "0.5")
    books, pay = council.books, _pay(council, "PO6", "0.5")
    post = books.post("p", PAY_ON)
    assert post is not None
    expected = _pennies(pay) + _on_costs(pay, rates_on(books.pay, PAY_ON))
    assert budget_rate(books, post, PAY_ON, Policy(price_on=PAY_ON)) == expected
    assert budget_rate(books, post, PAY_ON, Policy()) == expected


def test_a_statement_prices_pay_on_price_on_and_on_costs_on_rates_on_and_echoes_both() -> None:
    """A post created on PAY_ON costs its pay then with RATES_ON's rates; both dates shown."""
    council = _council("PO6", "1", effective=PAY_ON)
    books, pay = council.books, _pay(council, "PO6", "1")
    policy = Policy(explicit_costs=False, rates_on=RATES_ON)
    table = statement(books, RATES_ON, PAY_ON, policy, "u")
    expected = _pennies(pay) + _on_costs(pay, rates_on(books.pay, RATES_ON))
    assert table["created"]["annual_cost"] == f"{expected:.2f}"
    assert (table["price_on"], table["rates_on"]) == (PAY_ON, RATES_ON)


def test_a_statement_without_rates_on_echoes_its_price_base_as_rates_on() -> None:
    """No rates_on: the statement's on-costs are the price base's and it says so."""
    council = _council("PO6", "1", effective=PAY_ON)
    books, pay = council.books, _pay(council, "PO6", "1")
    table = statement(books, RATES_ON, PAY_ON, Policy(explicit_costs=False), "u")
    expected = _pennies(pay) + _on_costs(pay, rates_on(books.pay, PAY_ON))
    assert table["created"]["annual_cost"] == f"{expected:.2f}"
    assert (table["price_on"], table["rates_on"]) == (PAY_ON, PAY_ON)


def test_a_forecast_holder_with_rates_on_pays_on_costs_at_those_rates() -> None:
    """A holder's forecast keeps their own point's pay and takes on-costs at RATES_ON's rates."""
    council = _council("PO6", "1")
    council.staffing.apply(
        {
            "event_id": "r1",
            "type": "PostholderAppointed",
            "aggregate_type": "contract",
            "aggregate_id": "c-a",
            "aggregate_version": 1,
            "effective_date": PAY_ON,
            "recorded_at": "2026-01-01T00:00:00.000001Z",
            "payload": {
                "contract_id": "c-a",
                "post_id": "p",
                "person_ref": "a",
                "fte": "1",
                "scp": 47,
            },
        }
    )
    policy = Policy(basis=FORECAST, price_on=PAY_ON, rates_on=RATES_ON)
    pay = _pay(council, "PO6", "1", 47)
    expected = _pennies(pay) + _on_costs(pay, rates_on(council.books.pay, RATES_ON))
    assert rate(council.books, "p", PAY_ON, policy) == expected
