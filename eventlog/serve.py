"""Run one service process: logging configured, uvicorn serving its app until SIGINT/SIGTERM."""

from __future__ import annotations

from typing import TYPE_CHECKING

import uvicorn

from eventlog.logs import configure_logging
from eventlog.settings import Settings

if TYPE_CHECKING:
    from collections.abc import Callable

    from fastapi import FastAPI


def serve(service: str, create_app: Callable[[Settings], FastAPI]) -> None:
    """Serve `service` with settings from the environment, then stop cleanly."""
    settings = Settings(service=service)
    configure_logging(service, settings.log_json)
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.listen_port,
        log_config=None,
        timeout_graceful_shutdown=10,
    )
