"""Reading the data generation that keys the response cache (see the package docs)."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from time import monotonic_ns
from typing import Any, Protocol

import psycopg
from psycopg import pq
from sqlalchemy.engine import make_url

from api.config import Settings
from api.db.engine import is_sqlite, postgres_connect_args, read_only_authorizer, sqlite_path

GENERATION_SQL = "SELECT data_version, loaded_at FROM data_release"
# The PostgreSQL probe prepares it once per connection, under this name.
GENERATION_STATEMENT = b"dle_generation"
# Changes whenever another connection committed to the file (SQLite keeps it per connection).
DATA_VERSION_SQL = "PRAGMA data_version"


class GenerationProbe(Protocol):
    """Reads the current data generation; None when it cannot be known right now."""

    async def read(self, arrived_ns: int | None = None) -> str | None:
        """The generation token, or None (then the cache is bypassed).

        ``arrived_ns``: when the request arrived (``time.monotonic_ns``), if the server
        says: the token of a read that started after it is as good as a new read's.
        """
        ...

    def close(self) -> None:
        """Release connections (at shutdown)."""
        ...


def _token(row: Any) -> str | None:
    if row is None:
        return None
    version, loaded_at = row
    return f"{version}@{loaded_at}"


class SQLiteGenerationProbe:
    """One read-only connection of its own, asked on the event loop's thread.

    ``PRAGMA data_version`` changes on this connection whenever another connection has
    committed to the file since it was last asked, so the ``data_release`` row is read
    again only then: a request costs one pragma (a few microseconds), not a query, and
    the requests of a burst, which arrived before the first of them asked, share its
    pragma. A load that
    commits between the pragma and the row read is seen by the next pragma (its value
    changed again), so the token never lags a commit the pragma could have seen. The
    connection never waits for a lock (busy timeout 0): while a loader commits, the
    read fails at once and the request bypasses the cache instead of blocking the
    event loop.
    """

    def __init__(self, path: Path) -> None:
        self._path = path
        self._connection: sqlite3.Connection | None = None
        self._cursor: sqlite3.Cursor | None = None
        self._version: int | None = None
        self._token: str | None = None
        self._read_ns = 0  # when the read that gave ``_token`` started
        self.reads = 0  # pragmas asked (the tests count them)

    async def read(self, arrived_ns: int | None = None) -> str | None:
        """The generation, read inline unless the last read started after the request
        arrived (the requests of one burst share a read)."""
        if arrived_ns is not None and arrived_ns < self._read_ns and self._token is not None:
            return self._token
        return self.read_now()

    def read_now(self) -> str | None:
        """The generation (synchronously: it never waits)."""
        started = monotonic_ns()
        self.reads += 1
        try:
            connection = self._connection
            if connection is None:
                connection = self._connection = sqlite3.connect(
                    f"file:{self._path}?mode=ro",
                    uri=True,
                    timeout=0,
                    isolation_level=None,
                    check_same_thread=False,
                )
                connection.set_authorizer(read_only_authorizer)
            cursor = self._cursor
            if cursor is None:
                cursor = self._cursor = connection.cursor()
            (version,) = cursor.execute(DATA_VERSION_SQL).fetchone()
            if version != self._version or self._token is None:
                self._token = _token(connection.execute(GENERATION_SQL).fetchone())
                self._version = version
            self._read_ns = started
            return self._token
        except sqlite3.Error:
            self.close()
            return None

    def close(self) -> None:
        """Close the connection; the next read opens a new one (and reads the row)."""
        self._version = self._token = self._cursor = None
        self._read_ns = 0
        if self._connection is not None:
            self._connection.close()
            self._connection = None


class PostgresGenerationProbe:
    """For PostgreSQL: one connection of its own, asked on the event loop, shared by
    the requests that arrive while it is being asked.

    The read is a prepared statement sent and read with libpq's non-blocking calls on
    the event loop (``_result``): a fraction of the Python work of a cursor's execute.

    A request waits for the next read that *starts after it arrived* (a read already
    under way may have started before a commit this request must see), so every
    answer is checked against the data as it was at or after the request's arrival:
    never stale. Under load one round trip serves every request of a batch: no query
    per request, no worker thread, no pool. A read that fails or takes longer than the
    connect timeout (database down, network cut) answers None for its batch and drops
    the connection; the next read connects again, so the probe recovers by itself.
    """

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        # The last read that succeeded: when it started, and its token.
        self._read_ns = 0
        self._token: str | None = None
        url = make_url(settings.database_url).set(drivername="postgresql")
        self._conninfo = url.render_as_string(hide_password=False)
        self._timeout = max(settings.db_connect_timeout_seconds, 0.1)
        self._connection: psycopg.AsyncConnection[Any] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._waiting: list[asyncio.Future[str | None]] = []
        self._reading = False
        self._task: asyncio.Task[None] | None = None
        self.reads = 0  # round trips made (the tests count them)

    async def read(self, arrived_ns: int | None = None) -> str | None:
        """The generation, from a read that starts after this call, or one that started
        after the request arrived and has its answer already."""
        loop = asyncio.get_running_loop()
        if loop is not self._loop:  # a new event loop (a new server or test client)
            self._discard()
            self._loop, self._waiting, self._reading = loop, [], False
        elif arrived_ns is not None and arrived_ns < self._read_ns and self._token is not None:
            return self._token
        waiter: asyncio.Future[str | None] = loop.create_future()
        self._waiting.append(waiter)
        if not self._reading:
            self._reading = True
            # Kept: the loop holds tasks only weakly.
            self._task = loop.create_task(self._read_batches())
        return await waiter

    async def _read_batches(self) -> None:
        try:
            while self._waiting:
                batch, self._waiting = self._waiting, []
                token = await self._read_once()
                for waiter in batch:
                    if not waiter.done():  # a request that went away meanwhile
                        waiter.set_result(token)
        finally:
            self._reading = False

    async def _read_once(self) -> str | None:
        self.reads += 1
        started = monotonic_ns()
        token = await self._round_trip()
        self._read_ns, self._token = (started, token) if token is not None else (0, None)
        return token

    async def _round_trip(self) -> str | None:
        settings = self._settings
        try:
            async with asyncio.timeout(self._timeout):
                if self._connection is None or self._connection.closed:
                    self._connection = await psycopg.AsyncConnection.connect(
                        self._conninfo,
                        autocommit=True,
                        **postgres_connect_args(
                            read_only=True,
                            connect_timeout=settings.db_connect_timeout_seconds,
                            statement_timeout_ms=settings.db_statement_timeout_ms,
                        ),
                    )
                    pgconn = self._connection.pgconn
                    pgconn.nonblocking = 1
                    pgconn.send_prepare(GENERATION_STATEMENT, GENERATION_SQL.encode())
                    await _result(pgconn, pq.ExecStatus.COMMAND_OK)
                pgconn = self._connection.pgconn
                pgconn.send_query_prepared(GENERATION_STATEMENT, None)
                result = await _result(pgconn, pq.ExecStatus.TUPLES_OK)
                if result.ntuples == 0:
                    return None
                # Both columns are NOT NULL; text, as the server sends it.
                return _token([(result.get_value(0, i) or b"").decode() for i in (0, 1)])
        except Exception:  # unreachable, not migrated, timed out: bypass the cache
            self._discard()
            return None

    def _discard(self) -> None:
        self._read_ns, self._token = 0, None
        connection, self._connection = self._connection, None
        if connection is not None:
            # Closed at the libpq level: synchronous, and valid whatever the loop's state.
            connection.pgconn.finish()

    def close(self) -> None:
        """Close the connection (at shutdown)."""
        self._discard()


async def _result(pgconn: pq.abc.PGconn, status: pq.ExecStatus) -> pq.abc.PGresult:
    """The result of the statement just sent, read with libpq's non-blocking calls as the
    socket is ready on the running loop; an error unless it has ``status``."""
    loop = asyncio.get_running_loop()
    fd = pgconn.socket
    while pgconn.flush():  # the rest of the statement, as the socket takes it
        await _ready(fd, loop.add_writer, loop.remove_writer)
    pgconn.consume_input()
    while pgconn.is_busy():
        await _ready(fd, loop.add_reader, loop.remove_reader)
        pgconn.consume_input()
    result = pgconn.get_result()
    while pgconn.get_result() is not None:  # the end of the statement's results
        pass
    if result is None or result.status != status:
        message = result.error_message if result is not None else pgconn.error_message
        raise psycopg.OperationalError(message.decode(errors="replace"))
    return result


async def _ready(fd: int, watch: Any, unwatch: Any) -> None:
    """Until ``fd`` is ready (``watch`` is the loop's add_reader or add_writer)."""
    future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    watch(fd, _set_done, future)
    try:
        await future
    finally:
        unwatch(fd)


def _set_done(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


class NoGenerationProbe:
    """For databases another process cannot open (in-memory SQLite): never cache."""

    async def read(self, arrived_ns: int | None = None) -> str | None:
        """Always unknown."""
        return None

    def close(self) -> None:
        """Nothing to release."""


def generation_probe(settings: Settings) -> GenerationProbe:
    """The cheapest correct probe for the configured database."""
    if is_sqlite(settings.database_url):
        path = sqlite_path(settings.database_url)
        return SQLiteGenerationProbe(path) if path is not None else NoGenerationProbe()
    return PostgresGenerationProbe(settings)
