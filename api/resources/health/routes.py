"""``/health`` and ``/ready``: liveness and readiness probes."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field
from sqlalchemy.exc import DatabaseError, OperationalError
from sqlmodel import Session

from api.db.engine import is_sqlite, sqlite_path
from api.db.integrity import damage, report_damage
from api.errors import ServiceUnavailableError, problem_responses
from api.http.responses import JSONBody
from api.resources.health.service import readiness

router = APIRouter(tags=["health"])
logger = logging.getLogger("api.db")

UNREACHABLE = "the database is unreachable"
DAMAGED = "the database file is damaged (see the server log); re-seed it or restore a copy"


class Health(BaseModel):
    """The process is up."""

    status: str = Field(description="Always 'ok'.", examples=["ok"])


class Ready(BaseModel):
    """The database is reachable, migrated and seeded."""

    status: str = Field(description="'ready'.", examples=["ready"])
    database: str = Field(description="Database backend (sqlite, postgresql).")
    schema_revision: str = Field(description="Alembic revision of the database.")
    data_version: str = Field(description="Short hash of the seeded data.")
    models: int = Field(description="Number of models served.")


@router.get("/health", operation_id="get_health", summary="Liveness", response_model=Health)
def get_health() -> JSONBody:
    """The process is up (does not touch the database)."""
    return JSONBody({"status": "ok"})


@router.get(
    "/ready",
    operation_id="get_ready",
    summary="Readiness",
    response_model=Ready,
    responses=problem_responses(503),
)
def get_ready(request: Request) -> JSONBody:
    """The database is reachable, intact, migrated to head and seeded; reports the data version."""
    url: str = request.app.state.settings.database_url
    path = sqlite_path(url) if is_sqlite(url) else None
    if path is not None and path.exists() and damage(path) is not None:
        # the reason (and the file) are in the log, once; the probe gets a plain answer
        raise ServiceUnavailableError(DAMAGED)
    try:
        with Session(request.app.state.engine) as session:
            state = readiness(session)
    except ServiceUnavailableError:
        raise
    except DatabaseError as exc:
        if path is not None and not isinstance(exc, OperationalError):
            report_damage(path, str(exc.orig))
            raise ServiceUnavailableError(DAMAGED) from exc
        logger.warning("not ready: the database is unreachable: %s", exc.orig)
        raise ServiceUnavailableError(UNREACHABLE) from exc
    except Exception as exc:  # any failure to reach the database means "not ready"
        logger.warning("not ready: the database is unreachable: %r", exc)
        raise ServiceUnavailableError(UNREACHABLE) from exc
    return JSONBody(state)
