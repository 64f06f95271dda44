"""Every service's rules run purely for one tenant, as finance's unit tests read them (no Redis).

Each step goes through the pure `decide` of the service that records it; the events are folded
exactly as the services fold them, and finance's pure functions read the result.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import uuid4

from pydantic import TypeAdapter
from seed_000 import BASIS

from contracts import establishment as est
from contracts import finance as fi
from contracts import grading as gr
from contracts import recruitment as rc
from contracts.costing import cost
from contracts.pay_catalogue import OnCostRates, PayCatalogueView
from contracts.registry import SERVICE_OF_COMMAND
from readmodels.establishment import Establishment
from readmodels.workforce import Workforce
from scenarios.loader import bundled_scenario, load_scenario
from services.establishment.domain import decide as decide_establishment
from services.finance.books import Books
from services.finance.domain import decide_funding
from services.finance.funding_book import FundingBook
from services.grading.catalogue import Catalogue
from services.grading.domain import decide as decide_grading
from services.recruitment.domain import decide as decide_recruitment
from services.recruitment.scene import Scene

ESTABLISHMENT: TypeAdapter[est.EstablishmentCommand] = TypeAdapter(est.EstablishmentCommand)
GRADING: TypeAdapter[gr.GradingCommand] = TypeAdapter(gr.GradingCommand)
RECRUITMENT: TypeAdapter[rc.RecruitmentCommand] = TypeAdapter(rc.RecruitmentCommand)


class Council:
    """All four services' records for one tenant, built by their pure rules."""

    def __init__(self) -> None:
        self.projection = Establishment()
        self.catalogue = Catalogue()
        self.workforce = Workforce()
        self.establishment = Establishment()
        self.pay = PayCatalogueView()
        self.staffing = Workforce()
        self.funding = FundingBook()
        self.sequence = 0

    def _seal(self, draft: Any) -> dict[str, Any]:
        self.sequence += 1
        return {
            "event_id": str(uuid4()),
            "type": draft.type,
            "schema_version": 2 if draft.type == "PostCreated" else 1,
            "aggregate_type": draft.aggregate_type,
            "aggregate_id": draft.aggregate_id,
            "aggregate_version": draft.expected_version + 1,
            "sequence": self.sequence,
            "effective_date": draft.effective_date,
            "recorded_at": f"2026-01-01T00:00:00.{self.sequence:06d}Z",
            "payload": draft.payload,
        }

    def run(self, message: dict[str, Any]) -> None:
        service = SERVICE_OF_COMMAND[message["type"]]
        if service == "establishment":
            for draft in decide_establishment(
                ESTABLISHMENT.validate_python(message), self.projection, self.pay
            ):
                event = self._seal(draft)
                self.projection.apply(event)
                self.establishment.apply(event)
        elif service == "grading":
            for draft in decide_grading(GRADING.validate_python(message), self.catalogue):
                event = self._seal(draft)
                self.catalogue.apply(event)
                self.pay.apply(event)
        elif service == "recruitment":
            scene = Scene(self.workforce, self.establishment, self.pay)
            for draft in decide_recruitment(RECRUITMENT.validate_python(message), scene):
                event = self._seal(draft)
                self.workforce.apply(event)
                self.staffing.apply(event)
        else:
            command = fi.RegisterFundingStream.model_validate(message)
            for draft in decide_funding(command, self.funding):
                self.funding.apply(self._seal(draft))

    def load(self, *names: str) -> Council:
        for name in names:
            for step in load_scenario(bundled_scenario(name)).steps:
                self.run(step.command)
        return self

    def unit(self, effective: str = "2018-04-01") -> None:
        """One org unit, `u`."""
        self.run(
            {"type": "CreateOrgUnit", "org_unit_id": "u", "name": "U", "effective_date": effective}
        )

    def officer(self, post_id: str = "p", effective: str = "2018-04-01", **fields: Any) -> None:
        """One full-time PO6 post in `u` (fields given override)."""
        post = {"title": "Officer", "grade": "PO6", "fte": "1", "org_unit_id": "u", **fields}
        self.run({"type": "CreatePost", "post_id": post_id, "effective_date": effective, **post})

    @property
    def books(self) -> Books:
        return Books(self.establishment, self.pay, self.staffing, self.funding)


def basis_cost(salary: Decimal | str, fte: Decimal | str) -> Decimal:
    """One person's annual cost on `salary` at `fte` under seed 000's on-cost rates (BASIS)."""
    given = next(item for item in BASIS if item["type"] == "SetOnCostRates")
    rates = OnCostRates(
        Decimal(given["employer_ni_rate"]),
        Decimal(given["ni_threshold"]),
        Decimal(given["pension_rate"]),
        Decimal(given["apprenticeship_levy_rate"]),
    )
    return sum(cost(Decimal(salary), Decimal(fte), rates), Decimal(0))


def basis_council() -> Council:
    """A council on seed 000's costing basis (PAY_AND_RULES' check parameters), nothing else."""
    council = Council()
    for command in BASIS:
        council.run(command)
    return council
