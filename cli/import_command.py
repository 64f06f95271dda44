"""`estab import`: bring an existing establishment in from an HR report or organogram files.

Placeholder until the importer lands: refuses with a clear message rather than half-importing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def import_establishment(
    files: Annotated[list[Path], typer.Argument(exists=True, dir_okay=False)],
    tenant: Annotated[str, typer.Option(help="the organisation to import into")],
    as_of: Annotated[str, typer.Option("--as-of", help="the date the establishment stands")],
    data_dir: Annotated[Path, typer.Option(help="the stack's data directory")] = Path("data"),
) -> None:
    """Import posts, org units and postholders from CSV, XLSX or organogram files."""
    del files, tenant, as_of, data_dir
    raise typer.Exit(2)
