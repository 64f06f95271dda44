"""The archive from the CLI: `estab export --format jsonl`, and `verify`/`replay --archive`.

An archive is made straight from Redis (no service needed) and read back with no Redis at all.
Its signed heads are checked against the public keys the auditor trusts (`--keys`, default
DATA_DIR/keys); with none there, against the keys the archive carries, which only shows that it
is consistent with itself, and says so.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import typer

from cli.chain_reports import keys_folder, public_keys_or_exit, reported
from cli.options import console, errors
from eventlog.archive import Archive, ArchiveError, read_archive, verify_archive, write_archive
from eventlog.clock import format_timestamp
from eventlog.head_signing import TrustedKeys
from eventlog.redis_client import redis_client

if TYPE_CHECKING:
    from pathlib import Path

    from rich.console import Console


def export_archive(tenant: str, out: Path, redis_url: str, data_dir: Path) -> None:
    """Write the tenant's whole history to `out` (gzip JSON lines with a manifest)."""
    keys = public_keys_or_exit(keys_folder(None, data_dir))

    async def write() -> dict[str, object]:
        redis = redis_client(redis_url)
        try:
            made_at = format_timestamp(datetime.now(UTC))
            with console.status(f"Archiving {tenant}'s streams…"):
                return await write_archive(redis, tenant, out, keys, made_at)
        finally:
            await redis.aclose()

    manifest = asyncio.run(write())
    streams: dict[str, dict[str, object]] = manifest["streams"]  # type: ignore[assignment]  # written just above
    counts = ", ".join(f"{name} {item['count']}" for name, item in streams.items())
    console.print(f"Wrote {out}: {counts} events; {len(keys)} public keys", markup=False)


def opened(path: Path) -> Archive:
    """The archive at `path`, or exit 2 saying why it cannot be read."""
    try:
        return read_archive(path)
    except ArchiveError as error:
        errors.print(str(error), markup=False)
        raise typer.Exit(2) from None


def _trusted(archive: Archive, keys: Path | None, data_dir: Path) -> TrustedKeys:
    folder = keys_folder(keys, data_dir)
    found = public_keys_or_exit(folder)
    if found:
        return TrustedKeys(found)
    errors.print(
        f"No public keys in {folder} (--keys): signatures checked against the archive's own "
        "keys, which shows only that it agrees with itself",
        markup=False,
    )
    return TrustedKeys(archive.keys())


def archive_sound(archive: Archive, keys: Path | None, data_dir: Path, out: Console) -> bool:
    """Verify every stream of the archive, one line each; whether all are sound."""
    results = verify_archive(archive, _trusted(archive, keys, data_dir))
    return reported([(archive.tenant, stream, report) for stream, report in results], out)
