"""Which Redis streams each service reads and writes, and the message models found on each.

What the AsyncAPI documents are made of (cli.api_documents). A service's reads are its own
`ServiceSpec.consumers`; what it appends to is listed here, each within the keys its Redis user
may write (eventlog.redis_users, checked by tests/unit/test_api_documents.py). Message models
come from the registry (contracts.registry), so a command or event type added there is
documented without an edit here: each event type is on the stream of the contracts module that
defines it, except finance's cost updates, which have a stream of their own.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any, Literal, Union

from pydantic import BaseModel, Field, RootModel, create_model

from contracts import establishment, finance, grading, proposals, recruitment, tenancy
from contracts.envelope import Envelope
from contracts.registry import COMMAND_TYPES, EVENT_TYPES, RECRUITMENT_COMMAND_TYPES
from contracts.streams import (
    ESTABLISHMENT_COMMANDS,
    ESTABLISHMENT_EVENTS,
    ESTABLISHMENT_PROPOSALS,
    ESTABLISHMENT_REJECTIONS,
    FINANCE_COST_UPDATES,
    FINANCE_EVENTS,
    FINANCE_REJECTIONS,
    GRADING_EVENTS,
    GRADING_REJECTIONS,
    RECRUITMENT_COMMANDS,
    RECRUITMENT_EVENTS,
    RECRUITMENT_REJECTIONS,
    SYSTEM,
    TENANT_EVENTS,
)
from services.establishment import main as establishment_main
from services.finance import main as finance_main
from services.grading import main as grading_main
from services.recruitment import main as recruitment_main

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from types import ModuleType

    from fastapi import FastAPI

    from eventlog.service_app import ServiceSpec
    from eventlog.settings import Settings

TENANT = "{tenant}"
"""Stands for each provisioned tenant in a channel's name; its braces are the key's own (its
Redis Cluster hash tag), so `{tenant}:establishment.commands` is `{leeds}:establishment.commands`
for the tenant `leeds`."""


@dataclass(frozen=True, slots=True)
class DocumentedService:
    """One service as its documents describe it: its spec, its app, the streams it appends to."""

    spec: ServiceSpec[Any]
    create_app: Callable[[Settings], FastAPI]
    writes: tuple[str, ...]
    """Its own streams, on every tenant's key (dead letters aside: one per consumer)."""
    writes_system: tuple[str, ...] = ()
    """Streams of the system's own namespace (`{_system}:…`), not of any tenant."""


SERVICES = (
    DocumentedService(
        establishment_main.SPEC,
        establishment_main.create_app,
        (ESTABLISHMENT_EVENTS, ESTABLISHMENT_PROPOSALS, ESTABLISHMENT_REJECTIONS),
        (TENANT_EVENTS,),
    ),
    DocumentedService(
        grading_main.SPEC, grading_main.create_app, (GRADING_EVENTS, GRADING_REJECTIONS)
    ),
    DocumentedService(
        recruitment_main.SPEC,
        recruitment_main.create_app,
        (RECRUITMENT_EVENTS, RECRUITMENT_REJECTIONS),
    ),
    DocumentedService(
        finance_main.SPEC,
        finance_main.create_app,
        (FINANCE_EVENTS, FINANCE_COST_UPDATES, FINANCE_REJECTIONS),
    ),
)
"""Every service, in the order API.md lists them."""

EVENT_CONTRACTS: dict[str, ModuleType] = {
    ESTABLISHMENT_EVENTS: establishment,
    ESTABLISHMENT_PROPOSALS: proposals,
    GRADING_EVENTS: grading,
    RECRUITMENT_EVENTS: recruitment,
    FINANCE_EVENTS: finance,
    TENANT_EVENTS: tenancy,
}
"""Each event stream, and the contracts module whose event types it records."""

COST_UPDATES = ("PostCostChanged",)
"""Finance's event types recorded on `finance.cost-updates` rather than `finance.events`."""

COMMANDS: dict[str, Mapping[str, type[BaseModel]]] = {
    ESTABLISHMENT_COMMANDS: COMMAND_TYPES,
    RECRUITMENT_COMMANDS: RECRUITMENT_COMMAND_TYPES,
}
"""Each command stream, and the command types it takes (by `type`)."""

