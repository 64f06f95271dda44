"""From what the files say to the commands that record it, and the rows that cannot be recorded.

Order: grades (so establishment knows them), org units (parents first), posts (line managers
first), then appointments. A post is refused on its own account (a grade in no catalogue and
with no band in the files, a name in its title, a value the services would refuse), or because
it depends on something refused: it reports to a refused post, or to one in none of the files,
or round a circle. Each refusal names the row it comes from and, for a dependency, the row it
depends on. Every step lists the earlier steps it needs, so a step the services refuse when
sent takes the steps that need it with it, each named in turn.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from contracts.identifiers import director_percent, grade_key
from importing import commands
from importing.model import Refusal, row_order
from importing.plan import Kind, Need, Plan, Step
from importing.units import UnitTree

if TYPE_CHECKING:
    from collections.abc import Mapping
    from datetime import date

    from importing.catalogue import KnownGrade
    from importing.model import PostLine, Reading, Source

TITLE_MAX = 200
NAMED = (
    "its job title, grade or org unit contains a person's name from the files, and names are "
    "never imported"
)


def post_key(post_id: str) -> str:
    """The step key of a post."""
    return f"post:{post_id}"


def unit_key(unit_id: str) -> str:
    """The step key of an org unit."""
    return f"org-unit:{unit_id}"


def grade_step_key(grade: str) -> str:
    """The step key of a grade definition."""
    return f"grade:{grade_key(grade)}"


@dataclass
class _Planner:
    reading: Reading
    tenant: str
    as_of: date
    catalogue: Mapping[str, KnownGrade]
    refusals: dict[Source, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    grades: dict[str, Step] = field(default_factory=dict)
    lines: dict[str, PostLine] = field(default_factory=dict)
    own: dict[str, str | None] = field(default_factory=dict)
    decided: dict[str, str | None] = field(default_factory=dict)
    accepted: list[str] = field(default_factory=list)

    def refuse(self, sources: tuple[Source, ...], reason: str) -> None:
        for source in sources:
            self.refusals.setdefault(source, reason)

    def plan_grades(self) -> None:
        for band in self.reading.bands:
            key = grade_key(band.grade)
            known = self.catalogue.get(key)
            if known is not None and not known.banded:
                self.notes.append(
                    f"grade {known.grade!r} is in the catalogue already (not as a pay band): "
                    "kept as it is, the files' pay band is not used"
                )
                continue
            message = commands.define_grade(self.tenant, self.as_of, band)
            problem = commands.invalid(message)
            if problem:
                self.notes.append(
                    f"grade {band.grade!r} cannot be defined from its band: {problem}"
                )
                continue
            if known is not None and (known.salary_min, known.salary_max) != (band.low, band.high):
                self.notes.append(
                    f"grade {known.grade!r} is redefined from {self.as_of.isoformat()} with the "
                    "files' pay band"
                )
            self.grades[key] = Step(grade_step_key(band.grade), Kind.GRADE, message, band.sources)

    def grade_problem(self, line: PostLine) -> str | None:
        key = grade_key(line.grade)
        if key in self.catalogue or key in self.grades or director_percent(line.grade) is not None:
            return None
        where = f"is not in the tenant's catalogue on {self.as_of.isoformat()}"
        if line.banded:
            where += " and no row of the files gives it a usable pay band"
        return f"unknown-grade: grade {line.grade!r} {where}"

    def own_problem(self, line: PostLine, tree: UnitTree) -> str | None:
        private = self.reading.private
        texts = (line.title, line.grade, *line.unit_path)
        if any(private.found_in(text) for text in texts):
            return NAMED
        if any(len(part) > TITLE_MAX for part in line.unit_path):
            return (
                f"an org unit name of post {line.reference!r} is longer than {TITLE_MAX} characters"
            )
        grade = self.grade_problem(line)
        if grade:
            return grade
        manager = line.manager.post_id if line.manager else None
        message = commands.create_post(
            self.tenant, self.as_of, line, tree.unit(line.unit_path).unit_id, manager
        )
        problem = commands.invalid(message)
        for holder in line.holders:
            problem = problem or commands.invalid(
                commands.appoint(self.tenant, self.as_of, line.post_id, holder)
            )
        return None if problem is None else f"post {line.reference!r}: {problem}"

    def check_posts(self, tree: UnitTree) -> None:
        for line in self.reading.posts:
            first = self.lines.get(line.post_id)
            if first is not None:
                self.refuse(
                    line.sources, f"post id {line.post_id!r} already comes from {first.sources[0]}"
                )
                continue
            self.lines[line.post_id] = line
            self.own[line.post_id] = self.own_problem(line, tree)

    def _above(self, post: str) -> str | None:
        """The next post up the line to decide first, if it is one of the files' posts."""
        line = self.lines[post]
        if self.own[post] or line.manager is None:
            return None
        manager = line.manager.post_id
        return manager if manager in self.lines else None

    def _decide(self, post: str) -> str | None:
        line = self.lines[post]
        if self.own[post] or line.manager is None:
            return self.own[post]
        manager = line.manager
        if manager.post_id in self.lines:
            if self.decided[manager.post_id] is None:
                return None
            where = self.lines[manager.post_id].sources[0]
            return f"reports to post {manager.reference!r} ({where}), which was refused"
        refused = self.reading.refused_posts.get(manager.post_id or "")
        if refused is not None:
            return f"reports to post {manager.reference!r} ({refused}), which was refused"
        return f"reports to post {manager.reference!r}, which is in none of the files"

    def decide_lines(self) -> None:
        """Decide every post, line managers before their reports, refusing reporting circles.

        Iterative rather than recursive: a line of management can be long.
        """
        for start in self.lines:
            chain: list[str] = []
            seen: set[str] = set()
            current: str | None = start
            while current is not None and current not in self.decided:
                if current in seen:
                    circle = chain[chain.index(current) :]
                    shown = " -> ".join(repr(self.lines[post].reference) for post in circle)
                    for post in circle:
                        self.decided[post] = f"reporting-line circle: {shown} -> back again"
                    break
                seen.add(current)
                chain.append(current)
                current = self._above(current)
            for post in reversed(chain):
                if post not in self.decided:
                    self.decided[post] = self._decide(post)
                    if self.decided[post] is None:
                        self.accepted.append(post)
        for post, reason in self.decided.items():
            if reason is not None:
                self.refuse(self.lines[post].sources, reason)

    def steps(self, tree: UnitTree) -> list[Step]:
        accepted = [self.lines[post] for post in self.accepted]
        units: dict[str, Step] = {}
        for line in accepted:  # each unit after its parent: lineages run top first
            for unit in tree.lineage(line.unit_path):
                if unit.unit_id in units:
                    continue
                parent = tree.unit(unit.path[:-1]) if unit.parent else None
                message = commands.create_org_unit(
                    self.tenant, self.as_of, unit, parent.unit_id if parent else None
                )
                needs = (
                    (Need(unit_key(parent.unit_id), f"its parent org unit {parent.shown()!r}"),)
                    if parent
                    else ()
                )
                units[unit.unit_id] = Step(
                    unit_key(unit.unit_id), Kind.ORG_UNIT, message, (), needs
                )
        posts = [self.post_step(line, tree) for line in accepted]
        used = {grade_key(line.grade) for line in accepted}
        grades = [step for key, step in self.grades.items() if key in used]
        appointments = [
            Step(
                f"appointment:{line.post_id}:{holder.person_ref}",
                Kind.APPOINTMENT,
                commands.appoint(self.tenant, self.as_of, line.post_id, holder),
                (holder.source,),
                (Need(post_key(line.post_id), f"its post {line.reference!r} ({line.sources[0]})"),),
            )
            for line in accepted
            for holder in line.holders
        ]
        return [*grades, *units.values(), *posts, *appointments]

    def post_step(self, line: PostLine, tree: UnitTree) -> Step:
        unit = tree.unit(line.unit_path)
        manager = line.manager.post_id if line.manager else None
        needs = [Need(unit_key(unit.unit_id), f"its org unit {unit.shown()!r}")]
        if line.manager is not None and manager is not None:
            where = self.lines[manager].sources[0]
            needs.append(
                Need(post_key(manager), f"it reports to post {line.manager.reference!r} ({where})")
            )
        if grade_key(line.grade) in self.grades:
            needs.append(Need(grade_step_key(line.grade), f"its grade {line.grade!r}"))
        message = commands.create_post(self.tenant, self.as_of, line, unit.unit_id, manager)
        return Step(post_key(line.post_id), Kind.POST, message, line.sources, tuple(needs))


def plan_import(
    reading: Reading, *, tenant: str, as_of: date, catalogue: Mapping[str, KnownGrade]
) -> Plan:
    """Every command that records what `reading` holds, and every row that cannot be recorded.

    `catalogue` is the tenant's grades on `as_of` (by `grade_key`), as grading lists them.
    """
    planner = _Planner(reading, tenant, as_of, catalogue)
    for refusal in reading.refused:
        planner.refuse((refusal.source,), refusal.reason)
    planner.plan_grades()
    tree = UnitTree(line.unit_path for line in reading.posts)
    planner.check_posts(tree)
    planner.decide_lines()
    steps = planner.steps(tree)
    private = reading.private
    refused = tuple(
        Refusal(source, private.redact(reason)) for source, reason in planner.refusals.items()
    )
    notes = tuple(dict.fromkeys(private.redact(note) for note in (*reading.notes, *planner.notes)))
    listed = tuple(sorted(refused, key=lambda item: row_order(reading.files, item.source)))
    return Plan(tuple(steps), listed, notes, private, reading.files)
