"""Every SQL statement of the server is bounded in time, on SQLite as on PostgreSQL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from api.db.budget import bound_sqlite_statements, interrupted
from api.db.engine import make_engine
from api.db.migrate import upgrade
from api.resources.meta import routes as meta_routes
from tests.conftest import make_client

# Counting to fifty million takes SQLite several seconds: far over the bounds below.
SLOW_SQLITE = (
    "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 50000000) "
    "SELECT count(*) FROM c"
)
SLOW_POSTGRES = "SELECT pg_sleep(30)"


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'budget.sqlite3'}"
    upgrade(url)
    return url


def test_a_long_sqlite_statement_is_interrupted(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url, read_only=True)
    bound_sqlite_statements(engine, 50)
    try:
        with engine.connect() as connection:
            with pytest.raises(OperationalError) as caught:
                connection.execute(text(SLOW_SQLITE)).scalar()
            assert interrupted(caught.value.orig)
            # The bound is per statement: the next one on the same connection runs.
            assert connection.execute(text("SELECT 1")).scalar() == 1
        # And on the pooled connection's next use.
        with engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM ml_model")).scalar() == 0
    finally:
        engine.dispose()


def test_statements_within_the_bound_run_to_the_end(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url, read_only=True)
    bound_sqlite_statements(engine, 60_000)
    try:
        with engine.connect() as connection:
            counted = connection.execute(text(SLOW_SQLITE.replace("50000000", "200000"))).scalar()
            assert counted == 200_000
    finally:
        engine.dispose()


def test_a_request_over_the_bound_answers_503_problem(
    seeded_url: str, backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    slow = SLOW_SQLITE if backend == "sqlite" else SLOW_POSTGRES

    def meta_info_after_a_slow_query(session: Session, *args: Any, **kwargs: Any) -> Any:
        session.execute(text(slow)).scalar()
        raise AssertionError("the statement should have been stopped")

    monkeypatch.setattr(meta_routes, "meta_info", meta_info_after_a_slow_query)
    with make_client(seeded_url, db_statement_timeout_ms=100, cache_max_entries=0) as client:
        response = client.get("/v1/meta")
        assert response.status_code == 503, response.text
        assert response.headers["content-type"] == "application/problem+json"
        body = response.json()
        assert body["status"] == 503
        assert "more database time than the server allows" in body["detail"]
        assert "Traceback" not in response.text
        assert response.headers["retry-after"]
        # The worker is not stuck: the next request is served.
        assert client.get("/v1/models", params={"limit": 1}).status_code == 200
