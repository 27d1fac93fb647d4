"""The serving role on PostgreSQL must not be able to write: checked on every connection.

Read-only sessions (``default_transaction_read_only``) stop accidental writes, but a
session can turn them off. The privileges of the role are the guard that a statement
cannot undo, so the server refuses to serve as a role that holds any privilege to
change data or schema (docs/deployment.md, "Roles"; ``scripts/pg-roles.sql`` creates a
role that passes). ``DLE_ALLOW_WRITABLE_ROLE=true`` turns the refusal off, for
development and the test suite only.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import Engine, event

from api.errors import ServiceUnavailableError

logger = logging.getLogger("api.db")

# SQL returning (privilege, object) for everything the current role may write.
_CHECKS: tuple[str, ...] = (
    "SELECT 'is a superuser', '' FROM pg_roles WHERE rolname = current_user AND rolsuper"
    " UNION ALL SELECT 'may create databases', '' FROM pg_roles"
    " WHERE rolname = current_user AND rolcreatedb"
    " UNION ALL SELECT 'may create roles', '' FROM pg_roles"
    " WHERE rolname = current_user AND rolcreaterole",
    "SELECT 'may ' || p || ' in database', current_database()"
    " FROM unnest(ARRAY['CREATE', 'TEMPORARY']) AS p"
    " WHERE has_database_privilege(current_database(), p)",
    "SELECT 'may CREATE in schema', nspname::text FROM pg_namespace"
    " WHERE nspname = ANY (current_schemas(false)) AND has_schema_privilege(oid, 'CREATE')",
    "SELECT 'may ' || p || ' on table', c.relname::text FROM pg_class c"
    " JOIN pg_namespace n ON n.oid = c.relnamespace"
    " CROSS JOIN unnest(ARRAY['INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'TRIGGER']) AS p"
    " WHERE n.nspname = ANY (current_schemas(false)) AND c.relkind IN ('r', 'p')"
    " AND has_table_privilege(c.oid, p)",
    "SELECT 'may ' || p || ' on sequence', c.relname::text FROM pg_class c"
    " JOIN pg_namespace n ON n.oid = c.relnamespace"
    " CROSS JOIN unnest(ARRAY['UPDATE', 'USAGE']) AS p"
    " WHERE n.nspname = ANY (current_schemas(false)) AND c.relkind = 'S'"
    " AND has_sequence_privilege(c.oid, p)",
)

_SHOWN = 8


class WritableRoleError(ServiceUnavailableError):
    """The database role the server connects as could write; the server refuses it."""

    def __init__(self, role: str, privileges: list[str]) -> None:
        shown = "; ".join(privileges[:_SHOWN])
        more = f" (and {len(privileges) - _SHOWN} more)" if len(privileges) > _SHOWN else ""
        super().__init__(
            f"the server refuses to serve as database role {role!r}, which can write: "
            f"{shown}{more}. Serve as a read-only role (scripts/pg-roles.sql)."
        )
        self.role = role
        self.privileges = privileges


def write_privileges(dbapi_connection: Any) -> tuple[str, list[str]]:
    """The current role, and in words every privilege it holds to write (none: [])."""
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("SELECT current_user")
        role = str(cursor.fetchone()[0])
        objects: dict[str, list[str]] = {}
        for sql in _CHECKS:
            cursor.execute(sql)
            for privilege, name in cursor.fetchall():
                objects.setdefault(str(privilege), []).append(str(name))
    finally:
        cursor.close()
    return role, [_describe(privilege, names) for privilege, names in objects.items()]


def _describe(privilege: str, names: list[str]) -> str:
    """One privilege in words: 'may INSERT on table ml_model' or '... on 29 tables (...)'."""
    names = sorted(name for name in names if name)
    if not names:
        return privilege
    if len(names) == 1:
        return f"{privilege} {names[0]}"
    head, _, kind = privilege.rpartition(" ")
    listed = ", ".join(names[:3]) + (", ..." if len(names) > 3 else "")
    return f"{head} {len(names)} {kind}s ({listed})"


def refuse_writable_role(engine: Engine) -> None:
    """Check every new connection of ``engine`` (PostgreSQL only): a role that can write
    makes the connection fail with WritableRoleError (a 503 problem; /ready says why)."""
    if engine.dialect.name != "postgresql":
        return

    @event.listens_for(engine, "connect")
    def _check_role(dbapi_connection: Any, _record: Any) -> None:
        role, privileges = write_privileges(dbapi_connection)
        # The check ran in a transaction of its own (libpq autocommit is off); end it.
        dbapi_connection.rollback()
        if privileges:
            logger.error("refusing database role %r: it can write (%s)", role, privileges)
            raise WritableRoleError(role, privileges)


def check_role_at_start(engine: Engine) -> None:
    """Connect once at start-up so that a writable role stops the server at once; an
    unreachable database is not an error here (requests answer 503 until it is back)."""
    if engine.dialect.name != "postgresql":
        return
    try:
        with engine.connect():
            pass
    except WritableRoleError:
        raise
    except Exception as exc:  # unreachable now; every new connection is still checked
        logger.warning("database unreachable at start-up, role not checked yet: %s", exc)
