"""Scenario files: they load, validate, are idempotent to reload, and map onto the HTTP API."""

from __future__ import annotations

from pathlib import Path

import pytest

from scenarios.loader import (
    ScenarioError,
    bundled_scenario,
    bundled_scenarios,
    http_request,
    load_scenario,
    proposal_requests,
)


def test_every_bundled_scenario_loads_with_unique_stable_command_ids() -> None:
    """The nine bundled scenarios load with unique command ids that are the same on every load."""
    paths = bundled_scenarios()
    assert [path.name for path in paths] == [
        "catalogue_njc_leeds_style.yaml",
        "dudley_2023_redesign.yaml",
        "leeds_2010_catalogue.yaml",
        "leeds_2010_childrens_services.yaml",
        "leeds_2011_education_leeds_return.yaml",
        "leeds_2018_children_and_families.yaml",
        "leeds_2018_postholders.yaml",
        "leeds_2022_early_help.yaml",
        "leeds_2022_transformation_team.yaml",
        "leeds_innovation_2017.yaml",
    ]
    for path in paths:
        first = load_scenario(path)
        again = load_scenario(path)
        ids = [step.command["command_id"] for step in first.steps]
        assert len(set(ids)) == len(ids)
        assert ids == [step.command["command_id"] for step in again.steps]
        assert first.tenant in {"leeds", "dudley", "leeds-2011"}


def test_the_dudley_scenario_has_the_reports_counts() -> None:
    """The Dudley scenario has 405 appointments of 390 people, 31 of them holding deleted posts."""
    scenario = load_scenario(bundled_scenario("dudley_2023_redesign"))
    appointments = [s.command for s in scenario.steps if s.command["type"] == "AppointPostholder"]
    deletions = {s.command["post_id"] for s in scenario.steps if s.command["type"] == "DeletePost"}
    assert len(appointments) == 405
    assert len({item["person_ref"] for item in appointments}) == 390
    at_risk = {item["person_ref"] for item in appointments if item["post_id"] in deletions}
    assert len(at_risk) == 31


def test_the_catalogue_expands_its_tables_and_marks_estimates() -> None:
    """The catalogue expands to nine spines and rate sets, marking estimated grades and pay."""
    scenario = load_scenario(bundled_scenario("catalogue_njc_leeds_style"))
    kinds = [step.command["type"] for step in scenario.steps]
    assert kinds.count("PublishPaySpine") == 9
    assert kinds.count("SetOnCostRates") == 9
    spine_2023 = next(s.command for s in scenario.steps if s.step == "njc-2023-24")
    assert min(spine_2023["points"], key=int) == "2"
    assert spine_2023["points"]["43"] == "51515"
    po6_2017 = next(s.command for s in scenario.steps if s.step == "leeds-grades-2017:PO6")
    assert (po6_2017["scp_min"], po6_2017["scp_max"], po6_2017["estimate"]) == ("47", "49", True)
    director = next(s.command for s in scenario.steps if s.command["type"] == "SetDirectorSalary")
    assert director["estimate"] is True


def test_the_2018_redesign_has_table_1_shape() -> None:
    """On 2018-04-01 the redesign deletes 6 posts and creates 5, one funded by an outside grant."""
    scenario = load_scenario(bundled_scenario("leeds_2018_children_and_families"))
    on_day = [
        step.command for step in scenario.steps if step.command["effective_date"] == "2018-04-01"
    ]
    kinds = [command["type"] for command in on_day]
    assert kinds.count("DeletePost") == 6
    assert kinds.count("CreatePost") == 5
    funded = [c for c in on_day if c["type"] == "CreatePost" and c.get("funding")]
    assert [c["funding"] for c in funded] == [[{"source_id": "partners-in-practice", "share": "1"}]]


@pytest.mark.parametrize(
    ("command", "path", "body_keys"),
    [
        ({"type": "CreatePost", "title": "x"}, "/posts", {"title"}),
        ({"type": "CreateOrgUnit", "org_unit_id": "u"}, "/org-units", {"org_unit_id"}),
        (
            {"type": "RedesignatePost", "post_id": "p", "title": "x"},
            "/posts/p/redesignate",
            {"title"},
        ),
        ({"type": "ChangePostFTE", "post_id": "p", "fte": "1"}, "/posts/p/fte", {"fte"}),
        (
            {"type": "TransferPost", "post_id": "p", "org_unit_id": "u"},
            "/posts/p/transfer",
            {"org_unit_id"},
        ),
        (
            {"type": "ChangeReportingLine", "post_id": "p", "reports_to": None},
            "/posts/p/reporting-line",
            {"reports_to"},
        ),
        (
            {"type": "ChangePostFunding", "post_id": "p", "funding": []},
            "/posts/p/funding",
            {"funding"},
        ),
        ({"type": "DeletePost", "post_id": "p"}, "/posts/p/delete", set()),
        ({"type": "RetractEvent", "event_id": "e", "reason": "r"}, "/events/e/retract", {"reason"}),
    ],
)
def test_http_mapping(command: dict[str, object], path: str, body_keys: set[str]) -> None:
    """Each establishment command maps to a POST on its route, with only its own fields as body."""
    method, route, body = http_request(command)
    assert (method, route, set(body)) == ("POST", path, body_keys)


