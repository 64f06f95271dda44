"""A UK government organogram (the senior and junior staff CSV pair on data.gov.uk) as posts.

Senior files are read first, so every `Reports to Senior Post` and `Reporting Senior Post` can
be resolved to a senior post's id: in the same organisation, else in the one other organisation
of the import that has that reference. Pay floors and ceilings (senior) and payscale minima and
maxima (junior) become each grade's salary band: the lowest floor to the highest ceiling of the
rows of that grade, noted where rows disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from contracts.identifiers import grade_key
from importing.identities import key_text, organisation_prefix, post_id
from importing.model import Band, Manager, PostLine, PrivateNames, Reading, Source
from importing.organogram_junior import junior_posts
from importing.organogram_senior import senior_posts

if TYPE_CHECKING:
    from decimal import Decimal

    from importing.organogram_junior import JuniorFile
    from importing.organogram_senior import SeniorFile


@dataclass
class _Index:
    """Senior posts by (organisation, reference), and by reference alone."""

    by_organisation: dict[tuple[str, str], str]
    by_reference: dict[str, set[str]]

    def add(self, organisation: str, reference: str, post: str) -> None:
        self.by_organisation.setdefault((key_text(organisation), reference.casefold()), post)
        self.by_reference.setdefault(reference.casefold(), set()).add(post)

    def resolve(self, organisation: str, reference: str) -> str | None:
        found = self.by_organisation.get((key_text(organisation), reference.casefold()))
        if found is not None:
            return found
        elsewhere = self.by_reference.get(reference.casefold(), set())
        return next(iter(elsewhere)) if len(elsewhere) == 1 else None


def _resolved(line: PostLine, index: _Index) -> PostLine:
    if line.manager is None:
        return line
    reference = line.manager.reference
    return replace(line, manager=Manager(reference, index.resolve(line.unit_path[0], reference)))


@dataclass
class _Bands:
    grades: dict[str, tuple[str, list[tuple[Decimal | None, Decimal]], list[Source]]]

    def add(
        self, grade: str, floor: Decimal | None, ceiling: Decimal | None, source: Source
    ) -> None:
        if ceiling is None or ceiling <= 0 or (floor is not None and floor > ceiling):
            return
        _, ranges, sources = self.grades.setdefault(grade_key(grade), (grade, [], []))
        ranges.append((floor or None, ceiling))
        sources.append(source)

    def bands(self) -> tuple[tuple[Band, ...], list[str]]:
        found, notes = [], []
        for grade, ranges, sources in self.grades.values():
            floors = [low for low, _ in ranges if low is not None]
            band = Band(
                grade, min(floors, default=None), max(high for _, high in ranges), tuple(sources)
            )
            if len(set(ranges)) > 1:
                low = "?" if band.low is None else format(band.low, "f")
                notes.append(
                    f"grade {grade!r}: rows give {len(set(ranges))} different pay ranges; "
                    f"defined as {low}-{format(band.high, 'f')} (lowest floor, highest ceiling)"
                )
            found.append(band)
        return tuple(found), notes


def read_organogram(seniors: list[SeniorFile], juniors: list[JuniorFile]) -> Reading:
    """Posts, grades' pay bands, refused rows and notes from the files of one organogram."""
    rows = [row for found in seniors for row in found.rows]
    posts, refused = senior_posts(rows)
    index = _Index({}, {})
    for line in posts:
        index.add(line.unit_path[0], line.reference, line.post_id)
    created = {line.post_id for line in posts}
    refused_posts: dict[str, Source] = {}
    for found in seniors:
        for organisation, reference, source in found.refused_refs:
            post = post_id(organisation_prefix(organisation), reference)
            index.add(organisation, reference, post)
            if post not in created:
                refused_posts.setdefault(post, source)
    joined = {refusal.source for refusal in refused}
    bands = _Bands({})
    for row in rows:
        if row.source not in joined:
            bands.add(row.grade, row.floor, row.ceiling, row.source)
    lines = [_resolved(line, index) for line in posts]
    for found_junior in juniors:
        for _, line in junior_posts(found_junior.rows):
            lines.append(_resolved(line, index))
        for junior in found_junior.rows:
            bands.add(junior.grade, junior.floor, junior.ceiling, junior.source)
    defined, band_notes = bands.bands()
    return Reading(
        posts=tuple(lines),
        bands=defined,
        refused=(
            *(item for found in seniors for item in found.refused),
            *refused,
            *(item for found in juniors for item in found.refused),
        ),
        refused_posts=refused_posts,
        notes=(
            *(note for found in seniors for note in found.notes),
            *(note for found in juniors for note in found.notes),
            *band_notes,
        ),
        private=PrivateNames(name for found in seniors for name in found.names),
    )
