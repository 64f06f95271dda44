"""`estab redis-acl`: the Redis users for a deployment's own Redis (deploy/README.md).

The same table `estab up` gives its embedded server (eventlog.redis_users), with passwords kept
in a JSON file beside it (made, one random password per user, if it does not exist yet). The ACL
file holds only the passwords' SHA-256; each service's `ESTAB_REDIS_URL` names its own user.
"""

from __future__ import annotations

from pathlib import Path  # noqa: TC003 - typer reads annotations at runtime
from typing import Annotated

import typer

from cli.options import console, errors
from eventlog.redis_user_file import RedisUsersFileError, ensure_passwords
from eventlog.redis_users import SERVICES, acl_file


def redis_acl(
    passwords: Annotated[
        Path, typer.Argument(help="the users' passwords, JSON (made if it does not exist)")
    ],
    out: Annotated[Path, typer.Option(help="where to write the ACL file")],
    redis_6: Annotated[
        bool, typer.Option("--redis-6", help="for Redis 6.2 (no selectors)")
    ] = False,
) -> None:
    """Write the ACL file of every service's Redis user; passwords kept in PASSWORDS (0600)."""
    try:
        found = ensure_passwords(passwords)
    except RedisUsersFileError as error:
        errors.print(str(error), markup=False)
        raise typer.Exit(2) from None
    out.write_text(acl_file(found, selectors=not redis_6))
    out.chmod(0o600)
    console.print(f"Wrote {out} ({len(found)} users; passwords in {passwords}).", markup=False)
    for access in SERVICES:
        console.print(
            f"  {access.service}: ESTAB_REDIS_URL=redis://{access.service}:<password>@HOST:6379/0",
            markup=False,
        )
