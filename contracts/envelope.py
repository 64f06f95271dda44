"""The event envelope: identity, both times, causality and the hash chain around a payload.

Every field an auditor's tool needs is in the JSON body itself (REDIS_STREAMS.md item 10), so the
log can be read without FastStream or Python.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

PayloadT = TypeVar("PayloadT", bound=BaseModel)


class Message(BaseModel):
    """Base of every command and payload: frozen, and strict about unknown fields."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Envelope(BaseModel, Generic[PayloadT]):
    """One recorded event.

    `effective_date` is when the change takes effect in the organisation; `recorded_at` is when
    the owning service appended it (never set by a caller). `sequence` is the position in the
    tenant's stream, and `hash` covers the canonical JSON of every other field, `prev_hash`
    included, so any edit, deletion or reordering breaks the chain.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    event_id: str
    type: str
    schema_version: int = Field(ge=1)
    tenant: str
    aggregate_type: str
    aggregate_id: str
    aggregate_version: int = Field(ge=1)
    sequence: int = Field(ge=1)
    effective_date: date
    recorded_at: datetime
    actor: str
    on_behalf_of: str | None = None
    correlation_id: str | None = None
    causation_id: str | None = None
    prev_hash: str
    hash: str
    payload: PayloadT
