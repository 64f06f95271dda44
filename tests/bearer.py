"""The bearer tokens the test session's services accept, as request headers.

`conftest.pytest_configure` makes one tokens file per session and names it in
`ESTAB_TOKENS_FILE`, so every service, in a process or in this one, and every `estab` command the
tests run, reads the same file.
"""

from __future__ import annotations

import os
from pathlib import Path

from eventlog.access import Role
from eventlog.token_file import TOKENS_ENV, role_token


def token(role: Role = Role.ADMIN) -> str:
    """The session's token for `role`."""
    return role_token(Path(os.environ[TOKENS_ENV]), role)


def auth(role: Role = Role.ADMIN) -> dict[str, str]:
    """The Authorization header of `role`'s token."""
    return {"Authorization": f"Bearer {token(role)}"}


def speaking_for(tenant: str, role: Role = Role.ADMIN) -> dict[str, str]:
    """Headers of a request for `tenant` with `role`'s token."""
    return {**auth(role), "X-Tenant": tenant}
