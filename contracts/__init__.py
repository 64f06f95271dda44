"""The language the services share: every message as a frozen pydantic model.

HR and finance systems integrate against these (and the JSON Schema exported from them);
`tests/unit/test_contracts.py` pins this list so nothing is added or dropped by accident.
"""

from contracts.envelope import Envelope, Message
from contracts.establishment import (
    ChangePostFTE,
    ChangePostFunding,
    ChangeReportingLine,
    CreateOrgUnit,
    CreatePost,
    DeletePost,
    EventRetracted,
    FundingShare,
    OrgUnitCreated,
    PostCreated,
    PostDeleted,
    PostFTEChanged,
    PostFundingChanged,
    PostRedesignated,
    PostTransferred,
    RedesignatePost,
    ReportingLineChanged,
    RetractEvent,
    TransferPost,
)
from contracts.registry import COMMAND_TYPES, EVENT_TYPES, UnknownTypeError

__all__ = [
    "COMMAND_TYPES",
    "EVENT_TYPES",
    "ChangePostFTE",
    "ChangePostFunding",
    "ChangeReportingLine",
    "CreateOrgUnit",
    "CreatePost",
    "DeletePost",
    "Envelope",
    "EventRetracted",
    "FundingShare",
    "Message",
    "OrgUnitCreated",
    "PostCreated",
    "PostDeleted",
    "PostFTEChanged",
    "PostFundingChanged",
    "PostRedesignated",
    "PostTransferred",
    "RedesignatePost",
    "ReportingLineChanged",
    "RetractEvent",
    "TransferPost",
    "UnknownTypeError",
]
