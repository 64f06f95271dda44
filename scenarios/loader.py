"""Read a scenario file into validated commands, and say how each goes over HTTP (pure).

Every step is validated as a command when the file is read, with errors naming the step, so a
typo in a scenario never reaches a service half-loaded. Each step gets a command id derived from
the scenario and step names: loading the same file twice records nothing the second time.

A file with a `proposal:` mapping is a redesign proposal, not a change: its steps are the
proposal's establishment commands, sent to `/proposals` (drafted, the commands added in one
request, then any `decisions` in order) and never to the live log.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any
from uuid import NAMESPACE_URL, uuid5

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from contracts import proposals as pr
from contracts.identifiers import Identifier  # noqa: TC001 - pydantic reads field annotations at runtime
from contracts.registry import SERVICE_OF_COMMAND, UnknownTypeError, any_command_from_message
from scenarios.tables import TableError, expand

STEP_IDS = uuid5(NAMESPACE_URL, "urn:estab:scenario-step")

ROUTES: dict[str, tuple[str, str | None]] = {
    "CreateOrgUnit": ("/org-units", None),
    "CreatePost": ("/posts", None),
    "RedesignatePost": ("/posts/{post_id}/redesignate", "post_id"),
    "ChangePostFTE": ("/posts/{post_id}/fte", "post_id"),
    "TransferPost": ("/posts/{post_id}/transfer", "post_id"),
    "ChangeReportingLine": ("/posts/{post_id}/reporting-line", "post_id"),
    "ChangePostFunding": ("/posts/{post_id}/funding", "post_id"),
    "DeletePost": ("/posts/{post_id}/delete", "post_id"),
    "RetractEvent": ("/events/{event_id}/retract", "event_id"),
    "PublishPaySpine": ("/pay-spines", None),
    "DefineGrade": ("/grades", None),
    "SetDirectorSalary": ("/director-salary", None),
    "SetOnCostRates": ("/on-cost-rates", None),
    "DefineEvaluationScheme": ("/evaluation-schemes", None),
    "EvaluateJob": ("/evaluations", None),
    "AppointPostholder": ("/appointments", None),
    "RecordLeaver": ("/leavers", None),
    "ApproveRecruitment": ("/approvals", None),
    "FreezeVacancies": ("/freezes", None),
    "LiftFreeze": ("/freezes/{freeze_id}/lift", "freeze_id"),
    "StartRedeploymentTrial": ("/redeployments", None),
    "ConcludeTrial": ("/redeployments/outcome", None),
    "MakeRedundant": ("/redundancies", None),
    "RegisterFundingStream": ("/funding-streams", None),
}
"""Command type -> (HTTP path, the field that moves from the body into the path)."""


class ScenarioError(ValueError):
    """A scenario file that cannot be loaded; the message names the step."""


class Step(BaseModel):
    """One command of a scenario, as the command stream would carry it."""

    model_config = ConfigDict(frozen=True)

    step: str
    command: dict[str, Any]


class ProposalDecision(pr.DecisionBody):
    """A decision a proposal file records once its commands are added (`submit`, ...)."""

    decision: pr.Decision


class ProposalHeader(pr.DraftProposalBody):
    """What a proposal file drafts: the `/proposals` body, and the decisions taken on it."""

    proposal_id: Identifier
    decisions: list[ProposalDecision] = Field(default_factory=list)


class Scenario(BaseModel):
    """A named list of commands for one tenant, taken from a source document."""

    model_config = ConfigDict(frozen=True)

    name: str
    tenant: str
    source: str
    description: str = ""
    steps: list[Step] = Field(default_factory=list)
    proposal: ProposalHeader | None = None


def command_id(scenario: str, step: str) -> str:
    """The stable command id of one step of one scenario."""
    return str(uuid5(STEP_IDS, f"{scenario}:{step}"))


def load_scenario(path: Path) -> Scenario:
    """Read and validate a scenario file.

    Raises:
        ScenarioError: the file or one of its steps is invalid (the step is named).
    """
    document = yaml.safe_load(path.read_text())
    if not isinstance(document, dict) or not isinstance(document.get("steps"), list):
        raise ScenarioError(f"{path}: a scenario is a mapping with a list of steps")
    name = str(document.get("name", path.stem))
    steps: list[Step] = []
    seen: set[str] = set()
    for number, raw in enumerate(document["steps"], start=1):
        fields = dict(raw)
        named = str(fields.pop("step", f"step-{number}"))
        try:
            expanded = expand(named, fields, path.parent)
        except TableError as error:
            raise ScenarioError(f"{path}: step {named!r}: {error}") from None
        for step, values in expanded:
            if step in seen:
                raise ScenarioError(f"{path}: step {step!r} appears twice")
            seen.add(step)
            message = {**values, "command_id": command_id(name, step)}
            try:
                any_command_from_message(message)
            except (UnknownTypeError, ValidationError) as error:
                raise ScenarioError(
                    f"{path}: step {step!r} is not a valid command: {error}"
                ) from None
            steps.append(Step(step=step, command=message))
    proposal = _proposal_header(path, document.get("proposal"), steps)
    return Scenario(
        name=name,
        tenant=str(document.get("tenant", "default")),
        source=str(document.get("source", "")),
        description=str(document.get("description", "")).strip(),
        steps=steps,
        proposal=proposal,
    )


def _proposal_header(path: Path, raw: object, steps: list[Step]) -> ProposalHeader | None:
    """The file's `proposal:` mapping, checked as `/proposals` would check it, or None."""
    if raw is None:
        return None
    try:
        header = ProposalHeader.model_validate(raw)
    except ValidationError as error:
        raise ScenarioError(f"{path}: its proposal is not valid: {error}") from None
    for step in steps:
        if service_of(step.command) != "establishment":
            raise ScenarioError(
                f"{path}: step {step.step!r}: a proposal holds establishment commands only, "
                f"not {step.command['type']}"
            )
    return header


