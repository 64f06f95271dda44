"""The proposals' rules and read model, pure: what-if views never touch the live projection,
added commands are checked on top of the earlier ones, and decisions follow the status order."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from grade_catalogue import njc_catalogue
from pydantic import ValidationError

from contracts import proposals as pr
from contracts.decisions import DomainError, EventDraft
from contracts.rejections import Reason
from contracts.upcasting import current_version
from readmodels.establishment import Establishment
from readmodels.proposals import Proposals, with_proposal
from scenarios.loader import bundled_scenario, load_scenario
from services.establishment.proposal_rules import decide_proposal
from services.establishment.views import posts_on
from services.establishment.what_if import WhatIf, applied

CATALOGUE = njc_catalogue()
UNIT = {
    "type": "CreateOrgUnit",
    "org_unit_id": "u1",
    "name": "Unit",
    "effective_date": "2024-04-01",
}
POST = {"type": "CreatePost", "title": "Officer", "grade": "PO1", "fte": "1", "org_unit_id": "u1",
        "effective_date": "2024-04-01"}  # fmt: skip
DECISION = {"decided_by": "Director", "decision_date": "2024-03-01"}


def _fold(proposals: Proposals, drafts: list[EventDraft]) -> None:
    for draft in drafts:
        proposals.apply(draft.folded(recorded_at="2024-03-01T00:00:00.000000Z"))


def _check(live: Establishment) -> Any:
    def check(commands: Any, label: str) -> WhatIf:
        return applied(live, CATALOGUE, commands, label)

    return check


def _run(proposals: Proposals, live: Establishment, command: pr.ProposalCommand) -> None:
    _fold(proposals, decide_proposal(command, proposals, _check(live)))


def _decision(decision: str) -> pr.DecideProposal:
    return pr.DecideProposal.model_validate({"proposal_id": "p1", "decision": decision, **DECISION})


def _drafted(live: Establishment) -> Proposals:
    proposals = Proposals()
    draft = {"proposal_id": "p1", "title": "Redesign", "implementation_date": "2024-04-01"}
    _run(proposals, live, pr.DraftProposal.model_validate(draft))
    return proposals


def test_a_what_if_view_leaves_the_live_projection_as_it_was() -> None:
    """Applying commands folds them into a copy: the live projection gains nothing."""
    live = Establishment()
    view = applied(live, CATALOGUE, [UNIT, {**POST, "post_id": "p-1"}], "p1")
    assert view.conflicts == ()
    assert "p-1" in view.establishment.posts
    assert live.posts == {}
    assert live.units == {}


def test_later_commands_see_earlier_ones_and_conflicts_carry_their_number() -> None:
    """A post in a unit created earlier in the proposal is fine; one in a missing unit is not."""
    orphan = {**POST, "post_id": "p-2", "org_unit_id": "nowhere"}
    view = applied(Establishment(), CATALOGUE, [UNIT, {**POST, "post_id": "p-1"}, orphan], "p1")
    assert [(item.number, item.post_id) for item in view.conflicts] == [(3, "p-2")]


def test_a_created_post_gets_an_id_that_later_commands_can_name() -> None:
    """CreatePost without post_id is given one derived from the proposal and its number."""
    live = Establishment()
    proposals = _drafted(live)
    _run(proposals, live, pr.AddProposalCommands(proposal_id="p1", commands=[UNIT, POST]))
    first = proposals.get("p1")
    assert first is not None
    post_id = first.commands[1]["post_id"]
    again = _drafted(live)
    _run(again, live, pr.AddProposalCommands(proposal_id="p1", commands=[UNIT, POST]))
    assert again.by_id["p1"].commands[1]["post_id"] == post_id
    change = {
        "type": "ChangePostFTE",
        "post_id": post_id,
        "fte": "0.5",
        "effective_date": "2024-05-01",
    }
    _run(proposals, live, pr.AddProposalCommands(proposal_id="p1", commands=[change]))
    assert len(proposals.by_id["p1"].commands) == 3


def test_a_refused_command_refuses_the_request_naming_it() -> None:
    """Adding a post to a unit that does not exist: DomainError naming command 1, nothing added."""
    live = Establishment()
    proposals = _drafted(live)
    with pytest.raises(DomainError, match="command 1 \\(CreatePost\\)"):
        decide_proposal(
            pr.AddProposalCommands(proposal_id="p1", commands=[POST]), proposals, _check(live)
        )


def test_removing_a_command_takes_out_that_one() -> None:
    """Command 1 of [unit, post] removed leaves the post."""
    live = Establishment()
    proposals = _drafted(live)
    _run(proposals, live, pr.AddProposalCommands(proposal_id="p1", commands=[UNIT, POST]))
    _run(proposals, live, pr.RemoveProposalCommand(proposal_id="p1", number=1))
    assert [item["type"] for item in proposals.by_id["p1"].commands] == ["CreatePost"]


@pytest.mark.parametrize(
    ("decisions", "refused"),
    [
        (["approve"], "approve"),
        (["submit", "submit"], "submit"),
        (["submit", "reject", "approve"], "approve"),
        (["withdraw", "submit"], "submit"),
    ],
)
def test_decisions_follow_the_status_order(decisions: list[str], refused: str) -> None:
    """draft -> submitted -> approved | rejected | withdrawn; anything else is proposal-status."""
    live = Establishment()
    proposals = _drafted(live)
    *allowed, last = decisions
    for decision in allowed:
        _run(proposals, live, _decision(decision))
    assert last == refused
    with pytest.raises(DomainError) as caught:
        _run(proposals, live, _decision(last))
    assert caught.value.reason is Reason.PROPOSAL_STATUS


def test_a_closed_proposal_takes_no_more_commands() -> None:
    """Once submitted, adding a command is refused with proposal-status."""
    live = Establishment()
    proposals = _drafted(live)
    _run(proposals, live, _decision("submit"))
    with pytest.raises(DomainError) as caught:
        _run(proposals, live, pr.AddProposalCommands(proposal_id="p1", commands=[UNIT]))
    assert caught.value.reason is Reason.PROPOSAL_STATUS


def test_a_follower_sees_the_proposal_applied_as_establishment_does() -> None:
    """Seed 000's redesign: folding the recorded events equals re-deciding the commands."""
    steps = load_scenario(bundled_scenario("leeds_2018_children_and_families")).steps
    commands = [step.command for step in steps]
    baseline = [command for command in commands if command["effective_date"] <= "2018-03-31"]
    redesign = [command for command in commands if command["effective_date"] > "2018-03-31"]
    live = applied(Establishment(), CATALOGUE, baseline, "live").establishment
    proposals = _drafted(live)
    _run(proposals, live, pr.AddProposalCommands(proposal_id="p1", commands=redesign))
    owner = applied(live, CATALOGUE, proposals.by_id["p1"].commands, "p1")
    assert owner.conflicts == ()
    follower = with_proposal(live, proposals.by_id["p1"])
    for day in ("2018-03-31", "2018-04-01"):
        assert _shown(posts_on(follower, day)) == _shown(posts_on(owner.establishment, day))
    assert _shown(posts_on(follower, "2018-04-01")) != _shown(posts_on(live, "2018-04-01"))


