"""The serving engine's pool: under load a request queues for a connection, it does not
fail as fast as an unreachable database does."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from api.db.engine import SERVING_STATEMENT_CACHE, make_engine
from api.db.migrate import upgrade
from tests.conftest import make_client


def test_the_pool_wait_is_its_own_setting(seeded_url: str, backend: str) -> None:
    if backend != "postgresql":
        pytest.skip("SQLite files are served by SQLAlchemy's default pool")
    with make_client(seeded_url, db_connect_timeout_seconds=1, db_pool_timeout_seconds=7) as client:
        assert client.app.state.engine.pool.timeout() == 7  # type: ignore[attr-defined]
    engine = make_engine(seeded_url, read_only=True, connect_timeout=2)
    assert engine.pool.timeout() == 2  # type: ignore[attr-defined]  # the default
    engine.dispose()


def test_a_request_waits_for_a_busy_pool_instead_of_failing(seeded_url: str, backend: str) -> None:
    if backend != "postgresql":
        pytest.skip("SQLite files are served by SQLAlchemy's default pool")
    with make_client(
        seeded_url, db_connect_timeout_seconds=1, db_pool_timeout_seconds=60, cache_max_entries=0
    ) as client:
        engine = client.app.state.engine  # type: ignore[attr-defined]
        held = [engine.connect() for _ in range(10)]  # every pooled connection is busy
        answers: list[int] = []
        waiting = threading.Thread(
            target=lambda: answers.append(client.get("/v1/models?limit=1").status_code)
        )
        waiting.start()
        # The request is queued for a connection: it has not answered while all are held
        # (waiting far longer than the connect timeout that used to bound this wait).
        waiting.join(timeout=3)
        assert waiting.is_alive() and not answers
        held.pop().close()  # one connection comes free: the queued request gets it
        waiting.join(timeout=60)
        for connection in held:
            connection.close()
        assert answers == [200]


def test_serving_sqlite_connections_keep_few_prepared_statements(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each prepared statement holds C memory; with the driver's default of 128 per
    connection, varied queries grew a worker by hundreds of MiB (docs/benchmarks-load.md)."""
    url = f"sqlite:///{tmp_path / 'statements.sqlite3'}"
    upgrade(url)
    opened: list[dict[str, Any]] = []
    real_connect = sqlite3.dbapi2.connect

    def spy(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        opened.append(kwargs)
        return real_connect(*args, **kwargs)

    monkeypatch.setattr(sqlite3.dbapi2, "connect", spy)  # what SQLAlchemy calls
    engine = make_engine(url, read_only=True)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    finally:
        engine.dispose()
    assert opened and opened[0].get("cached_statements", 128) <= SERVING_STATEMENT_CACHE <= 32


def test_a_serving_sqlite_connection_reads_the_fts5_index_and_still_writes_nothing(
    seeded_url: str, backend: str
) -> None:
    """Opening the FTS5 table is authorized as an update of sqlite_master (the search
    needs it); a statement that really updates sqlite_master stays refused."""
    if backend != "sqlite":
        pytest.skip("SQLite's authorizer")
    engine = make_engine(seeded_url, read_only=True)
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        query = "SELECT count(*) FROM search_fts WHERE search_fts MATCH 'alexnet'"
        assert cursor.execute(query).fetchone()[0] > 0
        for statement in (
            "UPDATE sqlite_master SET sql = 'x' WHERE name = 'ml_model'",
            "PRAGMA writable_schema = ON",
            "INSERT INTO search_fts(search_fts) VALUES ('rebuild')",
        ):
            with pytest.raises(sqlite3.DatabaseError):
                cursor.execute(statement)
        assert cursor.execute("SELECT count(*) FROM ml_model").fetchone() == (976,)
    finally:
        raw.close()
        engine.dispose()
