"""Establishment served in this process for the attacks here, speaking for the test's tenant."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import httpx
import pytest
from driving import in_process

from eventlog.settings import Settings
from services.establishment.main import create_app


@pytest.fixture
async def establishment(
    settings: Callable[[str], Settings], tenant: str
) -> AsyncIterator[httpx.AsyncClient]:
    """The establishment app, lifespan and all, and a client for the tenant."""
    async with in_process(create_app(settings("establishment")), tenant) as client:
        yield client
