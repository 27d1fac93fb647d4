"""``/v1/meta``: sources, licences, data version and the field dictionary."""

from __future__ import annotations

from fastapi import APIRouter, Request

from api import __version__
from api.db.engine import SessionDep
from api.errors import problem_responses
from api.http.deps import ProvenanceDep
from api.http.responses import JSONBody
from api.resources.meta.schemas import MetaResponse
from api.resources.meta.service import meta_info

router = APIRouter(prefix="/v1/meta", tags=["meta"])


@router.get(
    "",
    operation_id="get_meta",
    summary="Sources, licences and field dictionary",
    response_model=MetaResponse,
    responses=problem_responses(400, 503),
)
def get_meta(request: Request, session: SessionDep, provenance: ProvenanceDep) -> JSONBody:
    """The data sources with licence, attribution, snapshot date, checksum and row count; the
    data version; and every field of every resource with its type, unit and description."""
    return JSONBody(meta_info(session, provenance, request.app.openapi(), __version__))
