"""Grading rules: decide(command, catalogue) -> events, or a refusal with its reason (pure).

Catalogue facts are checked for what would make them unusable (a grade on a scheme nobody
published, points the spine does not have, score bands naming unknown grades); evaluations are
checked against what grading knows of the post from establishment's events: it must exist on the
evaluation's effective date.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from contracts import grading as gr
from contracts.costing import grade_on
from contracts.decisions import DomainError, EventDraft
from contracts.identifiers import director_percent
from contracts.pay_catalogue import DIRECTOR, DIRECTOR_ID, GRADE, RATES, RATES_ID, SPINE
from contracts.rejections import Reason
from services.grading.catalogue import POST, SCHEME, Catalogue, EvaluationScheme
from services.grading.evaluation import band_grade, total_points

if TYPE_CHECKING:
    from contracts.envelope import Message

PROVENANCE = ("source", "estimate")


def _draft(
    catalogue: Catalogue, aggregate: tuple[str, str], effective: str, event: Message
) -> EventDraft:
    payload: dict[str, Any] = event.model_dump(mode="json")
    aggregate_type, aggregate_id = aggregate
    return EventDraft(
        type(event).__name__,
        aggregate_type,
        aggregate_id,
        effective,
        payload,
        catalogue.version(aggregate_type, aggregate_id),
    )


def _provenance(command: gr.Provenance) -> dict[str, Any]:
    return {"source": command.source, "estimate": command.estimate}


def _grade(command: gr.DefineGrade, catalogue: Catalogue, effective: str) -> gr.GradeDefined:
    """A grade's definition, spelt as the catalogue first defined it (codes ignore case)."""
    grade = catalogue.spelling(command.grade) or command.grade
    common = {"grade": grade, "family": command.family, **_provenance(command)}
    if command.salary_max is not None:
        return gr.GradeDefined(
            salary_min=command.salary_min, salary_max=command.salary_max, **common
        )
    if command.scheme is None:
        percent = command.director_percent or director_percent(command.grade)
        return gr.GradeDefined(director_percent=percent, **common)
    series = catalogue.spines.get(command.scheme)
    if series is None:
        raise DomainError(Reason.NOT_FOUND, f"no pay spine {command.scheme!r} has been published")
    spine = series.at(effective)
    if spine is not None:
        missing = [
            point for point in (command.scp_min, command.scp_max) if point not in spine.value
        ]
        if missing:
            raise DomainError(
                Reason.INVALID,
                f"the {command.scheme} spine in force on {effective} has no point "
                f"{', '.join(str(point) for point in missing)}",
            )
    return gr.GradeDefined(
        scheme=command.scheme, scp_min=command.scp_min, scp_max=command.scp_max, **common
    )


def _scheme(command: gr.DefineEvaluationScheme, catalogue: Catalogue, effective: str) -> None:
    unknown = sorted(
        {band.grade for band in command.bands if grade_on(catalogue, band.grade, effective) is None}
    )
    if unknown:
        raise DomainError(
            Reason.NOT_FOUND,
            f"score bands name grades not defined on {effective}: {', '.join(unknown)}",
        )


def _evaluation(command: gr.EvaluateJob, catalogue: Catalogue, effective: str) -> gr.JobEvaluated:
    case = catalogue.posts.get(command.post_id)
    if case is None or not case.proposed.entries:
        raise DomainError(Reason.NOT_FOUND, f"post {command.post_id!r} is not known to grading")
    proposed = case.proposed.at(effective)
    if proposed is None:
        raise DomainError(
            Reason.TIMELINE_CONFLICT,
            f"post {command.post_id!r} does not exist until {case.proposed.entries[0].effective}",
        )
    if case.closed_on is not None and effective >= case.closed_on:
        raise DomainError(
            Reason.TIMELINE_CONFLICT, f"post {command.post_id!r} is deleted from {case.closed_on}"
        )
    series = catalogue.schemes.get(command.scheme)
    found = series.at(effective) if series else None
    if found is None:
        raise DomainError(
            Reason.NOT_FOUND, f"no evaluation scheme {command.scheme!r} is in force on {effective}"
        )
    scheme: EvaluationScheme = found.value
    points = total_points(scheme, command.factor_levels)
    return gr.JobEvaluated(
        post_id=command.post_id,
        scheme=command.scheme,
        factor_levels=command.factor_levels,
        total_points=points,
        grade=catalogue.spelling(band_grade(scheme, points)) or band_grade(scheme, points),
        proposed_grade=proposed.value,
    )


def decide(command: gr.GradingCommand, catalogue: Catalogue) -> list[EventDraft]:
    """The events `command` records, checked against everything recorded so far.

    Raises:
        DomainError: the command refers to something unknown or contradicts the record.
    """
    effective = command.effective_date.isoformat()
    event: Message
    match command:
        case gr.PublishPaySpine():
            event = gr.PayScalePublished(
                scheme=command.scheme, points=command.points, **_provenance(command)
            )
            aggregate = (SPINE, command.scheme)
        case gr.DefineGrade():
            defined = _grade(command, catalogue, effective)
            event, aggregate = defined, (GRADE, defined.grade)
        case gr.SetDirectorSalary():
            event = gr.DirectorSalarySet(annual=command.annual, **_provenance(command))
            aggregate = (DIRECTOR, DIRECTOR_ID)
        case gr.SetOnCostRates():
            event = gr.OnCostRatesSet(
                employer_ni_rate=command.employer_ni_rate,
                ni_threshold=command.ni_threshold,
                pension_rate=command.pension_rate,
                apprenticeship_levy_rate=command.apprenticeship_levy_rate,
                **_provenance(command),
            )
            aggregate = (RATES, RATES_ID)
        case gr.DefineEvaluationScheme():
            _scheme(command, catalogue, effective)
            event = gr.EvaluationSchemeDefined(
                scheme=command.scheme,
                factors=command.factors,
                bands=command.bands,
                **_provenance(command),
            )
            aggregate = (SCHEME, command.scheme)
        case gr.EvaluateJob():
            event = _evaluation(command, catalogue, effective)
            aggregate = (POST, command.post_id)
        case gr.RequestEvaluation():
            event = gr.EvaluationRequested(
                post_id=command.post_id,
                proposed_grade=command.proposed_grade,
                source_event_id=command.source_event_id,
            )
            aggregate = (POST, command.post_id)
        case gr.ClosePost():
            event = gr.PostClosed(post_id=command.post_id, source_event_id=command.source_event_id)
            aggregate = (POST, command.post_id)
    return [_draft(catalogue, aggregate, effective, event)]
