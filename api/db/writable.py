"""The writable engine, for migrations and the seed loader only (never the server).

On SQLite it puts the file in WAL mode (persistent: the mode is stored in the file).
Readers and the writer then never wait for each other: a re-seed lands whatever the
read load, each read transaction keeps the snapshot it started on, and a writer that
dies mid-write leaves only an uncommitted WAL tail, which every reader ignores (no hot
journal that a read-only server could not roll back). See docs/deployment.md.
"""

from __future__ import annotations

import logging
import sqlite3
from typing import Any

from sqlalchemy import Engine, event

from api.db.engine import is_sqlite, make_engine

logger = logging.getLogger("api.db")


def make_writable_engine(url: str) -> Engine:
    """An engine that can write, with real transactions on SQLite DDL as well as DML."""
    engine = make_engine(url, read_only=False)
    if is_sqlite(url):
        # pysqlite opens transactions lazily and never for DDL; take over so that a
        # failed migration or seed rolls back completely (SQLAlchemy's documented recipe).
        @event.listens_for(engine, "connect")
        def _no_implicit_transactions(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None
            _use_wal(dbapi_connection)

        @event.listens_for(engine, "begin")
        def _begin(connection: Any) -> None:
            connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def _use_wal(dbapi_connection: Any) -> None:
    """Switch the file to WAL (a no-op once it is); a failure leaves the old mode."""
    try:
        mode = dbapi_connection.execute("PRAGMA journal_mode = WAL").fetchone()
    except sqlite3.Error as exc:
        # Leaving rollback mode needs a moment without readers; the write still works
        # in the old mode, and the next migration or seed tries again.
        logger.warning("could not switch the SQLite file to WAL mode: %s", exc)
        return
    if mode and mode[0] not in ("wal", "memory"):
        logger.warning("the SQLite file stays in journal mode %s, not WAL", mode[0])


def checkpoint(engine: Engine) -> None:
    """Best effort: copy the WAL into the main file and truncate it (SQLite only).

    After a seed the main file then holds everything and the -wal does not grow
    without bound. Readers still on an older snapshot can hold it up (then the next
    writer or checkpoint finishes the job); it never fails the caller.
    """
    if engine.dialect.name != "sqlite":
        return
    raw = engine.raw_connection()
    try:
        # Outside a transaction (the raw connection is in autocommit), as it must be.
        row = raw.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()  # type: ignore[union-attr]
    except sqlite3.Error as exc:
        logger.warning("WAL checkpoint skipped: %s", exc)
        return
    finally:
        raw.close()
    if row is not None and row[0]:
        logger.info("WAL checkpoint incomplete (readers on an older snapshot); left for later")