DESCRIPTIONS: dict[str, str] = {
    ESTABLISHMENT_COMMANDS: (
        "Commands from HR systems, one per entry, chosen by `type`; each is answered by events on"
        f" `{TENANT}:{ESTABLISHMENT_EVENTS}` or, if refused, on"
        f" `{TENANT}:{ESTABLISHMENT_REJECTIONS}`. A message typed as an event (`PostCreated`, …)"
        " is taken as the matching command."
    ),
    RECRUITMENT_COMMANDS: (
        "Recruitment's commands from HR systems, one per entry, chosen by `type` (the bodies of"
        f" its HTTP writes); each is answered on `{TENANT}:{RECRUITMENT_EVENTS}` or, if refused,"
        f" on `{TENANT}:{RECRUITMENT_REJECTIONS}`."
    ),
    ESTABLISHMENT_EVENTS: "Establishment's events: org units, posts, reporting lines, funding.",
    ESTABLISHMENT_PROPOSALS: (
        "Redesign proposals: drafted, commands added or removed, submitted, approved, rejected"
        " or withdrawn. Never the live log: approval appends the commands to"
        f" `{TENANT}:{ESTABLISHMENT_EVENTS}`."
    ),
    GRADING_EVENTS: "Grading's events: pay spines, grades, on-cost rates, job evaluation.",
    RECRUITMENT_EVENTS: "Recruitment's events: postholders, vacancy control, staff at risk.",
    FINANCE_EVENTS: "Finance's events: funding streams and their headroom.",
    FINANCE_COST_UPDATES: (
        "`PostCostChanged` for every post and financial year whose cost changed, naming the"
        " cause's `event_id`, with the annual and in-year cost before and after."
    ),
    TENANT_EVENTS: (
        "The tenant registry: every tenant provisioned. `{_system}` is the default namespace"
        " (`ESTAB_SYSTEM` names another)."
    ),
}
"""What each stream carries, in a sentence or two."""

REJECTIONS = (
    ESTABLISHMENT_REJECTIONS,
    GRADING_REJECTIONS,
    RECRUITMENT_REJECTIONS,
    FINANCE_REJECTIONS,
)
"""Each service's refusals: entries with no contracts model (eventlog.rejections writes them), so
they are described in words alone."""

REFUSALS = (
    "Messages {service} read and refused, one `CommandRejected` entry each: the tenant, the source"
    " stream and entry id, the reason code with its problem type and HTTP status, the detail and"
    " field errors, the original message, and when it was rejected."
)

EVENTS_NOTE = (
    " Each entry is one hash-chained envelope; its `type` names the payload, at the current"
    " `schema_version` (older ones are upcast as they are read)."
)


def tenant_channel(stream: str) -> str:
    """The channel of `stream` for every tenant, e.g. `{tenant}:establishment.events`."""
    return f"{TENANT}:{stream}"


def system_channel(stream: str) -> str:
    """The channel of one of the system's own streams, e.g. `{_system}:tenants.events`."""
    return f"{{{SYSTEM}}}:{stream}"


def dead_letter_channel(stream: str, group: str) -> str:
    """Where `group`'s poison messages from `stream` go (contracts.streams.dead_letter_key)."""
    return f"{tenant_channel(stream)}:dead-letters:{group}"


def event_types_on(stream: str) -> dict[str, type[BaseModel]]:
    """The event types recorded on `stream`, by name (empty for a stream of no events)."""
    if stream == FINANCE_COST_UPDATES:
        return {name: EVENT_TYPES[name] for name in COST_UPDATES}
    contracts = EVENT_CONTRACTS.get(stream)
    if contracts is None:
        return {}
    return {
        name: model
        for name, model in EVENT_TYPES.items()
        if model.__module__ == contracts.__name__ and name not in COST_UPDATES
    }


@cache
def message_model(stream: str) -> type[BaseModel] | None:
    """The model of one entry of `stream`: its commands or its events; None if it has none.

    Made once per stream, so every document that names it names the same model.
    """
    name = "".join(part.title() for part in stream.replace("-", ".").split("."))
    if stream in COMMANDS:
        return _one_of(name, list(COMMANDS[stream].values()), f"A message on `{stream}`.")
    events = [_recorded(type_name, model) for type_name, model in event_types_on(stream).items()]
    return _one_of(name, events, f"An event on `{stream}`.") if events else None


def description(stream: str) -> str:
    """What `stream` carries; an event stream also says how its entries are shaped."""
    if stream in REJECTIONS:
        return REFUSALS.format(service=stream.split(".", 1)[0])
    return DESCRIPTIONS[stream] + (EVENTS_NOTE if event_types_on(stream) else "")


def dead_letter_description(stream: str, group: str) -> str:
    """What the dead letters of `group` on `stream` hold."""
    return (
        f"Entries of `{tenant_channel(stream)}` that `{group}` failed on at every delivery: the"
        " original `__data__`, and a `__meta__` field saying why (eventlog.subscribers)."
    )


def _recorded(type_name: str, payload: type[BaseModel]) -> type[BaseModel]:
    """`Envelope[payload]` whose `type` can only be `type_name`, so readers tell payloads apart."""
    only: Any = Literal[type_name]  # a type made at runtime: Any is what a checker can know of it
    return create_model(
        f"{type_name}Envelope",
        __base__=Envelope[payload],  # type: ignore[valid-type] # the payload model is a value here
        __doc__=f"One recorded `{type_name}` event.",
        type=(only, ...),
    )


def _one_of(title: str, members: list[type[BaseModel]], doc: str) -> type[BaseModel]:
    """A model that is exactly one of `members`, told apart by their `type`."""
    # Any, as for `only` above: all a checker can know of a type made at runtime.
    either: Any = Union[tuple(members)]  # noqa: UP007 - a runtime tuple of models has no `|` spelling
    return create_model(
        title, __base__=RootModel, __doc__=doc, root=(either, Field(discriminator="type"))
    )
