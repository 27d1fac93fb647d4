"""The writable engine, for migrations and the seed loader only (never the server)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, event

from api.db.engine import is_sqlite, make_engine


def make_writable_engine(url: str) -> Engine:
    """An engine that can write, with real transactions on SQLite DDL as well as DML."""
    engine = make_engine(url, read_only=False)
    if is_sqlite(url):
        # pysqlite opens transactions lazily and never for DDL; take over so that a
        # failed migration or seed rolls back completely (SQLAlchemy's documented recipe).
        @event.listens_for(engine, "connect")
        def _no_implicit_transactions(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None

        @event.listens_for(engine, "begin")
        def _begin(connection: Any) -> None:
            connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine
