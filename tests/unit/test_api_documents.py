"""The published contracts in docs/api are what the code generates, and cover every stream.

This is how `.ci/run` (`make test`) catches drift: change a route, a model or a consumer without
running `make docs` and the first test here fails.
"""

from __future__ import annotations

import json
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest

from cli.api_documents import documents
from cli.service_streams import (
    COMMANDS,
    SERVICES,
    DocumentedService,
    event_types_on,
    tenant_channel,
)
from contracts.registry import EVENT_TYPES
from contracts.streams import StoreKeys, stream_key
from eventlog.redis_users import SERVICES as REDIS_USERS

DOCS = Path(__file__).parents[2] / "docs" / "api"


@pytest.fixture(scope="module")
def generated() -> dict[str, str]:
    """Every document as the code generates it now (apps built once for the module)."""
    return documents()


def asyncapi(generated: dict[str, str], service: DocumentedService) -> dict[str, Any]:
    """The service's AsyncAPI document, parsed."""
    parsed: dict[str, Any] = json.loads(generated[f"{service.spec.name}.asyncapi.json"])
    return parsed


def test_docs_api_holds_exactly_what_the_code_generates(generated: dict[str, str]) -> None:
    """docs/api has each generated document, byte for byte, and nothing else."""
    on_disk = {path.name: path.read_bytes() for path in DOCS.glob("*.json")}
    assert sorted(on_disk) == sorted(generated), (
        "docs/api does not hold one OpenAPI and one AsyncAPI per service: run `make docs`"
    )
    drifted = [name for name, text in generated.items() if on_disk[name] != text.encode()]
    assert not drifted, f"{', '.join(drifted)} in docs/api differ from the code: run `make docs`"


@pytest.mark.parametrize("service", SERVICES, ids=lambda service: service.spec.name)
def test_every_consumer_stream_is_a_channel_the_service_receives_on(
    generated: dict[str, str], service: DocumentedService
) -> None:
    """Each stream a service consumes is a channel read by its group, with a receive operation."""
    document = asyncapi(generated, service)
    for consumer in service.spec.consumers:
        channel = tenant_channel(consumer.stream_name)
        assert document["channels"][channel]["bindings"]["redis"]["groupName"] == consumer.group
        assert document["operations"][channel]["action"] == "receive"


@pytest.mark.parametrize("service", SERVICES, ids=lambda service: service.spec.name)
def test_every_channel_with_messages_names_their_model(
    generated: dict[str, str], service: DocumentedService
) -> None:
    """A commands or events channel's message has its model's schema, not an empty payload."""
    document = asyncapi(generated, service)
    streams = [consumer.stream_name for consumer in service.spec.consumers]
    for stream in [*streams, *service.writes]:
        if stream not in COMMANDS and not event_types_on(stream):
            continue
        messages = document["channels"][tenant_channel(stream)]["messages"]
        (reference,) = [message["$ref"] for message in messages.values()]
        message = document["components"]["messages"][unquote(reference.rsplit("/", 1)[1])]
        schema = unquote(message["payload"]["$ref"].rsplit("/", 1)[1])
        assert document["components"]["schemas"][schema]["oneOf"], stream


def test_every_event_type_is_documented_on_exactly_one_stream() -> None:
    """Each registered event type is on one stream's schema, so none is left out or doubled."""
    streams = {stream for service in SERVICES for stream in service.writes + service.writes_system}
    placed = [name for stream in streams for name in event_types_on(stream)]
    assert sorted(placed) == sorted(EVENT_TYPES)


@pytest.mark.parametrize("service", SERVICES, ids=lambda service: service.spec.name)
def test_what_a_service_is_said_to_write_is_within_its_redis_keys(
    service: DocumentedService,
) -> None:
    """Each stream a document says the service appends to is one its Redis user owns."""
    (access,) = [user for user in REDIS_USERS if user.service == service.spec.name]
    keys = [stream_key("leeds", stream) for stream in service.writes]
    keys += [StoreKeys.for_system(stream).stream for stream in service.writes_system]
    for key in keys:
        assert any(fnmatchcase(key, pattern) for pattern in access.own_patterns()), key
