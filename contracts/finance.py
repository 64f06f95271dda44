"""Finance messages: funding streams, headroom, and the cost updates a general ledger follows.

Money is a decimal string on the wire and `Decimal` inside, to the penny. `fy` is the start year
of a UK financial year (1 April - 31 March): `2018` is 2018/19.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import Field, model_validator

from contracts.calendar import Day
from contracts.envelope import Message
from contracts.establishment import CommandFields
from contracts.identifiers import Identifier, Title
from contracts.money import Money


class RegisterFundingStream(CommandFields):
    """A grant or other external funding: amount over a period, part of it contingent."""

    type: Literal["RegisterFundingStream"] = "RegisterFundingStream"
    source_id: Identifier
    name: Title
    amount: Money
    start_date: Day
    end_date: Day
    contingent_amount: Money = Decimal(0)

    @model_validator(mode="after")
    def _consistent(self) -> RegisterFundingStream:
        if self.end_date < self.start_date:
            raise ValueError("end_date is before start_date")
        if self.contingent_amount > self.amount:
            raise ValueError("contingent_amount is more than the amount")
        return self


class CheckFundingHeadroom(CommandFields):
    """Compare each stream's committed cost (computed by finance) with its amount."""

    type: Literal["CheckFundingHeadroom"] = "CheckFundingHeadroom"
    committed: dict[Identifier, Money]
    cause_event_id: Identifier
    effective_date: Day


class CostFigure(Message):
    """A post's budget cost in one financial year, as finance now computes it.

    `unpriced` is the first problem met if the post could not be priced on some day of the year
    (its grade undefined, no rates in force, ...): the costs then leave those days out.
    """

    post_id: Identifier
    fy: int = Field(ge=1990, le=2200)
    annual_cost: Money
    in_year_cost: Money
    unpriced: str | None = None


class PublishCostChanges(CommandFields):
    """Publish every figure that differs from the one last published for its post and year."""

    type: Literal["PublishCostChanges"] = "PublishCostChanges"
    cause_event_id: Identifier
    cause_type: str
    effective_date: Day
    figures: tuple[CostFigure, ...]


FinanceCommand = RegisterFundingStream | CheckFundingHeadroom
CostCommand = PublishCostChanges


class FundingStreamRegistered(Message):
    """A funding stream exists from its start date."""

    source_id: Identifier
    name: Title
    amount: Money
    start_date: Day
    end_date: Day
    contingent_amount: Money = Decimal(0)


class FundingHeadroomBreached(Message):
    """Posts a stream funds are committed beyond its amount."""

    source_id: Identifier
    amount: Money
    committed: Money
    cause_event_id: Identifier


class FundingHeadroomRestored(Message):
    """A stream's commitments are back within its amount."""

    source_id: Identifier
    amount: Money
    committed: Money
    cause_event_id: Identifier


class PostCostChanged(Message):
    """A post's budget cost for a financial year changed; `cause_event_id` names the cause.

    `unpriced` (None: priced throughout) says why the costs after leave some days out: a figure
    of 0.00 with `unpriced` set is "could not be priced", never "costs nothing". A change in it
    alone is published too. Events recorded before the field existed read as priced.
    """

    post_id: Identifier
    fy: int
    annual_cost_before: Money
    annual_cost_after: Money
    in_year_cost_before: Money
    in_year_cost_after: Money
    cause_event_id: Identifier
    cause_type: str
    unpriced: str | None = None
