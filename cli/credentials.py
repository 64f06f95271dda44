"""The bearer token the CLI sends.

`--token`, else `ESTAB_TOKEN`, else the local stack's admin token from its tokens file
(`ESTAB_TOKENS_FILE`, else `DATA_DIR/tokens.json`).
"""

from __future__ import annotations

import os
from pathlib import Path

from eventlog.access import Role
from eventlog.token_file import TOKENS_ENV, TOKENS_FILE, role_token

TOKEN_ENV = "ESTAB_TOKEN"  # noqa: S105 - the variable's name, not a token


def tokens_path(data_dir: Path) -> Path:
    """Where the stack on `data_dir` keeps its tokens."""
    named = os.environ.get(TOKENS_ENV)
    return Path(named) if named else data_dir / TOKENS_FILE


def bearer(data_dir: Path, given: str | None = None, role: Role = Role.ADMIN) -> dict[str, str]:
    """The Authorization header for the stack on `data_dir`.

    Raises:
        TokensFileError: no token was given and the stack's tokens file holds none for `role`.
    """
    token = given or os.environ.get(TOKEN_ENV) or role_token(tokens_path(data_dir), role)
    return {"Authorization": f"Bearer {token}"}