def _shown(posts: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Posts as views show them, versions aside (the follower numbers them as it folds)."""
    return {key: {**post, "version": None} for key, post in posts.items()}


def test_an_overlay_folds_like_a_copy_and_leaves_the_live_projection_alone() -> None:
    """Seed 000's redesign on an overlay equals it on a deep copy; the live posts are untouched."""
    steps = load_scenario(bundled_scenario("leeds_2018_children_and_families")).steps
    commands = [step.command for step in steps]
    baseline = [command for command in commands if command["effective_date"] <= "2018-03-31"]
    redesign = [command for command in commands if command["effective_date"] > "2018-03-31"]
    live = applied(Establishment(), CATALOGUE, baseline, "live").establishment
    before = {day: _shown(posts_on(live, day)) for day in ("2018-03-31", "2018-04-01")}
    refs = {manager: set(posts) for manager, posts in live.reports_to_refs.items()}
    overlaid = applied(live, CATALOGUE, redesign, "p1").establishment
    copied = copy.deepcopy(live)
    for number, drafts in enumerate(applied(live, CATALOGUE, redesign, "p1").decided, start=1):
        for index, draft in enumerate(drafts):
            copied.apply(draft.folded(event_id=f"p1:{number}:{index}", sequence=copied.sequence + 1,
                                      schema_version=current_version(draft.type),
                                      recorded_at=copied.recorded_at))  # fmt: skip
    for day in ("2018-03-31", "2018-04-01"):
        assert _shown(posts_on(overlaid, day)) == _shown(posts_on(copied, day))
        assert _shown(posts_on(live, day)) == before[day]
    assert overlaid.reports_to_refs == copied.reports_to_refs
    assert live.reports_to_refs == refs
    assert _shown(posts_on(overlaid, "2018-04-01")) != before["2018-04-01"]


@pytest.mark.parametrize("value", [2**64, -(2**63) - 1, "\udb9f"])
def test_a_command_the_log_could_not_store_is_refused_in_the_body(value: object) -> None:
    """A 65-bit integer or a lone surrogate anywhere in a command is a 422 naming it, not a 500."""
    commands = [{"type": "DeletePost"}, {"type": "DeletePost", "extra": {"deep": [value]}}]
    with pytest.raises(ValidationError, match="command 2"):
        pr.AddProposalCommandsBody.model_validate({"commands": commands})
    kept = pr.AddProposalCommandsBody.model_validate({"commands": [{"n": 2**63 - 1}]})
    assert kept.commands == [{"n": 2**63 - 1}]