def service_of(command: dict[str, Any]) -> str:
    """The service that records `command` (`establishment`, `grading`, ...)."""
    return SERVICE_OF_COMMAND[command["type"]]


def http_request(command: dict[str, Any]) -> tuple[str, str, dict[str, Any]]:
    """(method, path, JSON body) that records `command` through the HTTP API."""
    path, path_field = ROUTES[command["type"]]
    body = {key: value for key, value in command.items() if key not in {"type", path_field}}
    if path_field is not None:
        path = path.format(**{path_field: command[path_field]})
    return "POST", path, body


def proposal_requests(scenario: Scenario) -> list[tuple[str, str, dict[str, Any]]]:
    """(label, path, JSON body) of each POST to establishment that records a proposal file.

    Each carries a command id derived from the scenario, so reloading the file records nothing.
    """
    header = scenario.proposal
    if header is None:
        return []
    proposal_id = header.proposal_id
    drafted = header.model_dump(mode="json", exclude={"decisions"}, exclude_none=True)
    requests = [
        (
            "proposal",
            "/proposals",
            {**drafted, "command_id": command_id(scenario.name, "proposal:draft")},
        )
    ]
    if scenario.steps:
        body = {
            "commands": [step.command for step in scenario.steps],
            "command_id": command_id(scenario.name, "proposal:commands"),
        }
        requests.append(("commands", f"/proposals/{proposal_id}/commands", body))
    for decision in header.decisions:
        fields = decision.model_dump(mode="json", exclude={"decision"}, exclude_none=True)
        body = {**fields, "command_id": command_id(scenario.name, f"proposal:{decision.decision}")}
        requests.append((decision.decision, f"/proposals/{proposal_id}/{decision.decision}", body))
    return requests


def bundled_scenarios() -> list[Path]:
    """The scenario files shipped with the package, in name order."""
    folder = resources.files("scenarios")
    return sorted(
        Path(str(item)) for item in folder.iterdir() if str(item).endswith((".yaml", ".yml"))
    )


def bundled_scenario(stem: str) -> Path:
    """One bundled scenario file by its name without `.yaml`.

    Raises:
        ScenarioError: no bundled scenario has that name.
    """
    for path in bundled_scenarios():
        if path.stem == stem:
            return path
    raise ScenarioError(f"no bundled scenario {stem!r}")
