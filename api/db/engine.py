"""Engines and sessions.

The serving engine is read-only: SQLite files are opened with ``mode=ro`` and
``PRAGMA query_only``, under an authorizer that allows reads only
(``read_only_authorizer``); PostgreSQL sessions start with
``default_transaction_read_only`` (and serve with a read-only role, see
docs/deployment.md). Only the migration and seed commands build a writable engine.
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy import Engine, event
from sqlalchemy.engine import make_url
from sqlmodel import Session, create_engine
from starlette.concurrency import run_in_threadpool


def is_sqlite(url: str) -> bool:
    """Whether a database URL points to SQLite."""
    return make_url(url).get_backend_name() == "sqlite"


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL, or None for an in-memory database."""
    database = make_url(url).database
    if not database or database == ":memory:":
        return None
    return Path(database)


def postgres_connect_args(
    *, read_only: bool, connect_timeout: float, statement_timeout_ms: int = 0
) -> dict[str, Any]:
    """libpq connection parameters: session settings, and timeouts that bound every wait.

    Use these for any engine of the server (with ``pool_pre_ping=True``), so that no
    request waits on an unreachable database longer than ``connect_timeout``.
    """
    options = []
    if read_only:
        options.append("-c default_transaction_read_only=on")
        # One snapshot per request: a re-seed committing mid-request cannot mix the old
        # data version with new rows (read-only transactions never fail to serialize).
        options.append("-c default_transaction_isolation=repeatable\\ read")
    if statement_timeout_ms:
        options.append(f"-c statement_timeout={statement_timeout_ms}")
    connect_args: dict[str, Any] = {
        "connect_timeout": max(1, round(connect_timeout)),
        # A server that vanished without closing its connections (host down, network
        # cut) fails the next use of a pooled connection after this long, instead of
        # the kernel's retransmission timeout (many minutes); keepalives notice it idle.
        "tcp_user_timeout": max(1000, round(connect_timeout * 1000)),
        "keepalives": 1,
        "keepalives_idle": 30,
        "keepalives_interval": 10,
        "keepalives_count": 3,
    }
    if options:
        connect_args["options"] = " ".join(options)
    return connect_args


# What a serving SQLite connection may do: read. Every other action (writes, schema
# changes, ATTACH, which VACUUM INTO needs too, pragmas that set a value) is denied by
# SQLite's authorizer, below PRAGMA query_only, which a statement could turn off.
_READ_ACTIONS = frozenset(
    {sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_FUNCTION, sqlite3.SQLITE_RECURSIVE}
)
# Pragmas that only report: those whose argument names a table or index, and those read
# without an argument.
_SCHEMA_PRAGMAS = frozenset(
    {"table_info", "table_xinfo", "index_list", "index_info", "index_xinfo", "foreign_key_list"}
)
_READ_PRAGMAS = frozenset(
    {"data_version", "schema_version", "user_version", "query_only", "quick_check"}
)


def read_only_authorizer(
    action: int, arg1: str | None, arg2: str | None, _db: str | None, _source: str | None
) -> int:
    """``sqlite3.Connection.set_authorizer`` callback of a serving connection."""
    if action in _READ_ACTIONS:
        return sqlite3.SQLITE_OK
    if action == sqlite3.SQLITE_UPDATE and arg1 == "sqlite_master":
        # Opening an FTS5 table (the search index) declares its schema, which SQLite
        # authorizes as an update of sqlite_master; nothing is written. A statement
        # that really updates sqlite_master is refused anyway: it needs
        # ``PRAGMA writable_schema``, which this authorizer refuses, and the file is
        # opened read-only.
        return sqlite3.SQLITE_OK
    if action == sqlite3.SQLITE_TRANSACTION and arg1 in ("BEGIN", "COMMIT", "ROLLBACK"):
        return sqlite3.SQLITE_OK
    if action == sqlite3.SQLITE_PRAGMA and arg1 is not None:
        name = arg1.lower()
        if name in _SCHEMA_PRAGMAS or (name in _READ_PRAGMAS and arg2 is None):
            return sqlite3.SQLITE_OK
    return sqlite3.SQLITE_DENY


def make_engine(
    url: str,
    *,
    read_only: bool,
    connect_timeout: float = 3.0,
    statement_timeout_ms: int = 0,
    pool_timeout: float | None = None,
) -> Engine:
    """Build an engine; ``read_only`` engines refuse every write at the connection level.

    ``pool_timeout`` (default: ``connect_timeout``) is how long a request waits for a free
    pooled connection when all are in use: a queue under load, not an outage (a
    database that does not answer fails each connection after ``connect_timeout``).
    """
    if is_sqlite(url):
        return _make_sqlite_engine(url, read_only=read_only, connect_timeout=connect_timeout)
    connect_args = postgres_connect_args(
        read_only=read_only,
        connect_timeout=connect_timeout,
        statement_timeout_ms=statement_timeout_ms,
    )
    return create_engine(
        url,
        connect_args=connect_args,
        pool_pre_ping=True,
        pool_size=5,
        max_overflow=5,
        pool_timeout=connect_timeout if pool_timeout is None else pool_timeout,
    )


# Prepared statements the driver keeps per serving SQLite connection (its default: 128).
# Statements with expanded IN lists differ by their length, and a prepared statement of
# a wide query holds C memory outside the Python heap: 128 of them on each of a pool's
# connections grew a worker by hundreds of MiB under varied queries (the load test's
# cache-busting run). SQLAlchemy's compiled cache still saves the Python side.
SERVING_STATEMENT_CACHE = 16


def _make_sqlite_engine(url: str, *, read_only: bool, connect_timeout: float) -> Engine:
    path = sqlite_path(url)
    if path is not None and not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    if read_only and path is not None:
        # mode=ro makes the file itself unwritable through this connection, and
        # opening fails (instead of creating an empty file) when it is missing.
        engine = create_engine(
            f"sqlite:///file:{path}?mode=ro&uri=true",
            connect_args={
                "check_same_thread": False,
                "timeout": connect_timeout,
                "cached_statements": SERVING_STATEMENT_CACHE,
            },
        )
    else:
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": connect_timeout}
        )

    @event.listens_for(engine, "connect")
    def _set_pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        if read_only:
            cursor.execute("PRAGMA query_only = ON")
        cursor.close()
        if read_only:
            dbapi_connection.set_authorizer(read_only_authorizer)
        if read_only:
            # pysqlite never opens a transaction for SELECT, so each statement would read
            # whatever is committed at that moment; see _begin_snapshot.
            dbapi_connection.isolation_level = None

    if read_only:

        @event.listens_for(engine, "begin")
        def _begin_snapshot(connection: Any) -> None:
            # One snapshot per request: the shared lock taken by the first read is held
            # until the session ends, so a re-seed commits after the request, never
            # in the middle of it (the data version and the rows always agree).
            connection.exec_driver_sql("BEGIN")

    return engine


async def get_session(request: Request) -> AsyncIterator[Session]:
    """A session on the application's read-only engine, closed after the request.

    Made on the event loop: a session does no I/O until its first statement (in the
    endpoint's worker thread), so a worker thread for it would only cost two thread
    hops per request. Closed on the loop too for SQLite, where returning the connection
    to the pool is a rollback of a local file with no transaction open; in a worker
    thread for PostgreSQL, where it is a round trip that must not hold up the loop.
    """
    engine: Engine = request.app.state.engine
    session = Session(engine)
    try:
        yield session
    finally:
        if engine.dialect.name == "sqlite":
            session.close()
        else:
            await run_in_threadpool(session.close)


SessionDep = Annotated[Session, Depends(get_session)]
