"""The serving connection cannot write, on either backend."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from api.db.engine import make_engine, sqlite_path
from api.http.response_cache.probe import SQLiteGenerationProbe


def test_serving_engine_refuses_writes(seeded_url: str) -> None:
    engine = make_engine(seeded_url, read_only=True)
    try:
        with engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM ml_model")).scalar() == 976
            with pytest.raises(DBAPIError):
                connection.execute(text("UPDATE ml_model SET name = 'x'"))
            connection.rollback()
            with pytest.raises(DBAPIError):
                connection.execute(text("CREATE TABLE intruder (id integer)"))
            connection.rollback()
    finally:
        engine.dispose()


def test_missing_sqlite_file_is_not_created(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "absent.sqlite3"
    engine = make_engine(f"sqlite:///{path}", read_only=True)
    with pytest.raises(DBAPIError), engine.connect():
        pass
    engine.dispose()
    assert not path.exists()


# SQLite's words for a statement the authorizer refused (at prepare or at run time).
DENIED = "not authorized|authorization denied"


def _sqlite_only(url: str) -> None:
    if not url.startswith("sqlite"):
        pytest.skip("SQLite's authorizer; PostgreSQL serves as a read-only role")


def test_sqlite_serving_connection_writes_nowhere(seeded_url: str, tmp_path: Path) -> None:
    """PRAGMA query_only can be turned off by a statement; the authorizer cannot.

    The raw connection runs each statement outside a transaction, as VACUUM needs."""
    _sqlite_only(seeded_url)
    engine = make_engine(seeded_url, read_only=True)
    copy, attached = tmp_path / "copy.sqlite3", tmp_path / "attached.sqlite3"
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        for statement in (
            "PRAGMA query_only = OFF",
            "UPDATE ml_model SET name = 'x'",
            f"VACUUM INTO '{copy}'",
            f"ATTACH DATABASE '{attached}' AS intruder",
            "CREATE TEMP TABLE intruder (id integer)",
        ):
            with pytest.raises(sqlite3.DatabaseError, match=DENIED):
                cursor.execute(statement)
        assert cursor.execute("PRAGMA query_only").fetchone() == (1,)
        assert cursor.execute("SELECT count(*) FROM ml_model").fetchone() == (976,)
    finally:
        raw.close()
        engine.dispose()
    assert not copy.exists()
    assert not attached.exists()


def test_the_cache_probe_connection_writes_nowhere(seeded_url: str, tmp_path: Path) -> None:
    _sqlite_only(seeded_url)
    path = sqlite_path(seeded_url)
    assert path is not None
    probe = SQLiteGenerationProbe(path)
    copy = tmp_path / "copy.sqlite3"
    try:
        assert asyncio.run(probe.read()) is not None
        connection = probe._connection
        assert connection is not None
        for statement in (f"VACUUM INTO '{copy}'", "PRAGMA query_only = OFF"):
            with pytest.raises(sqlite3.DatabaseError, match=DENIED):
                connection.execute(statement)
    finally:
        probe.close()
    assert not copy.exists()
