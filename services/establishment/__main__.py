"""`python -m services.establishment`: run the service with settings from the environment."""

from __future__ import annotations

import uvicorn

from eventlog.logs import configure_logging
from eventlog.settings import Settings
from services.establishment.main import SERVICE, create_app


def main() -> None:
    """Serve HTTP and consume the command streams until SIGINT/SIGTERM, then stop cleanly."""
    settings = Settings(service=SERVICE)
    configure_logging(SERVICE, settings.log_json)
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_config=None,
        timeout_graceful_shutdown=10,
    )


if __name__ == "__main__":
    main()
