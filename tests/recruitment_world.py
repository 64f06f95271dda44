"""Recruitment decided purely beside establishment and grading facts stated directly (no Redis).

Shared by the recruitment unit tests: a `World` holds the three services' views of one tenant,
and `chief_officers` is the council most of them start from.
"""

from __future__ import annotations

from typing import Any
from uuid import uuid4

import pytest
from pydantic import TypeAdapter

from contracts import recruitment as rc
from contracts.decisions import DomainError
from contracts.pay_catalogue import PayCatalogueView
from contracts.tenancy import TenantPolicy
from eventlog.person_sealing import Identity
from readmodels.establishment import Establishment
from readmodels.workforce import Workforce
from services.recruitment.domain import decide
from services.recruitment.scene import Scene

COMMANDS: TypeAdapter[rc.RecruitmentCommand] = TypeAdapter(rc.RecruitmentCommand)


class World:
    """Establishment and grading facts stated directly; recruitment's decided and folded."""

    def __init__(self, pay: PayCatalogueView | None = None) -> None:
        self.establishment = Establishment()
        self.pay = pay or PayCatalogueView()
        self.workforce = Workforce()
        self.policy = TenantPolicy()
        self.people: dict[str, Identity] | None = None
        """The key store's identities (None: no key store, references recorded as given)."""
        self.sequence = 0

    @property
    def scene(self) -> Scene:
        return Scene(self.workforce, self.establishment, self.pay, self.policy, self.people)

    def _event(
        self, kind: str, aggregate: str, effective: str, payload: dict[str, Any]
    ) -> dict[str, Any]:
        self.sequence += 1
        return {
            "event_id": str(uuid4()),
            "type": kind,
            "aggregate_type": "org_unit" if kind.startswith("OrgUnit") else "post",
            "aggregate_id": aggregate,
            "aggregate_version": 1,
            "sequence": self.sequence,
            "effective_date": effective,
            "recorded_at": f"2026-01-01T00:00:00.{self.sequence:06d}Z",
            "payload": payload,
        }

    def unit(self, unit_id: str, parent: str | None = None) -> None:
        payload = {"org_unit_id": unit_id, "name": unit_id, "parent_id": parent}
        self.establishment.apply(self._event("OrgUnitCreated", unit_id, "2000-01-01", payload))

    def post(self, post_id: str, grade: str, effective: str = "2017-04-01", **fields: Any) -> None:
        payload = {
            "post_id": post_id,
            "title": post_id,
            "grade": grade,
            "fte": "1",
            "org_unit_id": "cf",
            **fields,
        }
        self.establishment.apply(self._event("PostCreated", post_id, effective, payload))

    def delete(self, post_id: str, effective: str = "2018-04-01") -> str:
        event = self._event("PostDeleted", post_id, effective, {"post_id": post_id})
        self.establishment.apply(event)
        return str(event["event_id"])

    def change_fte(self, post_id: str, fte: str, effective: str) -> None:
        payload = {"post_id": post_id, "fte": fte}
        self.establishment.apply(self._event("PostFTEChanged", post_id, effective, payload))

    def place_at_risk(self, post_id: str, effective: str = "2018-04-01") -> list[dict[str, Any]]:
        event_id = self.delete(post_id, effective)
        return self.run(
            {
                "type": "PlaceAtRisk",
                "post_id": post_id,
                "effective_date": effective,
                "source_event_id": event_id,
            }
        )

    def director(self, annual: str) -> None:
        payload = {"annual": annual}
        self.pay.apply(self._event("DirectorSalarySet", "director", "2017-04-01", payload))

    def grade(self, grade: str, percent: str) -> None:
        payload = {"grade": grade, "director_percent": percent}
        self.pay.apply(self._event("GradeDefined", grade, "2017-04-01", payload))

    def run(self, message: dict[str, Any]) -> list[dict[str, Any]]:
        drafts = decide(COMMANDS.validate_python(message), self.scene)
        events = []
        for draft in drafts:
            self.sequence += 1
            event = draft.folded()
            self.workforce.apply(event)
            events.append(event)
        return events

    def refused(self, message: dict[str, Any]) -> DomainError:
        with pytest.raises(DomainError) as caught:
            decide(COMMANDS.validate_python(message), self.scene)
        return caught.value


def appoint(post_id: str, person: str, start: str = "2017-04-01", **fields: Any) -> dict[str, Any]:
    return {
        "type": "AppointPostholder",
        "post_id": post_id,
        "person_ref": person,
        "start_date": start,
        **fields,
    }


def chief_officers(*percents: str, director: str = "122524") -> World:
    """A council with a `cf` unit, a Director's salary and a `Dir X%` grade per percent."""
    world = World()
    world.unit("council")
    world.unit("cf", "council")
    world.director(director)
    for percent in percents:
        world.grade(f"Dir {percent}%", percent)
    return world
