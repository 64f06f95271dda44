"""The commands an import sends, as the services' command streams carry them.

Each gets a command id derived from the tenant and what it records (never a row number), so
sending it again is answered as a repeat. Each is validated against its `contracts` model
before it is planned, so a value the services would refuse is reported on its row at once;
the message sent is the one built here (an FTE of `30/37` stays an exact fraction).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from contracts.identifiers import grade_key
from contracts.registry import UnknownTypeError, any_command_from_message
from importing.cells import fte_wire
from importing.identities import command_id

if TYPE_CHECKING:
    from datetime import date

    from importing.model import Band, Holder, PostLine
    from importing.units import Unit


def _money(amount: object) -> str:
    return format(amount, "f")


def define_grade(tenant: str, as_of: date, band: Band) -> dict[str, Any]:
    """`DefineGrade` of a salary band from the import date, naming the files it comes from."""
    files = ", ".join(sorted({source.file for source in band.sources}))
    low = "" if band.low is None else _money(band.low)
    identity = f"grade:{grade_key(band.grade)}:{as_of.isoformat()}:{low}-{_money(band.high)}"
    message: dict[str, Any] = {
        "type": "DefineGrade",
        "command_id": command_id(tenant, identity),
        "grade": band.grade,
        "effective_date": as_of.isoformat(),
        "salary_max": _money(band.high),
        "source": f"imported pay band from {files}"[:500],
    }
    if band.low is not None:
        message["salary_min"] = low
    return message


def create_org_unit(tenant: str, as_of: date, unit: Unit, parent_id: str | None) -> dict[str, Any]:
    """`CreateOrgUnit` of one unit of the import's paths."""
    message: dict[str, Any] = {
        "type": "CreateOrgUnit",
        "command_id": command_id(tenant, f"org-unit:{unit.unit_id}"),
        "org_unit_id": unit.unit_id,
        "name": unit.name,
        "effective_date": as_of.isoformat(),
    }
    if parent_id is not None:
        message["parent_id"] = parent_id
    return message


def create_post(
    tenant: str, as_of: date, line: PostLine, unit_id: str, manager_id: str | None
) -> dict[str, Any]:
    """`CreatePost` of one post line."""
    message: dict[str, Any] = {
        "type": "CreatePost",
        "command_id": command_id(tenant, f"post:{line.post_id}"),
        "post_id": line.post_id,
        "title": line.title,
        "grade": line.grade,
        "fte": fte_wire(line.fte),
        "org_unit_id": unit_id,
        "effective_date": as_of.isoformat(),
    }
    if manager_id is not None:
        message["reports_to"] = manager_id
    if line.funding:
        message["funding"] = [
            {"source_id": part.source_id, "share": _money(part.share)} for part in line.funding
        ]
    if line.budgeted_annual_cost is not None:
        message["budgeted_annual_cost"] = _money(line.budgeted_annual_cost)
    return message


def appoint(tenant: str, as_of: date, post_id: str, holder: Holder) -> dict[str, Any]:
    """`AppointPostholder` of someone already in post on the import date."""
    return {
        "type": "AppointPostholder",
        "command_id": command_id(tenant, f"appointment:{post_id}:{holder.person_ref}"),
        "post_id": post_id,
        "person_ref": holder.person_ref,
        "start_date": as_of.isoformat(),
        "fte": fte_wire(holder.fte),
        "existing": True,
    }


def invalid(message: dict[str, Any]) -> str | None:
    """Why the services would refuse `message` as malformed, or None.

    The reason names the fields and rules, never the values given (which may be free text).
    """
    try:
        any_command_from_message(message)
    except UnknownTypeError as error:
        return str(error)
    except ValidationError as error:
        return "; ".join(
            f"{'.'.join(str(part) for part in item['loc']) or 'command'}: {item['msg']}"
            for item in error.errors(include_input=False, include_url=False)
        )
    return None
