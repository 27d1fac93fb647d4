"""scripts/pg-roles.sql: an owner role that migrates and seeds, a reader role that serves.

Applied to a fresh database on the test server, with role names unique to the test
(roles are cluster-wide, and the server is shared).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from api.db.migrate import upgrade
from api.db.roles import WritableRoleError
from seed.loader import load_seed
from tests.backends import fresh_database, postgres_server_url, require
from tests.conftest import SAMPLE_DIR, make_client

pytestmark = pytest.mark.postgres

ROOT = Path(__file__).resolve().parents[2]
ROLES_SQL = ROOT / "scripts" / "pg-roles.sql"
INSUFFICIENT_PRIVILEGE = "42501"


@dataclass(frozen=True)
class RoleSetup:
    """A database prepared by the roles script, and URLs to it as each role."""

    admin_url: str
    owner: str
    reader: str
    owner_url: str
    reader_url: str


def _libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _apply_roles_script(admin_url: str, database: str, owner: str, reader: str) -> None:
    done = subprocess.run(
        [
            "psql",
            "--no-psqlrc",
            "-v",
            "ON_ERROR_STOP=1",
            "-v",
            f"db={database}",
            "-v",
            f"owner={owner}",
            "-v",
            f"reader={reader}",
            "-v",
            f"owner_password={owner}-pw",
            "-v",
            f"reader_password={reader}-pw",
            "-d",
            _libpq(admin_url),
            "-f",
            str(ROLES_SQL),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr


@pytest.fixture
def roles(tmp_path: Path) -> Iterator[RoleSetup]:
    """A fresh database with the script applied (twice: it must be idempotent)."""
    require(postgres_server_url() is not None, "PostgreSQL tests need DLE_TEST_POSTGRES_URL")
    require(shutil.which("psql") is not None, "the roles script needs psql (postgresql-client)")
    suffix = uuid.uuid4().hex[:10]
    owner, reader = f"dle_owner_{suffix}", f"dle_reader_{suffix}"
    server = postgres_server_url()
    assert server is not None
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with fresh_database("postgresql", tmp_path) as admin_url:
            database = make_url(admin_url).database
            assert database is not None
            _apply_roles_script(admin_url, database, owner, reader)
            _apply_roles_script(admin_url, database, owner, reader)
            base = make_url(admin_url)
            yield RoleSetup(
                admin_url=admin_url,
                owner=owner,
                reader=reader,
                owner_url=base.set(username=owner, password=f"{owner}-pw").render_as_string(
                    hide_password=False
                ),
                reader_url=base.set(username=reader, password=f"{reader}-pw").render_as_string(
                    hide_password=False
                ),
            )
    finally:
        with admin.connect() as connection:
            for role in (owner, reader):
                connection.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
        admin.dispose()


def _sqlstate(exc: DBAPIError) -> str | None:
    state: str | None = getattr(exc.orig, "sqlstate", None)
    return state


def test_owner_migrates_and_seeds_reader_serves(roles: RoleSetup) -> None:
    upgrade(roles.owner_url)
    load_seed(roles.owner_url, SAMPLE_DIR)

    admin = create_engine(roles.admin_url)
    with admin.connect() as connection:
        owners = connection.execute(
            text("SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'")
        ).scalars()
        assert set(owners) == {roles.owner}
    admin.dispose()

    with make_client(roles.reader_url, allow_writable_role=False) as client:
        ready = client.get("/ready")
        assert ready.status_code == 200, ready.text
        assert ready.json()["models"] == 10
        models = client.get("/v1/models", params={"limit": 3})
        assert models.status_code == 200
        assert len(models.json()["items"]) == 3


def test_reader_cannot_write_even_without_read_only_transactions(roles: RoleSetup) -> None:
    upgrade(roles.owner_url)
    load_seed(roles.owner_url, SAMPLE_DIR)

    # By default the reader's sessions are read-only (set on the role by the script).
    plain = create_engine(roles.reader_url)
    with plain.connect() as connection:
        assert connection.execute(text("SHOW default_transaction_read_only")).scalar() == "on"
    plain.dispose()

    # Turn that off: the privileges alone must still refuse every write.
    engine = create_engine(
        roles.reader_url, connect_args={"options": "-c default_transaction_read_only=off"}
    )
    writes = [
        "UPDATE ml_model SET name = 'x'",
        "DELETE FROM ml_model",
        "INSERT INTO data_release (data_version) VALUES ('x')",
        "TRUNCATE ml_model CASCADE",
        "CREATE TABLE intruder (id integer)",
        "CREATE TEMPORARY TABLE intruder (id integer)",
        "DROP TABLE ml_model CASCADE",
        "ALTER TABLE ml_model ADD COLUMN intruder integer",
    ]
    try:
        with engine.connect() as connection:
            assert connection.execute(text("SHOW default_transaction_read_only")).scalar() == "off"
            assert connection.execute(text("SELECT count(*) FROM ml_model")).scalar() == 10
            for statement in writes:
                with pytest.raises(DBAPIError) as caught:
                    connection.execute(text(statement))
                assert _sqlstate(caught.value) == INSUFFICIENT_PRIVILEGE, statement
                connection.rollback()
            assert connection.execute(text("SELECT count(*) FROM ml_model")).scalar() == 10
    finally:
        engine.dispose()


def test_reader_can_read_tables_created_later(roles: RoleSetup) -> None:
    """Default privileges: a table a later migration adds is readable without re-running."""
    owner = create_engine(roles.owner_url)
    with owner.begin() as connection:
        connection.execute(text("CREATE TABLE later_table (id integer PRIMARY KEY)"))
        connection.execute(text("INSERT INTO later_table VALUES (1), (2)"))
    owner.dispose()

    reader = create_engine(roles.reader_url)
    with reader.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM later_table")).scalar() == 2
    reader.dispose()


def test_only_granted_roles_may_connect(roles: RoleSetup) -> None:
    admin = create_engine(roles.admin_url)
    stranger = f"dle_stranger_{uuid.uuid4().hex[:10]}"
    with admin.connect() as connection:
        connection.execute(text(f"CREATE ROLE \"{stranger}\" LOGIN PASSWORD '{stranger}'"))
        connection.commit()
    try:
        url = (
            make_url(roles.admin_url)
            .set(username=stranger, password=stranger)
            .render_as_string(hide_password=False)
        )
        engine = create_engine(url)
        with pytest.raises(DBAPIError) as caught, engine.connect():
            pass
        assert "permission denied" in str(caught.value)
        engine.dispose()
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP ROLE IF EXISTS "{stranger}"'))
            connection.commit()
        admin.dispose()


@pytest.mark.parametrize("who", ["owner", "superuser"])
def test_server_refuses_to_start_as_a_role_that_can_write(roles: RoleSetup, who: str) -> None:
    upgrade(roles.owner_url)
    load_seed(roles.owner_url, SAMPLE_DIR)
    url = roles.owner_url if who == "owner" else roles.admin_url
    with pytest.raises(WritableRoleError) as caught, make_client(url, allow_writable_role=False):
        pass
    message = str(caught.value)
    if who == "owner":
        assert roles.owner in message
        assert re.search(r"may INSERT on \d+ tables \(", message)
    else:
        assert "is a superuser" in message
    assert "scripts/pg-roles.sql" in message


def test_a_privilege_granted_later_is_refused_on_the_next_connection(roles: RoleSetup) -> None:
    upgrade(roles.owner_url)
    load_seed(roles.owner_url, SAMPLE_DIR)
    with make_client(roles.reader_url, allow_writable_role=False) as client:
        assert client.get("/v1/models", params={"limit": 1}).status_code == 200
        owner = create_engine(roles.owner_url)
        with owner.begin() as connection:
            connection.execute(text(f'GRANT INSERT ON ml_model TO "{roles.reader}"'))
        owner.dispose()
        client.app.state.engine.dispose()  # type: ignore[attr-defined]  # new connections

        refused = client.get("/v1/models", params={"limit": 2})  # not a cached answer
        assert refused.status_code == 503
        assert refused.headers["content-type"] == "application/problem+json"
        assert "may INSERT on table ml_model" in refused.json()["detail"]
        ready = client.get("/ready")
        assert ready.status_code == 503
        assert roles.reader in ready.json()["detail"]


def test_writable_roles_may_be_allowed_explicitly(roles: RoleSetup) -> None:
    upgrade(roles.owner_url)
    load_seed(roles.owner_url, SAMPLE_DIR)
    with make_client(roles.owner_url, allow_writable_role=True) as client:
        assert client.get("/ready").status_code == 200
