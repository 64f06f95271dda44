"""`estab verify` and `estab checkpoint`: the auditors' checks on the raw log, no service used.

`estab replay` runs the same verification first (`verified_or_exit`) and folds only a sound log.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from cli.archive_commands import archive_sound, opened
from cli.audit import checkpoint_now, verify_all
from cli.chain_reports import checking, keys_folder, public_keys_or_exit, reported
from cli.options import DATA, DataDir, RedisUrl, console, errors, redis_url_for
from eventlog.checkpoints import Checkpoint
from eventlog.clock import format_timestamp
from eventlog.head_signing import TrustedKeys

KeysDir = Annotated[
    Path | None,
    typer.Option(help="the services' public keys, *.pub.json (default: DATA_DIR/keys)"),
]


def _trusted(keys: Path | None, data_dir: Path, checkpoint: Checkpoint | None) -> TrustedKeys:
    """The public keys to check signed heads with, or exit saying which file is broken."""
    folder = keys_folder(keys, data_dir)
    found = public_keys_or_exit(folder)
    trusted = TrustedKeys([*found, *(checkpoint.keys if checkpoint else [])])
    if not trusted:
        errors.print(f"Signatures not checked: no public keys in {folder} (--keys)", markup=False)
    return trusted


def verify(
    tenant: Annotated[list[str] | None, typer.Option(help="only these tenants")] = None,
    checkpoint: Annotated[
        Path | None,
        typer.Option(help="a checkpoint saved earlier: no stream may have lost what it held"),
    ] = None,
    keys: KeysDir = None,
    redis_url: RedisUrl = None,
    data_dir: DataDir = DATA,
    archive: Annotated[
        Path | None, typer.Option(help="verify this archive (estab export --format jsonl)")
    ] = None,
) -> None:
    """Check every stream's hash chain and signed heads; exit 1 naming the first bad event."""
    if archive is not None:
        if not archive_sound(opened(archive), keys, data_dir, console):
            raise typer.Exit(1)
        return
    saved = None
    if checkpoint is not None:
        try:
            saved = Checkpoint.read(checkpoint)
        except ValueError as error:
            errors.print(str(error), markup=False)
            raise typer.Exit(2) from None
    trusted = _trusted(keys, data_dir, saved)
    url = redis_url_for(redis_url, data_dir)
    with checking() as advance:
        results = asyncio.run(verify_all(url, tenant or [], trusted, saved, advance))
    if not results:
        console.print("No event streams found.")
    if not reported(results, console):
        raise typer.Exit(1)


def verified_or_exit(url: str, tenant: str, data_dir: Path) -> None:
    """Verify the tenant's streams before a replay folds them; exit 1 naming a broken one.

    The lines go to stderr, so a replay's `--json` stays one JSON document.
    """
    trusted = _trusted(None, data_dir, None)
    with checking() as advance:
        results = asyncio.run(verify_all(url, [tenant], trusted, advance=advance))
    if not reported(results, errors):
        errors.print("Not replayed: the log does not verify (--no-verify to replay it anyway).")
        raise typer.Exit(1)


def save_checkpoint(
    out: Annotated[Path, typer.Option("--out", help="the file to write (keep it off this host)")],
    keys: KeysDir = None,
    redis_url: RedisUrl = None,
    data_dir: DataDir = DATA,
) -> None:
    """Save every stream's chain head and the services' public keys, for `verify --checkpoint`."""
    trusted = _trusted(keys, data_dir, None)
    made_at = format_timestamp(datetime.now(UTC))
    url = redis_url_for(redis_url, data_dir)
    saved = asyncio.run(checkpoint_now(url, list(trusted.keys.values()), made_at))
    out.write_bytes(saved.to_json())
    console.print(
        f"Checkpoint of {len(saved.heads)} streams, "
        f"{sum(head.sequence for head in saved.heads.values())} events, written to {out}",
        markup=False,
    )
