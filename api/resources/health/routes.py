"""``/health`` and ``/ready``: liveness and readiness probes."""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field
from sqlmodel import Session

from api.errors import ServiceUnavailableError, problem_responses
from api.http.responses import JSONBody
from api.resources.health.service import readiness

router = APIRouter(tags=["health"])


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
    """The database is reachable, migrated to head and seeded; reports the data version."""
    try:
        with Session(request.app.state.engine) as session:
            state = readiness(session)
    except ServiceUnavailableError:
        raise
    except Exception as exc:  # any failure to reach the database means "not ready"
        raise ServiceUnavailableError(f"database unreachable ({type(exc).__name__})") from exc
    return JSONBody(state)
