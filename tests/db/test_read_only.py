"""The serving connection cannot write, on either backend."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from api.db.engine import make_engine


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
