"""Redis access on the bundled server: each service's user reaches only what it must.

The ACL `estab up` loads (eventlog.redis_users) is put on a real Redis 6.2 here: establishment's
user cannot write finance's streams, trim or delete any stream, touch a consumer group on a
stream it does not follow, or run a dangerous command; the default user is off; recruitment
alone may delete (erasure). `deploy/users.acl` is the Redis 7 rendering of the same table.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import redis

from eventlog.redis_server import EmbeddedRedis
from eventlog.redis_user_file import ensure_passwords
from eventlog.redis_users import acl_file, placeholders

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

pytestmark = [pytest.mark.redis]

DEPLOY_ACL = Path(__file__).parents[2] / "deploy" / "users.acl"
T = "{acl-t}"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedRedis]:
    """The bundled redis-server with the users `estab up` gives it."""
    folder = tmp_path_factory.mktemp("acl")
    passwords = ensure_passwords(folder / "users.json")
    with EmbeddedRedis(folder / "redis", users=passwords) as running:
        operator = redis.Redis.from_url(running.url)
        operator.xadd(f"{T}:finance.events", {"__data__": "{}"})
        operator.xgroup_create(f"{T}:finance.events", "finance", id="0")
        operator.xadd(f"{T}:establishment.events", {"__data__": "{}"})
        operator.close()
        yield running


@pytest.fixture
def login(server: EmbeddedRedis) -> Iterator[Callable[[str], redis.Redis]]:
    """A client of the server logged in as a service's user."""
    clients: list[redis.Redis] = []

    def as_user(user: str) -> redis.Redis:
        assert server.users is not None
        client = redis.Redis(port=server.port, username=user, password=server.users[user])
        clients.append(client)
        return client

    yield as_user
    for client in clients:
        client.close()


def test_the_default_user_is_off(server: EmbeddedRedis) -> None:
    """Without a user and password nothing is answered."""
    with redis.Redis(port=server.port) as anonymous, pytest.raises(redis.AuthenticationError):
        anonymous.ping()


@pytest.mark.parametrize(
    "attack",
    [
        ("XADD", f"{T}:finance.cost-updates", "*", "__data__", "{}"),
        ("XADD", f"{T}:finance.events", "*", "__data__", "{}"),
        ("XTRIM", f"{T}:establishment.events", "MAXLEN", "0"),
        ("DEL", f"{T}:establishment.events"),
        ("XDEL", f"{T}:establishment.events", "0-1"),
        ("XREADGROUP", "GROUP", "finance", "x", "STREAMS", f"{T}:finance.events", ">"),
        ("XACK", f"{T}:finance.events", "finance", "0-1"),
        ("XGROUP", "DESTROY", f"{T}:finance.events", "finance"),
        ("CLIENT", "KILL", "TYPE", "normal"),
        ("CLIENT", "PAUSE", "1000"),
        ("SCRIPT", "FLUSH"),
        ("FLUSHALL",),
        ("CONFIG", "SET", "appendonly", "no"),
        ("KEYS", "*"),
        ("ACL", "LIST"),
        ("SHUTDOWN",),
    ],
    ids=lambda attack: " ".join(attack[:2]),
)
def test_establishments_user_is_refused(
    login: Callable[[str], redis.Redis], attack: tuple[str, ...]
) -> None:
    """Writes to finance's streams, trims, deletes, others' groups, admin commands: NOPERM."""
    with pytest.raises(redis.exceptions.NoPermissionError):
        login("establishment").execute_command(*attack)  # type: ignore[no-untyped-call]  # redis-py leaves it untyped


def test_a_service_writes_its_own_streams_and_only_recruitment_deletes(
    login: Callable[[str], redis.Redis],
) -> None:
    """Establishment appends to its own stream; recruitment may XDEL its commands (erasure)."""
    assert login("establishment").xadd(f"{T}:establishment.commands", {"__data__": "{}"})
    recruitment = login("recruitment")
    entry = recruitment.xadd(f"{T}:recruitment.commands", {"__data__": "{}"})
    assert recruitment.xdel(f"{T}:recruitment.commands", entry) == 1
    with pytest.raises(redis.exceptions.NoPermissionError):
        login("finance").xdel(f"{T}:recruitment.commands", entry)
    with pytest.raises(redis.exceptions.NoPermissionError):
        login("healthcheck").xrange(f"{T}:establishment.events")


def test_the_deploy_acl_is_the_redis_7_rendering_of_the_same_table() -> None:
    """deploy/users.acl is generated, with placeholders, and reads followed streams read-only."""
    assert DEPLOY_ACL.read_text() == acl_file(placeholders(), selectors=True)
    finance = next(line for line in DEPLOY_ACL.read_text().splitlines() if "user finance" in line)
    assert "(%R~{*}:establishment.events %R~{*}:establishment.events:head" in finance
