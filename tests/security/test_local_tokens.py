"""`estab up` makes the local stack's tokens, private and kept; the CLI finds and sends them."""

from __future__ import annotations

import stat
from typing import TYPE_CHECKING

import orjson
import pytest
from driving import estab

from cli.supervisor import free_port_offset
from eventlog.token_file import TOKENS_ENV

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = [pytest.mark.e2e, pytest.mark.redis]


def test_up_makes_a_private_tokens_file_and_keeps_it(tmp_path: Path) -> None:
    """A first `estab up` writes DATA_DIR/tokens.json (0600) and says where; a second keeps it;
    `estab token ROLE` prints the role's token from it."""
    data = tmp_path / "data"
    offset = str(free_port_offset())
    first = estab(
        "up", "--once", "--data-dir", str(data), "--port-offset", offset, unset=(TOKENS_ENV,)
    )
    assert first.returncode == 0, first.stdout + first.stderr
    path = data / "tokens.json"
    assert f"Tokens: {path.resolve()}" in " ".join(first.stdout.split())
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    tokens = orjson.loads(path.read_bytes())
    assert set(tokens) == {"admin", "hr", "payroll-config", "finance", "auditor"}
    assert len(set(tokens.values())) == len(tokens)
    again = estab(
        "up", "--once", "--data-dir", str(data), "--port-offset", offset, unset=(TOKENS_ENV,)
    )
    assert again.returncode == 0, again.stderr
    assert orjson.loads(path.read_bytes()) == tokens
    printed = estab("token", "auditor", "--data-dir", str(data), unset=(TOKENS_ENV,))
    assert printed.stdout.strip() == tokens["auditor"]


def test_the_cli_says_where_it_looked_when_there_is_no_token(tmp_path: Path) -> None:
    """With no stack tokens and no --token, a query exits 2 naming the missing tokens file."""
    done = estab(
        "structure", "--data-dir", str(tmp_path), "--url", "http://127.0.0.1:9", unset=(TOKENS_ENV,)
    )
    assert done.returncode == 2, done.stdout + done.stderr
    said = " ".join(done.stderr.split())
    assert f"no tokens file at {tmp_path / 'tokens.json'}" in said
    assert "--token" in said
