"""`estab person erase REF`: erasure of one person by crypto-shredding (docs/PERSONAL_DATA.md).

The recruitment service destroys the person's key; the log is untouched, so `estab verify` stays
clean and every figure stays, but the person is shown as `erased` everywhere from then on. It
cannot be undone, so the command asks first unless `--yes` is given. It needs the `admin` token.
"""

from __future__ import annotations

from typing import Annotated

import typer

from cli.options import DATA, DataDir, RecruitmentUrl, Tenant, console, url_for
from cli.stack_calls import call

person_app = typer.Typer(help="People: erasure of a person's reference.", no_args_is_help=True)


@person_app.command(name="erase")
def erase(
    person_ref: Annotated[str, typer.Argument(help="the HR system's reference for the person")],
    tenant: Tenant,
    yes: Annotated[bool, typer.Option("--yes", help="do not ask for confirmation")] = False,
    data_dir: DataDir = DATA,
    url: RecruitmentUrl = None,
) -> None:
    """Destroy a person's key: they are shown as `erased` from now on; every figure stays."""
    if not yes:
        typer.confirm(f"Erase {person_ref} from tenant {tenant}? This cannot be undone", abort=True)
    base = url_for(data_dir, "recruitment", url)
    path = f"{base}/people/{person_ref}/erase"
    reply = call("POST", path, data_dir, headers={"X-Tenant": tenant}).json()
    console.print(
        f"Erased: {reply['person_id']} ({reply['contracts']} contracts) is shown as `erased`; "
        "the log and every figure are unchanged. "
        f"{reply['inputs_deleted']} input messages naming them deleted."
    )
    if reply["inputs_pending"]:
        console.print(
            f"{reply['inputs_pending']} commands naming them are not yet decided: "
            "erase again once they are."
        )
