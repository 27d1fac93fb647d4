"""Test databases: SQLite always; PostgreSQL when DLE_TEST_POSTGRES_URL names a server.

Locally a missing PostgreSQL URL skips those tests with a visible reason; under
CI=true it fails them, so CI can never pass without testing PostgreSQL.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

POSTGRES_ENV = "DLE_TEST_POSTGRES_URL"


def in_ci() -> bool:
    """Whether this run is CI's, where every backend and tool is required."""
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def require(condition: bool, reason: str) -> None:
    """Skip (locally) or fail (in CI) when a required service or tool is missing."""
    if condition:
        return
    if in_ci():
        pytest.fail(f"required in CI: {reason}")
    pytest.skip(reason)


def postgres_server_url() -> str | None:
    """The PostgreSQL server to create test databases on, if configured."""
    return os.environ.get(POSTGRES_ENV) or None


@contextmanager
def fresh_database(backend: str, tmp_dir: Path) -> Iterator[str]:
    """A new, empty database of ``backend``; dropped afterwards. Yields its URL."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_dir / f'dle-{uuid.uuid4().hex[:8]}.sqlite3'}"
        return
    server = postgres_server_url()
    require(server is not None, f"PostgreSQL tests need {POSTGRES_ENV}")
    assert server is not None
    name = f"dle_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # the server is configured but unusable
        admin.dispose()
        require(False, f"cannot create a PostgreSQL test database: {exc}")
    url = make_url(server).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
