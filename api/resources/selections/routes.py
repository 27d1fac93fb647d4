"""``/v1/selections``: published selections of models, usable as ``selection=`` on trends."""

from __future__ import annotations

from fastapi import APIRouter, Request

from api.db.engine import SessionDep
from api.errors import problem_responses
from api.http.deps import ProvenanceDep
from api.http.responses import JSONBody, page_response
from api.listing.schemas import Page
from api.resources.selections import service
from api.resources.selections.schemas import SelectionPublic

router = APIRouter(prefix="/v1/selections", tags=["selections"])


@router.get(
    "",
    operation_id="list_selections",
    summary="List published selections of models",
    response_model=Page[SelectionPublic],
    responses=problem_responses(422, 503),
)
def list_selections(request: Request, session: SessionDep, provenance: ProvenanceDep) -> JSONBody:
    """Every selection with its method, source and members (e.g. the large-scale models of
    Sevilla et al. 2022); fit a trend over one with ``selection=`` on /v1/trends."""
    return page_response(request, service.list_selections(session, provenance))
