"""The embedded Redis's user passwords: made once per data directory, readable by its owner only.

`DATA_DIR/redis/users.json` is `{"operator": "...", "establishment": "...", ...}` (mode 0600).
The server's ACL file holds only their SHA-256 (eventlog.redis_users); `estab up` gives each
service a URL with its own user and password, and records the operator's for the CLI.
"""

from __future__ import annotations

import os
import secrets
from typing import TYPE_CHECKING
from urllib.parse import quote

import orjson

from eventlog.redis_users import USERS

if TYPE_CHECKING:
    from pathlib import Path

USERS_FILE = "users.json"


class RedisUsersFileError(ValueError):
    """A users file that cannot be used: unreadable, or missing a user."""


def ensure_passwords(path: Path) -> dict[str, str]:
    """The passwords in `path`, made (one random per user) if it does not exist yet."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        made = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return read_passwords(path)
    passwords = {user: secrets.token_urlsafe(32) for user in USERS}
    with os.fdopen(made, "wb") as out:
        out.write(orjson.dumps(passwords, option=orjson.OPT_INDENT_2) + b"\n")
    return passwords


def read_passwords(path: Path) -> dict[str, str]:
    """The passwords in `path`, or RedisUsersFileError saying what is wrong."""
    try:
        found = orjson.loads(path.read_bytes())
    except (OSError, orjson.JSONDecodeError) as error:
        raise RedisUsersFileError(f"{path}: {error}") from error
    missing = [user for user in USERS if not isinstance(found.get(user), str)]
    if missing:
        raise RedisUsersFileError(f"{path}: no password for {', '.join(missing)}")
    return {user: found[user] for user in USERS}


def user_url(url: str, user: str, password: str) -> str:
    """`url` (`redis://host:port/db`) logging in as `user`."""
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{quote(user, safe='')}:{quote(password, safe='')}@{rest}"
