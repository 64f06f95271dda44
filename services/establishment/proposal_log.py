"""One tenant's proposals stream: drafting and deciding, and approval into the live log.

The proposals are a command log of their own (`establishment.proposals`, hash-chained and signed
like every other), decided by `proposal_rules` against the live establishment it holds. Approval
is the one step that crosses: the proposal's commands are appended to the live log in one
all-or-nothing append, each with a command id derived from the proposal and its number (so an
approval retried after a crash records nothing twice) and the proposal id as correlation id;
only then is the decision recorded. A proposal that no longer applies is refused, listing every
command that conflicts, and nothing is appended.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import TYPE_CHECKING, Any
from uuid import NAMESPACE_URL, uuid5

from contracts import proposals as pr
from contracts.registry import command_from_message
from contracts.streams import ESTABLISHMENT_PROPOSALS
from eventlog.clock import Clock, system_clock
from eventlog.command_log import WITHHELD, CommandLog, Outcome, Refused, Submitted
from readmodels.proposals import Proposals
from services.establishment.proposal_rules import decide_proposal
from services.establishment.what_if import Conflict, WhatIf, applied

if TYPE_CHECKING:
    from collections.abc import Sequence

    from redis.asyncio import Redis

    from contracts.decisions import EventDraft
    from readmodels.proposals import Proposal
    from services.establishment.application import TenantEstablishment

KEPT_VIEWS = 8
"""How many views with a proposal applied are kept for the next request."""

APPROVED_COMMANDS = uuid5(NAMESPACE_URL, "urn:estab:approved-proposal-command")
"""Namespace of the command ids an approval records the proposal's commands under."""


class ProposalConflictError(Exception):
    """Approval refused: the proposal's commands no longer apply to the live establishment."""

    def __init__(self, proposal_id: str, conflicts: tuple[Conflict, ...]) -> None:
        super().__init__(f"proposal {proposal_id!r} no longer applies")
        self.proposal_id = proposal_id
        self.conflicts = conflicts


class TenantProposals(CommandLog[pr.ProposalCommand, Proposals]):
    """The proposals of one tenant, decided against its live establishment."""

    def __init__(
        self, redis: Redis, tenant: str, live: TenantEstablishment, clock: Clock = system_clock
    ) -> None:
        super().__init__(redis, tenant, ESTABLISHMENT_PROPOSALS, clock)
        self.live = live
        self._views: OrderedDict[tuple[str, int, str, str], WhatIf] = OrderedDict()
        """Recent views with a proposal applied, by proposal, its version and the live log's
        and catalogue's positions: the same object answers again, with its structure index."""

    def new_projection(self) -> Proposals:
        """No proposals."""
        return Proposals()

    def decide(self, command: pr.ProposalCommand, projection: Proposals) -> Sequence[EventDraft]:
        """The proposals' rules, commands checked on top of the live establishment."""
        return decide_proposal(command, projection, self.what_if)

    def what_if(self, commands: Sequence[dict[str, Any]], label: str) -> WhatIf:
        """The live establishment (as last read) with `commands` applied in order."""
        return applied(self.live.projection, self.live.grading.projection, commands, label)

    async def execute(
        self, submitted: Sequence[Submitted[pr.ProposalCommand]], *, all_or_nothing: bool = False
    ) -> list[Outcome]:
        """Bring the live establishment and grading's catalogue up to date, then record."""
        await self.live.current()
        await self.live.grading.current()
        return await super().execute(submitted, all_or_nothing=all_or_nothing)

    async def applied_view(self, proposal_id: str) -> tuple[Proposal, WhatIf] | None:
        """The proposal and the live establishment as it would be with it (None: no such one)."""
        proposal = (await self.current()).get(proposal_id)
        if proposal is None:
            return None
        live = await self.live.current()
        grading = await self.live.grading.current()
        key = (proposal.proposal_id, proposal.version, live.entry_id, grading.entry_id)
        view = self._views.get(key)
        if view is None:
            view = self._views[key] = self.what_if(proposal.commands, proposal.proposal_id)
            while len(self._views) > KEPT_VIEWS:
                self._views.popitem(last=False)
        else:
            self._views.move_to_end(key)
        return proposal, view

    async def approve(self, decision: pr.DecideProposal, key: str | None) -> Outcome:
        """Append the proposal's commands to the live log, all or nothing, then the approval.

        Raises:
            ProposalConflictError: a command no longer applies; nothing was appended.
        """
        proposal = (await self.current()).get(decision.proposal_id)
        if proposal is None or proposal.status != "submitted":
            return (await self.execute([Submitted(decision, key)]))[0]
        live = [
            Submitted(command, f"command:{command.command_id}")
            for command in _live_commands(proposal, decision.actor)
        ]
        outcomes = await self.live.execute(live, all_or_nothing=True) if live else []
        refused = [
            (number, outcome)
            for number, outcome in enumerate(outcomes, start=1)
            if isinstance(outcome, Refused) and outcome is not WITHHELD
        ]
        if refused:
            conflicts = tuple(
                _conflict(proposal.commands[number - 1], number, outcome)
                for number, outcome in refused
            )
            raise ProposalConflictError(proposal.proposal_id, conflicts)
        return (await self.execute([Submitted(decision, key)]))[0]


def _live_commands(proposal: Proposal, actor: str | None) -> list[Any]:
    """The proposal's commands as the live log records them on approval."""
    commands = []
    for number, message in enumerate(proposal.commands, start=1):
        command_id = str(uuid5(APPROVED_COMMANDS, f"{proposal.proposal_id}:{number}"))
        fields = {"command_id": command_id, "correlation_id": proposal.proposal_id}
        if actor:
            fields["actor"] = actor
        commands.append(command_from_message({**message, **fields}))
    return commands


def _conflict(message: dict[str, Any], number: int, outcome: Refused) -> Conflict:
    post = message.get("post_id")
    return Conflict(
        number,
        str(message.get("type")),
        post if isinstance(post, str) else None,
        outcome.reason,
        outcome.detail,
    )
