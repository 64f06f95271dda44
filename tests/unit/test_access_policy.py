"""The access table, token lookup and the tokens file, without a service."""

from __future__ import annotations

import stat
from typing import TYPE_CHECKING

import orjson
import pytest

from eventlog.access import Grant, Role, TokenBook, needed_role, refusal
from eventlog.token_file import TokensFileError, ensure_tokens, read_tokens, role_token

if TYPE_CHECKING:
    from pathlib import Path

SECRET = "s" * 40


@pytest.mark.parametrize(
    ("service", "method", "path", "needed"),
    [
        ("establishment", "GET", "/structure", None),
        ("finance", "HEAD", "/ledger", None),
        ("establishment", "POST", "/posts", Role.HR),
        ("recruitment", "POST", "/appointments", Role.HR),
        ("grading", "POST", "/evaluations", Role.PAYROLL_CONFIG),
        ("finance", "POST", "/funding-streams", Role.FINANCE),
        ("establishment", "POST", "/tenants", Role.ADMIN),
        ("establishment", "POST", "/tenantsfoo", Role.HR),
        ("elsewhere", "DELETE", "/x", Role.ADMIN),
    ],
)
def test_each_request_needs_the_role_in_the_table(
    service: str, method: str, path: str, needed: Role | None
) -> None:
    """Reads need any role; each service's writes its owner's; tenants and unknowns admin's."""
    assert needed_role(service, method, path) == needed


def test_admin_may_do_anything_in_its_tenants_only() -> None:
    """admin passes every role check; a tenant scope refuses other tenants, admin or not."""
    admin = Grant("ops", Role.ADMIN)
    local = Grant("local", Role.ADMIN, frozenset({"leeds"}))
    assert refusal(admin, "finance", "POST", "/funding-streams", "any") is None
    assert refusal(local, "finance", "POST", "/funding-streams", "leeds") is None
    why = refusal(local, "finance", "GET", "/ledger", "dudley")
    assert why is not None
    assert "'dudley'" in why


def test_a_token_finds_its_grant_and_nothing_else_does() -> None:
    """The book answers the issued token's grant, and None for a near miss or the empty token."""
    book = TokenBook([(SECRET, Grant("hr", Role.HR)), ("t" * 40, Grant("x", Role.AUDITOR))])
    assert book.grant_for(SECRET) == Grant("hr", Role.HR)
    assert book.grant_for(SECRET[:-1] + "t") is None
    assert book.grant_for("") is None


def test_the_tokens_file_is_made_private_once_and_then_kept(tmp_path: Path) -> None:
    """`ensure_tokens` makes a 0600 file with one token per role, and leaves it alone after."""
    path = tmp_path / "data" / "tokens.json"
    assert ensure_tokens(path)
    first = path.read_bytes()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert set(orjson.loads(first)) == {role.value for role in Role}
    assert not ensure_tokens(path)
    assert path.read_bytes() == first
    book = read_tokens(path)
    assert len(book) == len(Role)
    grant = book.grant_for(role_token(path, Role.FINANCE))
    assert grant == Grant("finance", Role.FINANCE)


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (b"{}", "holds no tokens"),
        (b"not json", "is not a tokens file"),
        (orjson.dumps({"jane": SECRET}), "'jane' is not a role"),
        (orjson.dumps({"hr": "short"}), "is not a tokens file"),
        (orjson.dumps({"x": {"token": SECRET, "role": "boss"}}), "is not a tokens file"),
    ],
)
def test_a_broken_tokens_file_is_refused_saying_why(
    tmp_path: Path, content: bytes, said: str
) -> None:
    """Empty, not JSON, an identity that is no role, a short token or a bad role: an error."""
    path = tmp_path / "tokens.json"
    path.write_bytes(content)
    with pytest.raises(TokensFileError, match=said):
        read_tokens(path)


def test_a_scoped_entry_carries_its_role_and_tenants(tmp_path: Path) -> None:
    """`{"token", "role", "tenants"}` gives the identity its role and only those tenants."""
    path = tmp_path / "tokens.json"
    entry = {"token": SECRET, "role": "hr", "tenants": ["leeds"]}
    path.write_bytes(orjson.dumps({"leeds-hr": entry}))
    assert read_tokens(path).grant_for(SECRET) == Grant("leeds-hr", Role.HR, frozenset({"leeds"}))
