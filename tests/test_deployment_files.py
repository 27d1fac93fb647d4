"""compose.yaml, checked statically (no Docker engine here), against the files it uses.

Variables are interpolated as Compose does (``${VAR:-default}``, ``$$``) with the
defaults, so the URLs, passwords and names of the services can be compared.
"""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy.engine import URL, make_url

from api.cli import build_parser

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = ROOT / "compose.yaml"
DOCKERFILE = ROOT / "Dockerfile"
ROLES_SQL = ROOT / "scripts" / "pg-roles.sql"
PG_DATA = "/var/lib/postgresql/data"

_VARIABLE = re.compile(r"\$\$|\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?::?-(?P<default>[^}]*))?\}")


def interpolate(value: Any) -> Any:
    """Compose's variable substitution with every variable unset (so defaults apply)."""
    if isinstance(value, str):

        def substitute(match: re.Match[str]) -> str:
            if match.group(0) == "$$":
                return "$"
            assert match.group("default") is not None, f"{match.group(0)} has no default"
            return match.group("default")

        return _VARIABLE.sub(substitute, value)
    if isinstance(value, list):
        return [interpolate(item) for item in value]
    if isinstance(value, dict):
        return {key: interpolate(item) for key, item in value.items()}
    return value


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    raw = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    assert isinstance(raw, dict)
    parsed: dict[str, Any] = interpolate(raw)
    return parsed


def services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = compose["services"]
    return found


def command_argv(service: dict[str, Any]) -> list[str]:
    command = service["command"]
    return shlex.split(command) if isinstance(command, str) else [str(c) for c in command]


def shell_script(service: dict[str, Any]) -> str:
    """The script of a ``sh -c`` command."""
    argv = command_argv(service)
    assert argv[:2] == ["sh", "-c"], argv
    return argv[2]


def database_url(service: dict[str, Any]) -> URL:
    environment = service["environment"]
    assert isinstance(environment, dict), "environment as a mapping"
    return make_url(environment["DLE_DATABASE_URL"])


def depends_on(service: dict[str, Any], other: str) -> str:
    condition: str = service["depends_on"][other]["condition"]
    return condition


def test_api_and_db_have_healthchecks(compose: dict[str, Any]) -> None:
    found = services(compose)
    assert {"api", "db"} <= set(found)
    db_check = " ".join(found["db"]["healthcheck"]["test"])
    assert "pg_isready" in db_check
    api_check = " ".join(found["api"]["healthcheck"]["test"])
    port = found["api"]["ports"][0].split(":")[-1]
    assert f"127.0.0.1:{port}/ready" in api_check


def test_postgres_data_lives_in_a_named_volume(compose: dict[str, Any]) -> None:
    mounts = [m.split(":") for m in services(compose)["db"]["volumes"]]
    named = [source for source, target, *_ in mounts if target == PG_DATA]
    assert len(named) == 1
    assert not named[0].startswith((".", "/")), "a named volume, not a bind mount"
    assert named[0] in compose["volumes"]


def test_api_starts_after_a_one_shot_migrate_and_seed(compose: dict[str, Any]) -> None:
    found = services(compose)
    one_shots = [
        name
        for name in found["api"]["depends_on"]
        if depends_on(found["api"], name) == "service_completed_successfully"
    ]
    assert len(one_shots) == 1
    migrate = found[one_shots[0]]
    script = shell_script(migrate)
    steps = [shlex.split(step) for step in script.split("&&")]
    assert steps == [["dle", "migrate"], ["dle", "seed"]]
    for argv in steps:
        assert build_parser().parse_args(argv[1:]).command == argv[1]
    assert migrate["restart"] == "no"
    # The roles exist before migrate runs, and the database before the roles.
    assert depends_on(migrate, "roles") == "service_completed_successfully"
    assert depends_on(found["roles"], "db") == "service_healthy"
    assert depends_on(found["api"], "db") == "service_healthy"


def test_urls_use_psycopg_with_owner_for_migrate_and_reader_for_api(
    compose: dict[str, Any],
) -> None:
    found = services(compose)
    serve, migrate = database_url(found["api"]), database_url(found["migrate"])
    for url in (serve, migrate):
        assert url.drivername == "postgresql+psycopg"
        assert url.host == "db"
        assert url.port == 5432
    assert serve.database == migrate.database
    assert serve.username == "dle_reader"
    assert migrate.username == "dle_owner"

    # The roles step creates exactly these roles, database and passwords.
    roles = found["roles"]
    script = shell_script(roles).replace("\n", " ")
    argv = shlex.split(script)
    variables = dict(argv[i + 1].split("=", 1) for i, a in enumerate(argv) if a == "-v")
    environment = roles["environment"]
    assert variables["db"] == serve.database
    assert variables["owner_password"] == "$DLE_OWNER_PASSWORD"
    assert variables["reader_password"] == "$DLE_READER_PASSWORD"
    assert environment["DLE_OWNER_PASSWORD"] == migrate.password
    assert environment["DLE_READER_PASSWORD"] == serve.password
    assert environment["PGHOST"] == "db"
    sql = ROLES_SQL.read_text(encoding="utf-8")
    assert "\\set owner dle_owner" in sql
    assert "\\set reader dle_reader" in sql


def test_roles_step_runs_the_roles_script(compose: dict[str, Any]) -> None:
    roles = services(compose)["roles"]
    argv = shlex.split(shell_script(roles).replace("\n", " "))
    target = argv[argv.index("-f") + 1]
    mounts = {m.split(":")[1]: m.split(":")[0] for m in roles["volumes"]}
    assert target in mounts
    assert (ROOT / mounts[target]).resolve() == ROLES_SQL


def test_image_is_built_from_this_repository(compose: dict[str, Any]) -> None:
    found = services(compose)
    for name in ("api", "migrate"):
        build = found[name]["build"]
        assert build["context"] == "."
        assert (ROOT / build["context"] / build["dockerfile"]).resolve() == ROOT / "Dockerfile"
    assert found["api"]["image"] == found["migrate"]["image"]


def test_api_command_is_the_tested_entry_point(compose: dict[str, Any]) -> None:
    api = services(compose)["api"]
    argv = command_argv(api)
    assert argv[0] == "dle"
    args = build_parser().parse_args(argv[1:])
    assert args.command == "serve"
    assert args.host == "0.0.0.0"
    assert args.workers >= 2
    host_port, container_port = api["ports"][0].split(":")
    assert int(container_port) == args.port
    assert host_port.isdigit()


def test_every_referenced_host_file_exists(compose: dict[str, Any]) -> None:
    for name, service in services(compose).items():
        for mount in service.get("volumes", []):
            source = mount.split(":")[0]
            if source.startswith((".", "/")):
                assert (ROOT / source).exists(), f"{name}: {source} is missing"
        if "build" in service:
            assert (ROOT / service["build"]["context"]).is_dir()


def test_the_image_serves_through_dle_serve() -> None:
    """The image's CMD is ``dle serve``, so it gets the head caps and timeouts of api/server."""
    lines = DOCKERFILE.read_text(encoding="utf-8").splitlines()
    [cmd] = [line for line in lines if line.startswith("CMD ")]
    argv = json.loads(cmd.removeprefix("CMD "))
    assert argv[0] == "dle"
    args = build_parser().parse_args(argv[1:])
    assert args.command == "serve"
    assert args.host == "0.0.0.0"
    assert f"EXPOSE {args.port}" in lines
