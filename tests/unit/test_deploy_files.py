"""The deployment files stay consistent with the code (Docker cannot run here, so check them)."""

from __future__ import annotations

import re
from fnmatch import fnmatchcase
from pathlib import Path

import yaml

from cli.supervisor import SERVICES
from contracts.streams import (
    ESTABLISHMENT_COMMANDS,
    ESTABLISHMENT_EVENTS,
    GRADING_EVENTS,
    StoreKeys,
    stream_key,
)
from eventlog.redis_server import server_config

DEPLOY = Path(__file__).parents[2] / "deploy"


def acl_users() -> dict[str, list[str]]:
    """Each user's rules outside selectors."""
    users = {}
    for line in (DEPLOY / "users.acl").read_text().splitlines():
        words = re.sub(r"\([^)]*\)", "", line).split()
        assert words[0] == "user"
        users[words[1]] = words[2:]
    return users


def selectors(user: str) -> list[list[str]]:
    """Each of a user's selectors, as its words."""
    line = next(
        text
        for text in (DEPLOY / "users.acl").read_text().splitlines()
        if text.startswith(f"user {user} ")
    )
    return [found.split() for found in re.findall(r"\(([^)]*)\)", line)]


def test_compose_runs_redis_and_every_service_the_supervisor_runs() -> None:
    """Compose runs Redis and each supervised service (own loopback port, own user, the tokens
    and its signing key as secrets) once Redis is healthy."""
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    services = compose["services"]
    assert set(services) == {"redis"} | {spec.name for spec in SERVICES}
    for spec in SERVICES:
        service = services[spec.name]
        assert service["environment"]["SERVICE"] == spec.name
        assert service["environment"]["ESTAB_PORT"] == str(spec.port)
        assert service["ports"] == [f"127.0.0.1:{spec.port}:{spec.port}"]
        key = f"{spec.name}_signing_key"
        assert service["secrets"] == ["estab_tokens", key]
        assert service["environment"]["ESTAB_TOKENS_FILE"] == "/run/secrets/estab_tokens"
        assert service["environment"]["ESTAB_SIGNING_KEY_FILE"] == f"/run/secrets/{key}"
        assert compose["secrets"][key]["file"] == f"./keys/{spec.name}.key"
        assert service["depends_on"]["redis"]["condition"] == "service_healthy"
        assert service["environment"]["ESTAB_REDIS_URL"].startswith(f"redis://{spec.name}:")
        assert spec.name in acl_users()
    assert "healthcheck" in services["redis"]
    assert compose["secrets"]["estab_tokens"]["file"] == "./tokens.json"


def test_redis_config_keeps_every_event() -> None:
    """Deployed and local Redis configs both use appendonly, everysec fsync and noeviction."""
    for text in ((DEPLOY / "redis.conf").read_text(), server_config(Path("/d"), 1)):
        lines = set(text.splitlines())
        assert "appendonly yes" in lines
        assert "maxmemory-policy noeviction" in lines
        assert "appendfsync everysec" in lines


def test_acl_confines_the_establishment_user_to_its_own_keys() -> None:
    """The establishment user reaches only its own keys; the auditor may read but not stream."""
    users = acl_users()
    assert users["default"] == ["off", "resetkeys", "-@all"]
    patterns = [word[1:] for word in users["establishment"] if word.startswith("~")]
    keys = StoreKeys.for_stream("leeds", ESTABLISHMENT_EVENTS)
    own = [
        keys.stream,
        keys.versions,
        keys.idempotency,
        keys.head,
        stream_key("leeds", ESTABLISHMENT_COMMANDS),
    ]
    assert all(any(fnmatchcase(key, pattern) for pattern in patterns) for key in own)
    assert not any(fnmatchcase("{leeds}:finance.cost-updates", pattern) for pattern in patterns)
    assert not any(
        fnmatchcase(stream_key("leeds", GRADING_EVENTS), pattern) for pattern in patterns
    )
    assert "+xadd" in users["establishment"]
    assert "+xadd" not in users["auditor"]
    assert "+xrange" in users["auditor"]
    assert not any(word.startswith("+@") for word in users["establishment"])


def test_a_service_reads_another_services_events_through_a_read_only_selector() -> None:
    """Grading reads establishment's events read-only, and its group there, and never writes."""
    on_events = [rules for rules in selectors("grading") if rules[0].endswith(ESTABLISHMENT_EVENTS)]
    reading = next(rules for rules in on_events if rules[0].startswith("%R~"))
    grouping = next(rules for rules in on_events if rules[0].startswith("~"))
    assert "+xrange" in reading
    assert "+xreadgroup" in grouping
    assert "+xack" in grouping
    for rules in on_events:
        assert not any(word.startswith(("+xadd", "+@", "+xtrim", "+del")) for word in rules)


def test_dockerfile_starts_a_service_module_with_a_healthcheck() -> None:
    """The Dockerfile runs `services.${SERVICE}` as estab, checks /health and names each port."""
    text = (DEPLOY / "Dockerfile").read_text()
    assert "python -m services.${SERVICE}" in text
    assert "uv sync --frozen --no-dev" in text
    assert "/health" in text
    assert "USER estab" in text
    for spec in SERVICES:
        assert (Path(__file__).parents[2] / "services" / spec.name / "__main__.py").exists()
        assert str(spec.port) in text


def test_the_image_copies_every_package_the_project_ships() -> None:
    """A package added to pyproject's wheel is copied into the image, or the services fail."""
    project = (Path(__file__).parents[2] / "pyproject.toml").read_text()
    listed = project[project.index("packages = [") :].split("]")[0]
    packages = [word.strip(' "[') for word in listed.split("[", 1)[1].split(",")]
    text = (DEPLOY / "Dockerfile").read_text()
    for package in packages:
        assert f"COPY {package} {package}" in text, package


def test_every_service_may_read_the_tenant_registry_and_only_establishment_writes_it() -> None:
    """Services follow `{_system}:tenants.events`; provisioning is establishment's alone."""
    users = acl_users()
    assert "~{*}:tenants.*" in users["establishment"]
    for name in ("grading", "recruitment", "finance"):
        registry = [rules for rules in selectors(name) if "%R~{*}:tenants.events" in rules]
        assert registry
        assert "+xrange" in registry[0]
        assert not any(
            fnmatchcase("{_system}:tenants.events", word[1:])
            for word in users[name]
            if word.startswith("~")
        )
