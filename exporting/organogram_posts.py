"""The structure's posts as `estab import --format organogram` would read them back (pure).

An organogram names a post by its organisation and `Post Unique Reference`, places it by
`Organisation` and `Unit`, and gives each grade's pay range on its rows. The importer turns
those into ids (`importing.identities`), so this module works the other way with the
importer's own functions: a post's organisation is its top org unit, its unit the one it sits
in, and its reference what follows the organisation's prefix in its id, so the reference read
back makes the same id. A post whose id lacks that prefix (not made by an organogram import)
keeps its whole id as its reference; read back, it would be a new post. An organogram has two
levels (`Organisation`, `Unit`), so a post in a unit deeper down is shown in its own unit, which
reads back as a unit of its own directly under the organisation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from contracts.identifiers import grade_key
from importing.identities import organisation_prefix
from importing.model import Source
from importing.organogram_junior import JuniorRow, junior_post_id
from importing.organogram_senior import unit_path

TOP = "XX"
"""`Reports to Senior Post` of the most senior posts (one of the values the importer reads so)."""
NOT_DISCLOSED = "N/D"
"""A filled post's `Name`: the system holds opaque person references only, never names."""
VACANT = "Vacant"

_OCCURRENCE = re.compile(r"-(\d+)$")


def plain(figure: Decimal) -> str:
    """A figure without trailing zeros or an exponent: `0.5000` -> `0.5`, `12.2500` -> `12.25`."""
    return format(figure.normalize(), "f")


def pounds(text: str | None) -> str:
    """Money as an organogram writes it: whole pounds without pence (`154999.00` -> `154999`).

    The importer identifies a pay band by the amounts as written, and files give whole pounds.
    """
    if text is None:
        return ""
    amount = Decimal(text)
    whole = amount == amount.to_integral_value()
    return format(amount.quantize(Decimal(1)), "f") if whole else text


@dataclass(frozen=True, slots=True)
class OrganogramPost:
    """One post of the structure, as the organogram rows that stand for it say it."""

    post_id: str
    organisation: str
    unit: str
    """The `Unit` cell: the post's own unit, or the organisation for a post at the top unit."""
    reference: str
    reports_to: str | None
    """The id of the post it reports to."""
    grade: str
    title: str
    fte: Decimal

    @property
    def unit_path(self) -> tuple[str, ...]:
        """The org unit path the importer reads from `Organisation` and `Unit`."""
        return unit_path(self.organisation, self.unit)


def _places(org_units: list[dict[str, Any]]) -> dict[str, tuple[str, str]]:
    """Each unit's (organisation, unit cell): its top unit's name and its own name."""
    by_id = {str(unit["org_unit_id"]): unit for unit in org_units}

    def top(unit_id: str) -> str:
        seen = {unit_id}
        parent = by_id[unit_id].get("parent_id")
        while parent in by_id and parent not in seen:
            unit_id = str(parent)
            seen.add(unit_id)
            parent = by_id[unit_id].get("parent_id")
        return str(by_id[unit_id]["name"])

    return {unit_id: (top(unit_id), str(unit["name"])) for unit_id, unit in by_id.items()}


def reference_of(post_id: str, organisation: str) -> str:
    """What follows the organisation's prefix in the id (the whole id if it has none)."""
    return post_id.removeprefix(f"{organisation_prefix(organisation)}.")


def organogram_posts(structure: dict[str, Any], org_units: dict[str, Any]) -> list[OrganogramPost]:
    """The posts of a `GET /structure` answer, placed by a `GET /org-units` answer."""
    places = _places(org_units["org_units"])
    found = []
    for post in structure["posts"]:
        unit_id = str(post["org_unit_id"])
        organisation, unit = places.get(unit_id, (unit_id, unit_id))
        post_id = str(post["post_id"])
        found.append(
            OrganogramPost(
                post_id=post_id,
                organisation=organisation,
                unit=unit,
                reference=reference_of(post_id, organisation),
                reports_to=post.get("reports_to"),
                grade=str(post["grade"]),
                title=str(post["title"]),
                fte=Decimal(post["fte"]),
            )
        )
    return found


def pay_bands(grades: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """(floor, ceiling) of each grade of a `GET /grades` answer that has figures, by grade key."""
    return {
        grade_key(str(item["grade"])): (pounds(item["salary_min"]), pounds(item["salary_max"]))
        for item in grades["grades"]
        if item.get("salary_max") is not None
    }


def occurrence(post_id: str) -> int | None:
    """The number a junior post's id ends in (which of its like posts it is), if any."""
    found = _OCCURRENCE.search(post_id)
    return int(found[1]) if found else None


def is_junior(post: OrganogramPost, manager_reference: str | None) -> bool:
    """Whether the post's id is the one a junior row of its grade, title, unit and line makes.

    Only such posts go in the junior file: any other id would not be made again from a count.
    """
    number = occurrence(post.post_id)
    if manager_reference is None or number is None:
        return False
    return post.post_id == junior_post_id(junior_row(post, manager_reference), number)


def junior_row(post: OrganogramPost, manager_reference: str) -> JuniorRow:
    """The junior row the importer would read for this one post."""
    return JuniorRow(
        source=Source("", 0),
        organisation=post.organisation,
        unit_path=post.unit_path,
        reporting_to=manager_reference,
        grade=post.grade,
        title=post.title,
        posts_fte=Fraction(post.fte),
        floor=None,
        ceiling=None,
    )
