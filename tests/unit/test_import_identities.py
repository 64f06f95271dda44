"""Ids derived from what the files say: stable, valid Identifiers, apart where they must be."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from importing.identities import (
    command_id,
    organisation_prefix,
    post_id,
    reference_part,
    slug,
    unit_id,
)

IDENTIFIER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$")
"""contracts.identifiers.Identifier."""


def test_unit_ids_come_from_the_path() -> None:
    """Each level of the path is slugged and joined by dots."""
    path = ("Children and Families", "Early Help", "North")
    assert unit_id(path) == "children-and-families.early-help.north"
    assert slug("Chief Executive's Office") == "chief-executive-s-office"
    assert slug("Économie") == "economie"


def test_a_long_path_keeps_a_readable_head_and_a_hash() -> None:
    """Over 64 characters, the id is cut and ends with a hash of the whole path."""
    deep = ("Adults and Health", "Commissioning and Market Management", "Learning Disabilities")
    other = (*deep[:2], "Learning Disability Services")
    found = unit_id(deep)
    assert len(found) <= 64
    assert IDENTIFIER.match(found)
    assert found.startswith("adults-and-health.commissioning-and-market")
    assert found != unit_id(other)


def test_post_ids_are_prefixed_per_organisation_so_two_cannot_clash() -> None:
    """`OFS-001` of two organisations gives two posts; the reference stays readable."""
    first = post_id(organisation_prefix("Office for Fictional Statistics"), "OFS-001")
    second = post_id(organisation_prefix("Office for Fictitious Surveys"), "OFS-001")
    assert first != second
    assert first.endswith(".OFS-001")
    assert organisation_prefix("Cabinet Office") == "cabinet-office"


def test_references_that_are_not_id_parts_are_slugged_apart() -> None:
    """`AB 12` and `AB-12` are different references, so different ids."""
    assert reference_part("AB-12") == "AB-12"
    assert reference_part("AB 12") != reference_part("AB-12")
    assert IDENTIFIER.match(reference_part("AB 12"))


@given(st.text(min_size=1, max_size=200), st.text(min_size=1, max_size=120))
def test_every_derived_id_is_a_valid_identifier(organisation: str, reference: str) -> None:
    """Whatever a file says, the ids made from it are valid and at most 64 characters."""
    assert IDENTIFIER.match(post_id(organisation_prefix(organisation), reference))
    assert IDENTIFIER.match(unit_id((organisation, reference)))


def test_command_ids_are_stable_per_tenant_and_identity() -> None:
    """The same thing in the same tenant has one command id; another tenant gets another."""
    assert command_id("leeds", "post:P1") == command_id("leeds", "post:P1")
    assert command_id("leeds", "post:P1") != command_id("dudley", "post:P1")
    assert command_id("leeds", "post:P1") != command_id("leeds", "post:P2")
