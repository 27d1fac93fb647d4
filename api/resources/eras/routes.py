"""``/v1/eras``: the named eras of deep learning."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from api.db.engine import SessionDep
from api.errors import problem_responses
from api.http.deps import ProvenanceDep, fields_query
from api.http.responses import JSONBody, page_response
from api.listing.params import pick, select_fields
from api.listing.schemas import Page
from api.resources.eras import service
from api.resources.eras.schemas import EraDetail, EraPublic
from api.resources.slugs import SLUG_REDIRECT_RESPONSES, redirect_to
from api.tables import MAX_ERA_SLUG_LENGTH

router = APIRouter(prefix="/v1/eras", tags=["eras"])

FieldsQuery = Annotated[str | None, fields_query("name,start_date,end_date")]


@router.get(
    "",
    operation_id="list_eras",
    summary="List eras",
    response_model=Page[EraPublic],
    responses=problem_responses(400, 422, 503),
)
def list_eras(
    request: Request, session: SessionDep, provenance: ProvenanceDep, fields: FieldsQuery = None
) -> JSONBody:
    """Every era, in date order, with its boundaries' source and counts."""
    selected = select_fields(fields, service.FIELDS, service.FIELDS)
    return page_response(request, service.list_eras(session, provenance, selected))


@router.get(
    "/{slug}",
    operation_id="get_era",
    summary="Get one era",
    response_model=EraDetail,
    responses={**problem_responses(400, 404, 422, 503), **SLUG_REDIRECT_RESPONSES},
)
def get_era(
    request: Request,
    session: SessionDep,
    provenance: ProvenanceDep,
    slug: Annotated[
        str,
        Path(max_length=MAX_ERA_SLUG_LENGTH, description="Era slug.", examples=["deep-learning"]),
    ],
    fields: FieldsQuery = None,
) -> Response:
    """One era with its milestones and the number of models published in it."""
    selected = select_fields(fields, service.DETAIL_FIELDS, service.DETAIL_FIELDS)
    found = service.find_era(session, slug)
    if found.redirect:
        return redirect_to(request, found.slug)
    return JSONBody(pick(service.get_era(session, provenance, found.slug), selected))
