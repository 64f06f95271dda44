"""What an import did: what it created, what was recorded before, the rows refused, notes.

The sender tells the report each service's answer; the report decides what that means for the
steps still to come: a step whose need was refused is not sent, and its rows are refused naming
what it needed. A repeat (`Idempotent-Replayed`) counts as already recorded, never as created.
Every reason and note passes through `PrivateNames.redact`, so no name from the files can reach
the output even through a service's message.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from contracts.rejections import PROBLEM_BASE
from importing.model import PrivateNames, Refusal, row_order
from importing.plan import Kind

if TYPE_CHECKING:
    from importing.model import Source
    from importing.plan import Plan, Step

PLURALS = {
    Kind.GRADE: "grades",
    Kind.ORG_UNIT: "org_units",
    Kind.POST: "posts",
    Kind.APPOINTMENT: "appointments",
}


def problem_reason(problem: dict[str, Any]) -> str:
    """A service's problem body as a refusal reason: `code: detail`."""
    code = str(problem.get("type", "")).removeprefix(PROBLEM_BASE) or str(problem.get("title"))
    detail = problem.get("detail") or problem.get("title") or "refused"
    return f"{code}: {detail}"


@dataclass
class ImportReport:
    """The outcome of one import (or, for a dry run, of planning it)."""

    tenant: str
    as_of: str
    dry_run: bool
    private: PrivateNames = field(default_factory=PrivateNames)
    planned: Counter[Kind] = field(default_factory=Counter)
    created: Counter[Kind] = field(default_factory=Counter)
    repeated: Counter[Kind] = field(default_factory=Counter)
    refusals: dict[Source, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    """Step key -> how a step that needs it says what became of it."""
    files: tuple[str, ...] = ()

    @classmethod
    def start(cls, plan: Plan, *, tenant: str, as_of: str, dry_run: bool) -> ImportReport:
        """A report of `plan` before anything is sent: its refused rows and notes."""
        report = cls(tenant, as_of, dry_run, plan.private, files=plan.files)
        report.planned.update(step.kind for step in plan.steps)
        for refusal in plan.refused:
            report.refusals.setdefault(refusal.source, refusal.reason)
        report.notes.extend(plan.notes)
        if not plan.steps and not plan.refused:
            report.notes.append("the files hold no rows to import")
        return report

    def note(self, text: str) -> None:
        """Add a note (once)."""
        text = self.private.redact(text)
        if text not in self.notes:
            self.notes.append(text)

    def _refuse(self, sources: tuple[Source, ...], reason: str) -> None:
        for source in sources:
            self.refusals.setdefault(source, self.private.redact(reason))

    def blocked(self, step: Step) -> str | None:
        """Why `step` cannot be sent (something it needs was not recorded), or None."""
        for need in step.needs:
            became = self.failed.get(need.key)
            if became is not None:
                return f"{need.phrase}, {became}"
        return None

    def skip(self, step: Step, reason: str) -> None:
        """`step` is not sent because of `reason` (from `blocked`)."""
        self.failed[step.key] = "which was refused"
        self._refuse(step.sources, reason)

    def recorded(self, step: Step, *, replayed: bool) -> None:
        """The service recorded `step` now, or had recorded it before (`replayed`)."""
        (self.repeated if replayed else self.created)[step.kind] += 1

    def existed(self, step: Step) -> None:
        """An org unit with the step's id exists already: the posts go into it."""
        self.repeated[step.kind] += 1
        self.note(
            f"org unit {step.message['org_unit_id']!r} existed already; the imported posts go "
            "into it"
        )

    def refused(self, step: Step, problem: dict[str, Any]) -> None:
        """The service refused `step` with `problem`."""
        reason = problem_reason(problem)
        if step.kind is Kind.APPOINTMENT:
            self.failed[step.key] = "which was refused"
            self._refuse(step.sources, f"appointment not recorded: {reason}")
        elif step.kind is Kind.POST:
            self.failed[step.key] = "which was refused"
            self._refuse(step.sources, reason)
        else:
            self.failed[step.key] = f"which could not be recorded ({reason})"
            what = "grade" if step.kind is Kind.GRADE else "org unit"
            name = step.message.get("grade") or step.message.get("org_unit_id")
            self.note(f"{what} {name!r} could not be recorded: {reason}")

    def rows_refused(self) -> list[dict[str, str | int]]:
        """Every refused row, in file and row order."""
        listed = sorted(self.refusals.items(), key=lambda item: row_order(self.files, item[0]))
        return [Refusal(source, reason).view() for source, reason in listed]

    def view(self) -> dict[str, Any]:
        """The report as `--json` prints it."""
        return {
            "tenant": self.tenant,
            "as_of": self.as_of,
            "dry_run": self.dry_run,
            **{f"{PLURALS[kind]}_created": self.created[kind] for kind in Kind},
            "already_recorded": {PLURALS[kind]: self.repeated[kind] for kind in Kind},
            "planned": {PLURALS[kind]: self.planned[kind] for kind in Kind},
            "rows_refused": self.rows_refused(),
            "notes": list(self.notes),
        }

    def lines(self) -> list[str]:
        """The report for people."""

        def counts(counter: Counter[Kind]) -> str:
            return ", ".join(f"{counter[kind]} {PLURALS[kind].replace('_', ' ')}" for kind in Kind)

        head = f"Import into tenant {self.tenant!r} as of {self.as_of}"
        if self.dry_run:
            shown = [f"{head} (dry run: nothing recorded)", f"  would send: {counts(self.planned)}"]
        else:
            shown = [head, f"  created: {counts(self.created)}"]
            if sum(self.repeated.values()):
                shown.append(f"  already recorded: {counts(self.repeated)}")
        refused = self.rows_refused()
        shown.append(f"  {len(refused)} row(s) refused" + (":" if refused else ""))
        shown.extend(f"    {item['file']} row {item['row']}: {item['reason']}" for item in refused)
        if self.notes:
            shown.append("  notes:")
            shown.extend(f"    {note}" for note in self.notes)
        return shown

    def exit_code(self) -> int:
        """0 if the import ran (refused rows are reported, not failures); 1 if nothing could be.

        A second run of the same import finds everything recorded already: that is 0.
        """
        done = sum(self.planned.values()) if self.dry_run else sum(self.created.values())
        return 0 if done or sum(self.repeated.values()) else 1
