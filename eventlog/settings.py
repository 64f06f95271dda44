"""Service settings, read from the environment (prefix `ESTAB_`; `REDIS_URL` also works)."""

from __future__ import annotations

import os
import socket
from pathlib import Path

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from contracts.streams import SYSTEM, SYSTEM_PATTERN

DEFAULT_PORTS = {"establishment": 8101, "grading": 8102, "recruitment": 8103, "finance": 8104}
"""Each service's default HTTP port (API.md)."""


def _consumer_name() -> str:
    return f"{socket.gethostname()}-{os.getpid()}"


class Settings(BaseSettings):
    """What one service process needs to know; `create_app(settings)` takes one of these."""

    model_config = SettingsConfigDict(env_prefix="ESTAB_", frozen=True)

    service: str = "establishment"
    redis_url: str = Field(  # type: ignore[pydantic-alias] # env names, not init keywords
        default="redis://127.0.0.1:6379/0",
        validation_alias=AliasChoices("ESTAB_REDIS_URL", "REDIS_URL", "redis_url"),
    )
    system: str = Field(
        default=SYSTEM,
        pattern=SYSTEM_PATTERN.pattern,
        description="the tenant registry's namespace (`{_system}:tenants.events` by default)",
    )
    tenant_poll_ms: int = Field(
        default=250, ge=10, description="how often the tenant registry is re-read"
    )
    host: str = "127.0.0.1"
    port: int | None = Field(default=None, description="default: the service's own (API.md)")
    consumer: str = Field(default_factory=_consumer_name)
    log_json: bool | None = None
    batch_size: int = Field(default=500, ge=1, le=10_000)
    poll_ms: int = Field(default=100, ge=1)
    reclaim_idle_ms: int = Field(default=5_000, ge=10)
    max_deliveries: int = Field(default=5, ge=1)
    rate_per_second: float = Field(
        default=200, gt=0, description="each token's sustained requests a second (then 429)"
    )
    rate_burst: int = Field(default=1000, ge=1, description="requests a token may send at once")
    signing_key_file: Path | None = Field(
        default=None, description="the Ed25519 key this service signs its chain heads with"
    )
    tokens_file: Path | None = Field(
        default=None,
        description="the bearer tokens accepted (`estab up` makes DATA_DIR/tokens.json)",
    )

    @property
    def listen_port(self) -> int:
        """The port to serve on: the one configured, else the service's default."""
        return self.port if self.port is not None else DEFAULT_PORTS.get(self.service, 8100)
