"""How verification is said, and the public keys it is checked against.

One line per stream, a broken one named on stderr; keys from a folder of `*.pub.json`, where a
broken file ends the command.
"""

from __future__ import annotations

from contextlib import AbstractContextManager, contextmanager
from typing import TYPE_CHECKING, Any

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from cli.options import errors
from eventlog.signing_keys import KEYS_FOLDER, SigningKeyError, public_keys_in

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

    from rich.console import Console

    from eventlog.head_signing import PublicKey


def keys_folder(keys: Path | None, data_dir: Path) -> Path:
    """Where the trusted public keys are: `--keys`, else DATA_DIR/keys."""
    return keys or data_dir / KEYS_FOLDER


def public_keys_or_exit(folder: Path) -> list[PublicKey]:
    """The public keys in `folder` (none if it is missing), or exit 2 naming a broken file."""
    try:
        return public_keys_in(folder)
    except SigningKeyError as error:
        errors.print(str(error), markup=False)
        raise typer.Exit(2) from None


def reported(results: list[tuple[str, str, Any]], out: Console) -> bool:
    """Print (tenant, stream, report) results; whether every stream was sound.

    A broken one names the stream, the entry id, the event id, its sequence and what is wrong.
    """
    sound = True
    for name, stream, report in results:
        if report.ok:
            out.print(f"[green]ok[/green]  {name} {stream}: {report.events} events")
            continue
        sound = False
        broken = report.first_break
        errors.print(
            f"[red]BROKEN[/red] {name} {stream}: entry {broken.entry_id} "
            f"(event {broken.event_id}, sequence {broken.sequence}): {broken.reason}"
        )
    return sound


@contextmanager
def counting(doing: str) -> Iterator[Callable[[int], object]]:
    """A progress line on stderr while events are read (gone once done); its `advance`.

    It says what is being done, how many events so far and for how long, so a long
    run over years of history is seen to move.
    """
    columns = (
        SpinnerColumn(),
        TextColumn(doing + ": {task.completed:,} events"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=errors, transient=True) as bar:
        task = bar.add_task(doing, total=None)
        yield lambda count: bar.advance(task, count)


def checking() -> AbstractContextManager[Callable[[int], object]]:
    """The progress line of a verification."""
    return counting("Verifying")


def replaying() -> AbstractContextManager[Callable[[int], object]]:
    """The progress line of a replay."""
    return counting("Replaying")
