"""The tokens file: `{"admin": "...", "hr": "...", ...}`, made by `estab up`, mode 0600.

Each key is an identity, recorded as the `actor` of what its token writes. A plain string value
is the token of the role the key names; an object gives a token its own role and tenants, e.g.
`"leeds-hr": {"token": "...", "role": "hr", "tenants": ["leeds"]}`. Services read it from
`ESTAB_TOKENS_FILE`; `estab up` makes it once per data directory (or at that path), so tokens
survive restarts, and leaves an existing file alone.
"""

from __future__ import annotations

import os
import secrets
from typing import TYPE_CHECKING, Annotated

import orjson
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from eventlog.access import Grant, Role, TokenBook

if TYPE_CHECKING:
    from pathlib import Path

TOKENS_FILE = "tokens.json"
"""Its name in the data directory."""
TOKENS_ENV = "ESTAB_TOKENS_FILE"
"""The environment variable naming it (services, `estab up` and the CLI all read it)."""

Secret = Annotated[str, Field(min_length=32, max_length=256, pattern=r"^[A-Za-z0-9_\-.~+/=]+$")]


class TokenEntry(BaseModel):
    """A token with its own role and, optionally, tenants."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    token: Secret
    role: Role
    tenants: list[str] | None = Field(default=None, min_length=1)


_FILE = TypeAdapter(dict[Annotated[str, Field(min_length=1, max_length=200)], Secret | TokenEntry])


class TokensFileError(ValueError):
    """The tokens file is missing or not in the shape above; the message says what is wrong."""


def read_tokens(path: Path) -> TokenBook:
    """The token book in `path`."""
    try:
        entries = _FILE.validate_python(orjson.loads(path.read_bytes()))
    except FileNotFoundError:
        raise TokensFileError(f"no tokens file at {path}") from None
    except (orjson.JSONDecodeError, ValidationError) as error:
        raise TokensFileError(f"{path} is not a tokens file: {error}") from None
    book: list[tuple[str, Grant]] = []
    for identity, entry in entries.items():
        if isinstance(entry, TokenEntry):
            tenants = frozenset(entry.tenants) if entry.tenants else None
            book.append((entry.token, Grant(identity, entry.role, tenants)))
            continue
        try:
            book.append((entry, Grant(identity, Role(identity))))
        except ValueError:
            roles = ", ".join(role.value for role in Role)
            raise TokensFileError(
                f"{path}: {identity!r} is not a role ({roles}); give it as "
                '{"token": ..., "role": ...}'
            ) from None
    if not book:
        raise TokensFileError(f"{path} holds no tokens")
    return TokenBook(book)


def role_token(path: Path, role: Role) -> str:
    """The token `path` holds for the identity named after `role` (what the CLI sends)."""
    try:
        entries = orjson.loads(path.read_bytes())
    except FileNotFoundError:
        raise TokensFileError(f"no tokens file at {path}: is `estab up` running?") from None
    except orjson.JSONDecodeError as error:
        raise TokensFileError(f"{path} is not a tokens file: {error}") from None
    entry = entries.get(role.value) if isinstance(entries, dict) else None
    token = entry.get("token") if isinstance(entry, dict) else entry
    if not isinstance(token, str):
        raise TokensFileError(f"{path} holds no token for {role.value!r}")
    return token


def ensure_tokens(path: Path) -> bool:
    """Make `path` with a new token per role, readable by this user only, unless it exists.

    Returns whether it was made. An existing file is checked, so a broken one fails here.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        made = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        read_tokens(path)
        return False
    tokens = {role.value: secrets.token_urlsafe(32) for role in Role}
    with os.fdopen(made, "wb") as out:
        out.write(orjson.dumps(tokens, option=orjson.OPT_INDENT_2) + b"\n")
    return True
