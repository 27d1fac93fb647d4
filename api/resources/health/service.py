"""Readiness: reachable, migrated to head, seeded."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from alembic.script import ScriptDirectory
from sqlalchemy import func, inspect, select, text
from sqlmodel import Session

from api.db.migrate import alembic_config
from api.errors import ServiceUnavailableError
from api.provenance import current_data_version
from api.tables import MLModel


@lru_cache(maxsize=1)
def head_revision() -> str:
    """The newest migration revision shipped with the code."""
    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    return head or ""


def readiness(session: Session) -> dict[str, Any]:
    """The readiness report; raises ServiceUnavailableError when not ready."""
    if not inspect(session.connection()).has_table("alembic_version"):
        raise ServiceUnavailableError("the database is not migrated; run `dle migrate`")
    revision = session.execute(text("SELECT version_num FROM alembic_version")).scalar()
    if revision != head_revision():
        raise ServiceUnavailableError(
            f"the database is at revision {revision}, the code expects {head_revision()}; "
            "run `dle migrate`"
        )
    version = current_data_version(session)
    if version is None:
        raise ServiceUnavailableError("the database is not seeded; run `dle seed`")
    models = session.execute(select(func.count()).select_from(MLModel)).scalar_one()
    bind = session.get_bind()
    return {
        "status": "ready",
        "database": bind.dialect.name,
        "schema_revision": revision,
        "data_version": version,
        "models": models,
    }