def test_a_bad_step_is_named(tmp_path: Path) -> None:
    """A scenario step that fails validation raises ScenarioError naming the step."""
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "name: bad\ntenant: t\nsource: test\nsteps:\n"
        "  - step: too-much\n    type: ChangePostFTE\n    post_id: p\n    fte: '1.5'\n"
        "    effective_date: '2018-01-01'\n"
    )
    with pytest.raises(ScenarioError, match="too-much"):
        load_scenario(bad)


def test_a_blank_or_missing_cell_leaves_an_optional_field_out(tmp_path: Path) -> None:
    """A table row with a blank `scp` or a short row is read, the field omitted, no traceback."""
    (tmp_path / "people.csv").write_text(
        "post_id,person_ref,start_date,scp\np1,e1,2018-04-01,\np2,e2,2018-04-01\n"
    )
    scenario = tmp_path / "people.yaml"
    scenario.write_text(
        "name: people\ntenant: t\nsource: test\nsteps:\n  - step: appoint\n"
        "    type: AppointPostholder\n    rows_csv:\n      file: people.csv\n      columns:\n"
        "        post_id: post_id\n        person_ref: person_ref\n"
        "        start_date: start_date\n        scp: scp\n"
    )
    steps = load_scenario(scenario).steps
    assert [step.step for step in steps] == ["appoint:p1", "appoint:p2"]
    assert all("scp" not in step.command for step in steps)


def test_a_blank_required_cell_is_refused_naming_the_step_not_a_traceback(tmp_path: Path) -> None:
    """A blank start date fails validation with the step named; a blank key names the row."""
    (tmp_path / "people.csv").write_text("post_id,person_ref,start_date\np1,e1,\n")
    scenario = tmp_path / "people.yaml"
    scenario.write_text(
        "name: people\ntenant: t\nsource: test\nsteps:\n  - step: appoint\n"
        "    type: AppointPostholder\n    rows_csv:\n      file: people.csv\n      columns:\n"
        "        post_id: post_id\n        person_ref: person_ref\n        start_date: start_date\n"
    )
    with pytest.raises(ScenarioError, match="appoint:p1"):
        load_scenario(scenario)
    (tmp_path / "people.csv").write_text("post_id,person_ref,start_date\n,e2,2018-04-01\n")
    with pytest.raises(ScenarioError, match="row 2"):
        load_scenario(scenario)


def test_a_proposal_file_drafts_adds_in_one_request_then_decides() -> None:
    """Seed 002's file: draft, its 61 commands in one request, submit, approve; stable ids."""
    scenario = load_scenario(bundled_scenario("leeds_2022_transformation_team"))
    sent = proposal_requests(scenario)
    assert [(label, path) for label, path, _ in sent] == [
        ("proposal", "/proposals"),
        ("commands", "/proposals/leeds-2022-transformation-team/commands"),
        ("submit", "/proposals/leeds-2022-transformation-team/submit"),
        ("approve", "/proposals/leeds-2022-transformation-team/approve"),
    ]
    assert len(sent[1][2]["commands"]) == len(scenario.steps) == 61
    ids = [body["command_id"] for _, _, body in sent]
    assert len(set(ids)) == 4
    assert ids == [body["command_id"] for _, _, body in proposal_requests(scenario)]
    assert not {step.command["command_id"] for step in scenario.steps} & set(ids)


PROPOSAL_HEAD = (
    "name: p\nproposal:\n  proposal_id: p\n  title: P\n  implementation_date: '2019-04-01'\n"
)


@pytest.mark.parametrize(
    ("rest", "refusal"),
    [
        (
            (
                "steps:\n- step: director\n  type: SetDirectorSalary\n  annual: '100000'\n"
                "  effective_date: '2019-04-01'\n"
            ),
            "step 'director': a proposal holds establishment commands only",
        ),
        (
            (
                "  decisions:\n  - decision: agree\n    decided_by: Board\n"
                "    decision_date: '2019-02-01'\nsteps: []\n"
            ),
            "its proposal is not valid",
        ),
    ],
)
def test_a_bad_proposal_file_is_refused_when_read(tmp_path: Path, rest: str, refusal: str) -> None:
    """A grading command, or a decision that is not one, is refused before anything is sent."""
    bad = tmp_path / "proposal.yaml"
    bad.write_text(PROPOSAL_HEAD + rest)
    with pytest.raises(ScenarioError, match=refusal):
        load_scenario(bad)
