"""A bound on the time of every SQL statement of the server, on SQLite as on PostgreSQL.

PostgreSQL enforces ``statement_timeout`` itself (``postgres_connect_args``). SQLite
has no such setting, so each serving connection gets a progress handler: SQLite calls
it every ``PROGRESS_STEPS`` virtual-machine instructions, and once the statement has
run longer than the bound the handler interrupts it. The statement then fails with
``sqlite3.OperationalError: interrupted``, which the HTTP layer answers with a 503
problem, as PostgreSQL's ``query_canceled`` (both are ``OperationalError``).

The clock starts when SQLAlchemy sends a statement, so it covers the statement's
execution and the fetching of its rows, and stops when the transaction ends or the
connection goes back to the pool.
"""

from __future__ import annotations

import math
import time
from typing import Any

from sqlalchemy import Engine, event

# About a millisecond of SQLite's work between checks: cheap (a Python call per step)
# and fine enough for a bound counted in seconds.
PROGRESS_STEPS = 20_000
_DEADLINE = "dle_statement_deadline"


def interrupted(exc: BaseException) -> bool:
    """Whether ``exc`` (a DBAPI error) is a statement stopped by the bound (either backend)."""
    if getattr(exc, "sqlstate", None) == "57014":  # PostgreSQL query_canceled
        return True
    return str(exc).strip() == "interrupted"  # sqlite3, from the progress handler


def bound_sqlite_statements(engine: Engine, timeout_ms: int) -> None:
    """Interrupt any statement of ``engine`` (SQLite only) running over ``timeout_ms``."""
    if engine.dialect.name != "sqlite" or timeout_ms <= 0:
        return
    limit = timeout_ms / 1000

    @event.listens_for(engine, "connect")
    def _install(dbapi_connection: Any, record: Any) -> None:
        deadline = [math.inf]
        record.info[_DEADLINE] = deadline

        def _over_time() -> int:
            return 1 if time.monotonic() > deadline[0] else 0

        dbapi_connection.set_progress_handler(_over_time, PROGRESS_STEPS)

    def _deadline(info: dict[str, Any]) -> list[float] | None:
        found: list[float] | None = info.get(_DEADLINE)
        return found

    @event.listens_for(engine, "before_cursor_execute")
    def _arm(connection: Any, *_: Any) -> None:
        deadline = _deadline(connection.info)
        if deadline is not None:
            deadline[0] = time.monotonic() + limit

    def _disarm_connection(connection: Any) -> None:
        deadline = _deadline(connection.info)
        if deadline is not None:
            deadline[0] = math.inf

    event.listen(engine, "commit", _disarm_connection)
    event.listen(engine, "rollback", _disarm_connection)

    @event.listens_for(engine, "checkin")
    def _disarm(_dbapi_connection: Any, record: Any) -> None:
        deadline = record.info.get(_DEADLINE) if record is not None else None
        if deadline is not None:
            deadline[0] = math.inf
