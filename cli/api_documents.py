"""Every service's contracts as documents: OpenAPI for its HTTP, AsyncAPI for its streams.

`make docs` writes them to `docs/api/` (`python -m cli.api_documents docs/api`), and
tests/unit/test_api_documents.py fails if the files there differ by one byte from what the code
generates now, so the published contracts cannot drift from the services (API.md: publish the
full OpenAPI and AsyncAPI documents).

The OpenAPI is the app's own `openapi()`: building an app connects to nothing (Redis is reached
only in its lifespan, which `openapi()` does not run). The AsyncAPI is FastStream's generator over
a RedisBroker that is never connected, on which, for the document alone, each of the service's
consumers is declared as a subscriber and each stream it appends to as a publisher: the real
subscribers are made per tenant at runtime (eventlog.service_app), so no broker holds them until
a tenant is served.

The text is deterministic: sorted keys, two-space indentation, UTF-8, a final newline, and
nothing from the host, the environment or the clock (the server is the default Redis URL, the
consumer name a placeholder).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from faststream.redis import RedisBroker, StreamSub
from faststream.specification import AsyncAPI

from cli.service_streams import (
    SERVICES,
    DocumentedService,
    dead_letter_channel,
    dead_letter_description,
    description,
    message_model,
    system_channel,
    tenant_channel,
)
from eventlog.settings import Settings

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Sequence

    from pydantic import BaseModel

DEFAULT_OUT = Path("docs/api")

REDIS_URL: str = Settings.model_fields["redis_url"].default
"""The server the documents name: the default, never what this process's environment says."""

CONSUMER = "{consumer}"
"""Stands for each replica's consumer name (`ESTAB_CONSUMER`; by default host and pid)."""

STREAMS_NOTE = (
    " Its channels are Redis streams, one of each for every tenant: `{tenant}` stands for each"
    " provisioned tenant's name, the braces kept (they are the key's Redis Cluster hash tag), so"
    " `{tenant}:establishment.commands` is `{leeds}:establishment.commands` for the tenant"
    " `leeds`. Each entry's `__data__` field holds one message as JSON. The service reads each"
    " stream it receives from through its consumer group (`{consumer}` is each replica's name);"
    " streams it only folds by range, without a group, are not listed."
)


def documents() -> dict[str, str]:
    """File name -> text of every service's two documents, exactly as `make docs` writes them."""
    texts: dict[str, str] = {}
    for service in SERVICES:
        openapi, asyncapi = service_documents(service)
        texts[f"{service.spec.name}.openapi.json"] = _text(openapi)
        texts[f"{service.spec.name}.asyncapi.json"] = _text(asyncapi)
    return texts


def service_documents(service: DocumentedService) -> tuple[dict[str, Any], dict[str, Any]]:
    """The service's OpenAPI and AsyncAPI, from its app built but never started."""
    app = service.create_app(Settings(service=service.spec.name))
    return app.openapi(), asyncapi_document(service, app.version)


def asyncapi_document(service: DocumentedService, version: str) -> dict[str, Any]:
    """The service's AsyncAPI 3.0, from FastStream's generator over a broker never connected."""
    spec = service.spec
    broker = RedisBroker(REDIS_URL, description="The Redis the stack runs on (ESTAB_REDIS_URL).")
    for consumer in spec.consumers:
        channel = tenant_channel(consumer.stream_name)
        broker.subscriber(
            stream=StreamSub(channel, group=consumer.group, consumer=CONSUMER),
            title=channel,
            description=description(consumer.stream_name),
        )(_never_called(message_model(consumer.stream_name)))
        failed = dead_letter_channel(consumer.stream_name, consumer.group)
        broker.publisher(
            stream=failed,
            title=failed,
            description=dead_letter_description(consumer.stream_name, consumer.group),
        )
    written = [(tenant_channel(stream), stream) for stream in service.writes]
    written += [(system_channel(stream), stream) for stream in service.writes_system]
    for channel, stream in written:
        broker.publisher(
            stream=channel,
            title=channel,
            description=description(stream),
            schema=message_model(stream),
        )
    generated = AsyncAPI(
        broker, title=spec.title, version=version, description=spec.description + STREAMS_NOTE
    ).to_specification()
    document: dict[str, Any] = generated.to_jsonable()
    return document


def write_documents(out: Path) -> list[Path]:
    """Write every document to `out`, removing ones no service has any more; the files written.

    A file whose text is already right is left alone.
    """
    out.mkdir(parents=True, exist_ok=True)
    texts = documents()
    for stale in [*out.glob("*.openapi.json"), *out.glob("*.asyncapi.json")]:
        if stale.name not in texts:
            stale.unlink()
    written = []
    for name, text in texts.items():
        path = out / name
        if not path.exists() or path.read_bytes() != text.encode():
            path.write_bytes(text.encode())
            written.append(path)
    return written


def main(argv: Sequence[str] | None = None) -> None:
    """`python -m cli.api_documents [OUT]`: write the documents (default `docs/api`)."""
    parser = argparse.ArgumentParser(description="Write each service's OpenAPI and AsyncAPI.")
    parser.add_argument("out", nargs="?", type=Path, default=DEFAULT_OUT)
    out: Path = parser.parse_args(argv).out
    written = write_documents(out)
    sys.stdout.write(
        "".join(f"wrote {path}\n" for path in written) or f"{out}: already up to date\n"
    )


def _never_called(model: type[BaseModel] | None) -> Callable[..., Awaitable[None]]:
    """A handler whose one parameter is `model`, so FastStream documents what arrives.

    The annotation is set on the function after it is made, since the model is a value here;
    FastStream reads it when the handler is registered.
    """

    # Named without a leading `_`, which FastStream would leave out of the document.
    async def arrives(message: Any) -> None:
        """Never called: the subscriber exists only to be documented."""

    arrives.__annotations__ = {"message": model or Any, "return": None}
    return arrives


def _text(document: dict[str, Any]) -> str:
    """The one spelling of a document: sorted keys, two-space indents, a final newline."""
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    main()
