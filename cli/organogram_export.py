"""`estab export --format organogram`: read the four answers the pair is made from, write it.

The structure and org units (establishment), the grades' pay ranges (grading) and who is in
post (recruitment), all on `--as-of` as known at `--known-at`; `exporting.organogram_files`
makes the two CSVs from them. An organogram is a whole organisation, so `--org-unit` is refused:
a part of one would name senior posts outside it that the importer could not find.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import typer

from cli.options import console, errors, url_for
from cli.stack_calls import call
from exporting.organogram_files import organogram, write_organogram

if TYPE_CHECKING:
    from pathlib import Path


def export_organogram(
    tenant: str,
    out: Path,
    day: str,
    known_at: str | None,
    data_dir: Path,
    urls: dict[str, str | None],
    org_unit: str | None = None,
) -> None:
    """Write `out/organogram_senior.csv` and `out/organogram_junior.csv` for `tenant` on `day`.

    `urls` gives the establishment, grading and recruitment URLs (None: the stack's).
    """
    if org_unit:
        errors.print("--format organogram exports the whole organisation: drop --org-unit.")
        raise typer.Exit(2)

    def get(service: str, path: str) -> dict[str, Any]:
        params = {"as_of": day, **({"known_at": known_at} if known_at else {})}
        where = f"{url_for(data_dir, service, urls.get(service))}{path}"
        reply = call("GET", where, data_dir, params=params, headers={"X-Tenant": tenant})
        answer: dict[str, Any] = reply.json()
        return answer

    with console.status(f"Reading {tenant}'s structure, grades and postholders…"):
        pair = organogram(
            get("establishment", "/structure"),
            get("establishment", "/org-units"),
            get("grading", "/grades"),
            get("recruitment", "/postholders"),
        )
    written = write_organogram(pair, out)
    console.print(
        f"Wrote {len(pair.senior)} senior and {len(pair.junior)} junior rows to {out}: "
        + ", ".join(path.name for path in written),
        markup=False,
    )
