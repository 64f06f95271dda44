"""Personal data kept out of the log: opaque references, reason codes, sealed and erasable refs."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError
from recruitment_world import COMMANDS, World, appoint, chief_officers

from contracts.people import LEAVER_REASONS, PersonRef
from contracts.rejections import Reason
from contracts.tenancy import TenantPolicy
from contracts.upcasting import upcast
from eventlog.person_sealing import (
    Identity,
    UnsealableError,
    new_key,
    new_pseudonym,
    ref_digest,
    seal,
    unseal,
)
from services.recruitment.people_refs import ERASED, people_named, with_refs
from services.recruitment.views import roster

REFS: TypeAdapter[str] = TypeAdapter(PersonRef)


@pytest.mark.parametrize(
    "ref", ["emp-0042", "EMP123456", "leeds-emp-001", "3f2a9c1e-77b0-4c1d-9e8f-0a1b2c3d4e5f"]
)
def test_opaque_references_are_accepted(ref: str) -> None:
    """Employee numbers and UUIDs are person references."""
    assert REFS.validate_python(ref) == ref


@pytest.mark.parametrize(
    "ref",
    ["john.smith", "john.smith.AB123456C", "AB123456C", "emp-QQ123456", "ab-12-34-56", "x y"],
)
def test_names_and_national_insurance_numbers_are_refused(ref: str) -> None:
    """Dotted name parts and anything shaped like a National Insurance number are refused."""
    with pytest.raises(ValidationError):
        REFS.validate_python(ref)


@given(
    st.from_regex(r"[A-Z]{2}[0-9]{6}[A-D]?", fullmatch=True),
    st.sampled_from(["", "emp-", "x:"]),
)
def test_every_national_insurance_shape_is_refused(number: str, prefix: str) -> None:
    """Any two letters and six digits, alone or after a prefix, cannot be a person reference."""
    with pytest.raises(ValidationError):
        REFS.validate_python(prefix + number)


def test_a_leaver_reason_is_a_code_never_free_text() -> None:
    """RecordLeaver takes one of the listed codes; free text such as a diagnosis is refused."""
    leaver = {"type": "RecordLeaver", "post_id": "a", "person_ref": "p1", "end_date": "2018-01-31"}
    for code in LEAVER_REASONS:
        assert COMMANDS.validate_python({**leaver, "reason": code}).reason == code  # type: ignore[union-attr]  # a RecordLeaver
    with pytest.raises(ValidationError):
        COMMANDS.validate_python({**leaver, "reason": "long-term sickness: depression"})


def test_free_text_reasons_recorded_earlier_are_read_as_codes() -> None:
    """A v1 PostholderLeft's free text reads as its code, or `other`: readers never see it."""
    base = {"contract_id": "c", "post_id": "a", "person_ref": "p1"}
    assert upcast("PostholderLeft", 1, {**base, "reason": "Retirement"})["reason"] == "retirement"
    lifted = upcast("PostholderLeft", 1, {**base, "reason": "stress and anxiety"})
    assert lifted["reason"] == "other"
    assert upcast("PostholderLeft", 1, base)["reason"] is None


def test_a_sealed_reference_opens_only_with_its_key_and_person() -> None:
    """The person's key and pseudonym open it; another key, or another pseudonym, do not."""
    key, person = new_key(), new_pseudonym()
    sealed = seal(key, person, "emp-0042")
    assert "emp-0042" not in sealed
    assert unseal(key, person, sealed) == "emp-0042"
    with pytest.raises(UnsealableError):
        unseal(new_key(), person, sealed)
    with pytest.raises(UnsealableError):
        unseal(key, new_pseudonym(), sealed)
    assert ref_digest(b"a" * 32, "emp-0042") != ref_digest(b"b" * 32, "emp-0042")


def _sealing(world: World, *refs: str) -> dict[str, Identity]:
    key = new_key()
    people = {}
    for ref in refs:
        person = new_pseudonym()
        people[ref] = Identity(person, seal(key, person, ref))
    world.people = people
    return people


def test_events_name_a_person_by_pseudonym_and_carry_the_reference_only_sealed() -> None:
    """An appointment records the pseudonym and the sealed reference; views count by pseudonym."""
    world = chief_officers("50")
    world.post("a", "Dir 50%")
    world.post("b", "Dir 50%")
    people = _sealing(world, "emp-0042")
    events = world.run(appoint("a", "emp-0042"))
    events += world.run(appoint("b", "emp-0042", "2017-05-01", fte="0.5"))
    assert "emp-0042" not in repr(events)
    payload = events[0]["payload"]
    assert payload["person_ref"] == people["emp-0042"].person_id
    assert payload["person_ref_sealed"] == people["emp-0042"].sealed
    assert roster(world.scene, "2017-06-01")["totals"]["headcount"] == 1


def test_a_refusal_names_the_reference_given_not_the_pseudonym() -> None:
    """A rule's refusal speaks of the person as the caller named them."""
    world = chief_officers("50")
    world.post("a", "Dir 50%")
    _sealing(world, "emp-0042")
    world.run(appoint("a", "emp-0042"))
    refused = world.refused(appoint("a", "emp-0042", "2017-06-01", fte="0.1"))
    assert "emp-0042 already holds post" in refused.detail


def test_an_appointment_without_a_key_is_refused_rather_than_recorded_in_the_clear() -> None:
    """With a key store but no identity for the person, nothing is recorded."""
    world = chief_officers("50")
    world.post("a", "Dir 50%")
    world.people = {}
    assert world.refused(appoint("a", "emp-0042")).reason is Reason.INVALID


def test_a_person_recorded_before_sealing_keeps_their_reference() -> None:
    """Someone recorded in the clear is still found by their reference once sealing starts."""
    world = chief_officers("50")
    world.post("a", "Dir 50%")
    world.run(appoint("a", "emp-0042"))
    _sealing(world, "emp-0042")
    leaver = {"type": "RecordLeaver", "post_id": "a", "person_ref": "emp-0042"}
    [left] = world.run({**leaver, "end_date": "2018-01-31", "reason": "retirement"})
    assert left["payload"]["person_ref"] == "emp-0042"


def test_a_tenant_pattern_refuses_references_of_another_shape() -> None:
    """A tenant's own pattern must match the whole reference."""
    world = chief_officers("50")
    world.post("a", "Dir 50%")
    world.policy = TenantPolicy(person_ref_pattern="E[0-9]{6}")
    _sealing(world, "emp-0042", "E000042")
    assert world.refused(appoint("a", "emp-0042")).reason is Reason.INVALID
    assert world.run(appoint("a", "E000042"))
    with pytest.raises(ValidationError):
        TenantPolicy(person_ref_pattern="E[0-9")


def test_answers_name_people_by_reference_and_the_erased_as_erased() -> None:
    """Pseudonyms become references; an erased person is `erased`; others are left as they are."""
    document = {"people": [{"person_ref": "pn-1"}, {"person_ref": "pn-2"}, {"person_ref": "p9"}]}
    assert people_named(document) == {"pn-1", "pn-2", "p9"}
    shown = with_refs(document, {"pn-1": "emp-1", "pn-2": None})
    assert [item["person_ref"] for item in shown["people"]] == ["emp-1", ERASED, "p9"]
